// #/tap-huan — trainings (issue 14): the sessions the user may see over a period, the training
// report of the user's unit (the seed's sentence, the table by commune or team, CSV and .xlsx in
// the official form), and for officers "Lớp tập huấn mới". Days are Vietnam days, shown dd/mm/yyyy.
import { useState } from 'preact/hooks';
import { TRAINING_KINDS, type TrainingKind } from '../../trainings/trainings.contract.js';
import { num } from '../shared/format.js';
import { fromVnDate, vnDate, vnDateTimeLabel, vnToday } from '../shared/time.js';
import { api, provinces } from './client.js';
import { DownloadLink } from './download.js';
import { page, type PageProps } from './mount.js';
import { can, myUnit, OFFICERS, READERS } from './session.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';
import { ChoroplethMap } from './map.js';
import { trainingMeasures } from './map.measures.js';

const pctOf = (rate: number | null) => (rate === null ? '—' : new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 }).format(rate));
/** Where a session stands for a person reading the list (not only whether attendance was closed). */
const stateOf = (t: { startsAt: string | null; endsAt: string | null; closedAt: string | null }) => {
  const now = Date.now();
  if (t.closedAt) return 'Đã đóng điểm danh';
  if (Date.parse(t.startsAt!) > now) return 'Sắp diễn ra';
  if (Date.parse(t.endsAt!) >= now) return 'Đang diễn ra';
  return 'Đã kết thúc, chưa đóng điểm danh';
};

/** The training report of `unit` for [from, to], with its downloads. */
function Report({ unit, from, to }: { unit: string; from: string; to: string }) {
  const loaded = useLoad(() => api.call('GET /api/reports/trainings', { query: { unit, from, to } }), [unit, from, to]);
  if (loaded.error) return <LoadError error={loaded.error} title="Không tải được báo cáo tập huấn" />;
  if (!loaded.data) return <Loading />;
  const r = loaded.data;
  const q = `unit=${unit}&from=${from}&to=${to}`;
  return (
    <section aria-labelledby="training-report">
      <h3 id="training-report">Báo cáo tập huấn — {r.unit.name}</h3>
      <p class="lead" id="training-sentence">
        {r.sentence}
      </p>
      <dl class="figures">
        <div><dt>Lớp tập huấn</dt><dd>{num(r.totals.sessions)}</dd></div>
        <div><dt>Điểm cầu</dt><dd>{num(r.totals.points)}</dd></div>
        <div><dt>Được mời</dt><dd>{num(r.totals.invited)}</dd></div>
        <div><dt>Tham gia</dt><dd>{num(r.totals.attended)}</dd></div>
        <div><dt>Lượt mời có tham gia</dt><dd>{pctOf(r.totals.attendanceRate)}</dd><dd class="hint">{num(r.totals.invitationsAttended)} / {num(r.totals.invitations)} lượt mời</dd></div>
        <div><dt>Chưa từng được tập huấn</dt><dd>{num(r.totals.neverTrained)} / {num(r.totals.members)}</dd></div>
      </dl>
      <p class="actions">
        <DownloadLink href={`/api/reports/trainings?${q}&format=xlsx`}>Tải .xlsx (mẫu báo cáo)</DownloadLink>{' '}
        <DownloadLink href={`/api/reports/trainings?${q}&format=csv`}>Tải CSV</DownloadLink>{' '}
        <DownloadLink href={`/api/reports/trainings/untrained?unit=${unit}&asOf=${to > vnToday() ? vnToday() : to}&format=csv`}>Danh sách thành viên chưa từng tập huấn (CSV)</DownloadLink>
      </p>
      {r.children.length > 0 && (
        <Table
          class="numbers"
          caption={r.unit.level === 'province' ? 'Theo xã, phường' : 'Theo tổ'}
          columns={[r.unit.level === 'province' ? 'Xã, phường' : 'Tổ', 'Lớp', 'Điểm cầu', 'Được mời', 'Tham gia', 'Lượt mời có tham gia', 'Người ngoài danh sách', 'Chưa từng tập huấn']}
          rows={r.children.map((c) => ({
            key: c.id,
            cells: [c.name, num(c.sessions), num(c.points), num(c.invited), num(c.attended), pctOf(c.attendanceRate), num(c.walkIns), `${num(c.neverTrained)} / ${num(c.members)}`],
          }))}
        />
      )}
      {r.unit.level === 'province' ? (
        <ChoroplethMap boundary={r.unit.code} title={`Bản đồ tập huấn theo xã, phường: ${r.unit.name}`} period={`${vnDate(from)} – ${vnDate(to)}`} measures={trainingMeasures(r)} link={(c) => `#/tap-huan?${new URLSearchParams({ 'don-vi': c, tu: from, den: to })}`} linkText="Xem báo cáo tập huấn của xã, phường" />
      ) : null}
    </section>
  );
}

