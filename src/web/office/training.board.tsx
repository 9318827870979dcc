// #/tap-huan/:id — a training session's board (issue 14, item 7): what, when, where; each bridge
// point with its host and live attendance (refreshed every 15 seconds while attendance is open);
// the totals (people counted once); the attendance list; for the officers who manage it: edit,
// close attendance, and the certificates of all attendees as one PDF.
import { useEffect, useState } from 'preact/hooks';
import { PLACE_KINDS, type PlaceKind, TRAINING_KINDS, type TrainingKind } from '../../trainings/trainings.contract.js';
import { num } from '../shared/format.js';
import { vnDateTimeLabel } from '../shared/time.js';
import { api } from './client.js';
import { DownloadLink } from './download.js';
import { page, type PageProps } from './mount.js';
import { can, OFFICERS } from './session.js';
import { PersonSearch } from './training.form.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

/** The walk-ins of this session at the officer's points: link each to the member added for them (after adding them to a team), or dismiss. */
function WalkIns({ trainingId, tick, onChange }: { trainingId: number; tick: number; onChange: (text: string, ok: boolean) => void }) {
  const loaded = useLoad(() => api.call('GET /api/trainings/walk-ins', { query: {} }), [tick]);
  if (!loaded.data) return null;
  const here = loaded.data.walkIns.filter((w) => w.trainingId === trainingId);
  if (here.length === 0) return null;
  const decide = async (id: string, body: { action: 'link'; memberId: number } | { action: 'dismiss' }, text: string) => {
    try {
      await api.call('POST /api/trainings/walk-ins/:id', { params: { id }, json: body });
      onChange(text, true);
    } catch (err) {
      onChange((err as Error).message, false);
    }
  };
  return (
    <section aria-labelledby="walk-ins">
      <h3 id="walk-ins">Người chưa có trong danh sách thành viên ({num(here.length)})</h3>
      <p class="hint">Hãy thêm người này vào tổ của họ (mở xã, chọn tổ, "Thêm thành viên"), rồi tìm họ ở đây để lượt điểm danh được tính và có giấy chứng nhận; hoặc bỏ qua.</p>
      <ul class="walk-ins">
        {here.map((w) => (
          <li key={w.id}>
            <strong>{w.fullName}</strong> {w.phone ? `· ${formatPhone(w.phone)}` : ''} · {w.pointName} · {hm(w.checkedInAt)} · <a href={`#/don-vi/${w.communeCode}`}>{w.communeName}</a>{' '}
            <PersonSearch id={`wi-${w.id}`} label="Đã thêm vào tổ: tìm người này" onPick={(h) => decide(w.id, { action: 'link', memberId: h.memberId }, `Đã tính lượt điểm danh cho ${h.fullName}.`)} />
            <button type="button" class="btn-secondary" onClick={() => decide(w.id, { action: 'dismiss' }, `Đã bỏ qua ${w.fullName}.`)}>
              Bỏ qua
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

const METHOD = { host: 'Người phụ trách điểm danh', self: 'Tự quét mã', organiser: 'Ban tổ chức' } as const;
/** "+84912345670" → "0912 345 670" (a stored E.164 Vietnamese number as people write it). */
const formatPhone = (e164: string) => (/^\+84\d{9}$/.test(e164) ? `0${e164.slice(3, 6)} ${e164.slice(6, 9)} ${e164.slice(9)}` : e164);
const hm = (iso: string | null) => (iso ? vnDateTimeLabel(iso).slice(-5) : '');

function Board({ match }: PageProps) {
  const id = Number(match[0]);
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const loaded = useLoad(() => api.call('GET /api/trainings/:id', { params: { id } }), [id, tick]);
  const open = loaded.data && !loaded.data.closedAt;
  useEffect(() => {
    if (!open) return;
    const t = setInterval(() => setTick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, [open]);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const t = loaded.data;
  const manage = t.managed && can(OFFICERS);

  const close = async () => {
    const running = Date.parse(t.endsAt!) > Date.now() ? ` Lớp còn đến ${vnDateTimeLabel(t.endsAt!)}: người đến sau lúc đóng sẽ không được điểm danh.` : '';
    if (!confirm(`Đóng điểm danh? Lượt điểm danh sau thời điểm này sẽ không được nhận.${running}`)) return;
    try {
      await api.call('POST /api/trainings/:id/close', { params: { id }, json: {} });
      setMessage({ kind: 'ok', text: 'Đã đóng điểm danh. Có thể in giấy chứng nhận.' });
      setTick(tick + 1);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };

  return (
    <>
      <p class="crumbs">
        <a href="#/tap-huan">Tập huấn</a> ›
      </p>
      <PageTitle>{t.title}</PageTitle>
      <p class="meta">
        {t.topic.name} · {TRAINING_KINDS[t.kind as TrainingKind]} · {vnDateTimeLabel(t.startsAt!)} – {vnDateTimeLabel(t.endsAt!)} · Tổ chức: {t.unit.name}
      </p>
      <p id="training-status" class={t.closedAt ? 'ok' : ''}>
        {t.closedAt ? `Đã đóng điểm danh lúc ${vnDateTimeLabel(t.closedAt)}.` : `Điểm danh mở từ ${vnDateTimeLabel(t.checkIn.opensAt!)} đến ${vnDateTimeLabel(t.checkIn.closesAt!)}.`}
      </p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {t.closedAt && t.totals.walkIns > 0 && (
        <Notice kind="info">{`${num(t.totals.walkIns)} người đã điểm danh nhưng chưa có trong danh sách thành viên nên chưa có giấy chứng nhận: hãy thêm họ vào tổ rồi liên kết ở mục bên dưới, sau đó tải lại giấy chứng nhận.`}</Notice>
      )}
      {manage && (
        <p class="actions">
          {!t.closedAt && (
            <>
              <a class="btn btn-secondary" href={`#/tap-huan/${id}/sua`}>
                Sửa
              </a>{' '}
              <button type="button" id="close-attendance" onClick={close}>
                Đóng điểm danh
              </button>
            </>
          )}
          {t.closedAt && (
            <DownloadLink href={`/api/trainings/${id}/certificates.pdf`} fileName={`giay-chung-nhan-lop-${id}.pdf`}>
              Tải giấy chứng nhận (PDF)
            </DownloadLink>
          )}
        </p>
      )}
      <dl class="figures" id="training-totals">
        <div><dt>Được mời</dt><dd>{num(t.totals.invited)}</dd></div>
        <div><dt>Thành viên đã điểm danh</dt><dd>{num(t.totals.attended)}</dd></div>
        <div><dt>Trong danh sách mời</dt><dd>{num(t.totals.attendedInvited)}</dd></div>
        <div><dt>Ngoài danh sách mời</dt><dd>{num(t.totals.notInvited)}</dd></div>
        <div><dt>Người ngoài danh sách</dt><dd>{num(t.totals.walkIns)}</dd></div>
        <div><dt>Đến muộn</dt><dd>{num(t.totals.late)}</dd></div>
        <div><dt>Về sớm</dt><dd>{num(t.totals.leftEarly)}</dd></div>
      </dl>
      <Table
        caption="Điểm cầu"
        columns={['Điểm cầu', 'Nơi', 'Người phụ trách', 'Sức chứa', 'Kết nối', 'Thành viên đã điểm danh', 'Đến muộn', 'Người ngoài danh sách']}
        rows={t.points.map((p) => ({
          key: p.pointId,
          cells: [
            p.name,
            `${PLACE_KINDS[p.placeKind as PlaceKind] ?? p.placeKind}, ${p.village ? `${p.village.name}, ` : ''}${p.commune.name}`,
            p.host?.name ?? '—',
            p.capacity ? num(p.capacity) : '—',
            p.connection ?? '',
            num(p.checkedIn - p.walkIns),
            num(p.late),
            num(p.walkIns),
          ],
        }))}
      />
      {can(OFFICERS) && <WalkIns trainingId={id} tick={tick} onChange={(text, ok) => (setMessage({ kind: ok ? 'ok' : 'error', text }), setTick(tick + 1))} />}
      {t.materials.length > 0 && (
        <section>
          <h3>Tài liệu</h3>
          <ul>
            {t.materials.map((m) => (
              <li>
                <a href={m.url} rel="noopener noreferrer" target="_blank">
                  {m.title || m.url}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {t.attendance && (
        <Table
          caption="Danh sách điểm danh"
          class="stack"
          id="attendance-list"
          columns={['Họ và tên', 'Tổ', 'Điểm cầu', 'Giờ đến', 'Giờ về', 'Cách điểm danh', 'Ghi chú']}
          rows={t.attendance.length === 0 ? [[<span class="muted">Chưa có ai điểm danh.</span>, '', '', '', '', '', '']] : t.attendance.map((a) => ({
            key: a.id,
            cells: [
              a.fullName,
              a.teamName ?? '—',
              t.points.find((p) => p.pointId === a.pointId)?.name ?? '',
              hm(a.checkedInAt),
              hm(a.leftAt),
              METHOD[a.method as keyof typeof METHOD] ?? a.method,
              [a.walkIn ? 'Người ngoài danh sách' : '', !a.walkIn && !a.invited ? 'Ngoài danh sách mời' : '', a.late ? 'Đến muộn' : '', a.leftEarly ? 'Về sớm' : ''].filter(Boolean).join('; '),
            ],
          }))}
        />
      )}
    </>
  );
}

export const trainingBoardPage = page(Board);