function TrainingsPage({ query }: PageProps) {
  const today = vnToday();
  const [from, setFrom] = useState(query.get('tu') ?? `${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(query.get('den') ?? `${today.slice(0, 4)}-12-31`);
  const [fromText, setFromText] = useState(vnDate(from));
  const [toText, setToText] = useState(vnDate(to));
  const [problem, setProblem] = useState<string | null>(null);
  const unit = useLoad(async () => ({ mine: await myUnit(), provinces: await provinces() }), []);
  const [picked, setPicked] = useState<string | null>(query.get('don-vi'));
  const list = useLoad(() => api.call('GET /api/trainings', { query: { from, to } }), [from, to]);
  if (list.error) return <LoadError error={list.error} />;
  if (!list.data || unit.loading) return <Loading />;
  const mine = unit.data?.mine ?? null;
  // an admin (no unit of their own) picks the province to report on
  const reportUnit = picked ?? (mine?.level === 'province' || mine?.level === 'commune' ? mine.code : null);

  const apply = (e: Event) => {
    e.preventDefault();
    const f = fromVnDate(fromText);
    const t = fromVnDate(toText);
    if (!f || !t) return setProblem('Hãy viết ngày dạng ngày/tháng/năm, ví dụ 01/11/2026.');
    if (f > t) return setProblem('Từ ngày phải trước đến ngày.');
    setProblem(null);
    setFrom(f);
    setTo(t);
  };

  return (
    <>
      <PageTitle>Tập huấn</PageTitle>
      <form class="inline-form" onSubmit={apply}>
        <label>
          Từ ngày <input id="tr-from" value={fromText} size={10} inputMode="numeric" onInput={(e) => setFromText(e.currentTarget.value)} />
        </label>{' '}
        <label>
          Đến ngày <input id="tr-to" value={toText} size={10} inputMode="numeric" onInput={(e) => setToText(e.currentTarget.value)} />
        </label>{' '}
        <button type="submit">Xem</button>
        {can(OFFICERS) && (
          <>
            {' '}
            <a class="btn" href="#/tap-huan/moi">
              Lớp tập huấn mới
            </a>
          </>
        )}
      </form>
      {problem && <Notice kind="error">{problem}</Notice>}
      <section aria-labelledby="training-list">
        <h3 id="training-list">Các lớp tập huấn</h3>
        {list.data.trainings.length === 0 ? (
          <p class="muted">Chưa có lớp tập huấn nào trong khoảng thời gian này.</p>
        ) : (
          <Table
            class="stack"
            columns={['Lớp tập huấn', 'Thời gian', 'Đơn vị tổ chức', 'Hình thức', 'Điểm cầu', 'Được mời', 'Đã điểm danh', 'Trạng thái']}
            rows={list.data.trainings.map((t) => ({
              key: t.id,
              cells: [
                <a href={`#/tap-huan/${t.id}`}>{t.title}</a>,
                vnDateTimeLabel(t.startsAt!),
                t.unit.name,
                TRAINING_KINDS[t.kind as TrainingKind],
                num(t.points),
                num(t.invited),
                num(t.attended),
                stateOf(t),
              ],
            }))}
          />
        )}
      </section>
      {!mine && can(READERS) && (
        <p>
          <label>
            Báo cáo của tỉnh{' '}
            <select id="tr-report-unit" value={picked ?? ''} onChange={(e) => setPicked(e.currentTarget.value || null)}>
              <option value="">— chọn tỉnh —</option>
              {(unit.data?.provinces ?? []).map((p) => (
                <option value={p.code ?? ''}>{p.name}</option>
              ))}
            </select>
          </label>
        </p>
      )}
      {can(READERS) && reportUnit && <Report unit={reportUnit} from={from} to={to} />}
    </>
  );
}

export const trainingsPage = page(TrainingsPage);
