// #/bao-cao/CODE — network report of a province, commune or village (GET /api/reports/network):
// teams and members by level, affiliation, gender and age band, and by child unit, with CSV/.xlsx
// downloads and the roster in the official form (GET /api/reports/roster); #/bao-cao — choose.
// ?ngay=YYYY-MM-DD reads the registry as it stood that day; ?tu=&den= adds joins and leaves in a period.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { UNIT_LEVELS } from '../../catalogue/catalogue.vocabulary.js';
import { AGE_BANDS, NO_AFFILIATION, UNKNOWN_GENDER } from '../../reports/network.vocabulary.js';
import { AFFILIATIONS, GENDERS } from '../../registry/registry.vocabulary.js';
import { ApiError } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';
import { num, pct } from '../shared/format.js';
import { vnDate, vnDateTimeLabel, vnToday } from '../shared/time.js';
import { ChoroplethMap } from './map.js';
import { networkMeasures } from './map.measures.js';
import { NationalMap } from './map.national.js';
import { api, provinces } from './client.js';
import { StatCard } from './dashboard.tables.js';
import { DownloadLink } from './download.js';
import { type PageProps, page } from './mount.js';
import { ChildrenTable, Bars } from './report.parts.js';
import { myUnit, session } from './session.js';
import { Field, Loading, LoadError, Notice, PageTitle, useLoad } from './ui.js';

type Unit = Endpoints['GET /api/units/:code']['response'];
type Loaded = { report: Endpoints['GET /api/reports/network']['response']; unit: Unit | null; province: { code: string | null; name: string } | undefined; at: string } | { dissolved: Unit; message: string };

/** The report, the unit (for the breadcrumbs) and its province; a dissolved unit's old name and successors instead. */
/** The report's day and movement period from the page's query (ngay, tu, den). */
export interface AsOf {
  asOf?: string;
  from?: string;
  to?: string;
}

async function load(code: string, when: AsOf): Promise<Loaded> {
  const [report, unit, provs] = await Promise.all([
    api.call('GET /api/reports/network', { query: { unit: code, ...when } }).catch((err: unknown) => err as Error),
    api.call('GET /api/units/:code', { params: { code }, query: {} }).catch(() => null),
    provinces().catch(() => []),
  ]);
  if (report instanceof Error) {
    if (!(report instanceof ApiError) || report.code !== 'UNIT_LEVEL_UNSUPPORTED') throw report;
    // a dissolved unit: its name and successors the day before it ended
    const now = unit ?? (await api.call('GET /api/units/:code', { params: { code }, query: {} }));
    const before = now.validTo ? new Date(Date.parse(now.validTo) - 86_400_000).toISOString().slice(0, 10) : undefined;
    const old = before ? await api.call('GET /api/units/:code', { params: { code }, query: { asOf: before } }) : now;
    return { dissolved: old, message: report.message };
  }
  return { report, unit, province: provs.find((p) => p.code === unit?.provinceCode), at: vnDateTimeLabel() };
}

function Report({ code, when }: { code: string; when: AsOf }) {
  const state = useLoad(() => load(code, when), [code, when.asOf, when.from, when.to]);
  useEffect(() => {
    const d = state.data;
    if (d) document.title = 'dissolved' in d ? `Ngõ Số — ${d.dissolved.name}` : `Ngõ Số — Báo cáo ${d.report.unit.name}`;
    if (d && (document.activeElement === document.body || document.activeElement?.closest('.nav'))) document.querySelector<HTMLElement>('main h2')?.focus({ preventScroll: true });
  }, [state.data]);
  if (state.loading) return <Loading what="Đang lập báo cáo…" />;
  if (state.error) return <LoadError error={state.error} />;
  const d = state.data;
  if ('dissolved' in d) {
    return (
      <>
        <PageTitle>{d.dissolved.name}</PageTitle>
        <Notice kind="info">
          {`${d.message} `}
          {d.dissolved.successors.length ? (
            <>
              {'Đơn vị kế thừa: '}
              {d.dissolved.successors.map((s, i) => (
                <Fragment key={s.code ?? i}>
                  {i ? ', ' : ''}
                  <a href={`#/bao-cao/${s.code}`}>{s.name}</a>
                </Fragment>
              ))}
            </>
          ) : null}
        </Notice>
      </>
    );
  }
  const { report: r, unit, province } = d;
  const u = r.unit;
  const unitCode = u.code ?? code;
  const file = (format: 'csv' | 'xlsx') => api.path('GET /api/reports/network', { query: { unit: unitCode, format, ...(r.asOf ? { asOf: r.asOf } : {}) } });
  const total = r.members.total;
  return (
    <>
      <nav class="crumbs" aria-label="Vị trí">
        <ol>
          <li>
            <a href="#/bao-cao">Báo cáo</a>
          </li>
          {u.level !== 'province' && province ? (
            <li>
              <a href={`#/bao-cao/${province.code}`}>{province.name}</a>
            </li>
          ) : null}
          {u.level === 'village' && unit?.parent ? (
            <li>
              <a href={`#/bao-cao/${unit.parent.code}`}>{unit.parent.name}</a>
            </li>
          ) : null}
          <li>
            <span aria-current="page">{u.name}</span>
          </li>
        </ol>
      </nav>
      <div class="page-head">
        <div>
          <PageTitle>{`Báo cáo mạng lưới: ${u.name}`}</PageTitle>
          <p class="meta">{`${UNIT_LEVELS[u.level] ?? u.level} · mã ${unitCode} · ${r.asOf ? `mạng lưới tại ngày ${vnDate(r.asOf)}` : `số liệu lúc ${d.at}`}`}</p>
        </div>
        <div class="actions">
          <DownloadLink href={file('csv')} fileName={`bao-cao-mang-luoi-${unitCode}.csv`}>
            Tải CSV
          </DownloadLink>
          <DownloadLink href={file('xlsx')} fileName={`bao-cao-mang-luoi-${unitCode}.xlsx`}>
            Tải Excel (.xlsx)
          </DownloadLink>
          <DownloadLink href={api.path('GET /api/reports/roster', { query: { unit: unitCode, ...(r.asOf ? { asOf: r.asOf } : {}) } })} fileName={`danh-sach-to-cnscd-${unitCode}${r.asOf ? `-${r.asOf}` : ''}.xlsx`} title="Danh sách thành viên theo mẫu, để in và ký">
            Danh sách mẫu in (.xlsx)
          </DownloadLink>
          <a class="btn btn-secondary" href={`#/don-vi/${unitCode}`}>
            Xem tổ và thành viên
          </a>
        </div>
      </div>
      <WhenForm code={unitCode} when={when} />
      <div class="cards">
        {r.movement && r.period ? (
          <StatCard stat="movement" label={`Vào, rời tổ ${vnDate(r.period.from)}–${vnDate(r.period.to)}`} value={`+${num(r.movement.joined)} / −${num(r.movement.left)}`} note={`Vào tổ (kể cả chuyển đến) / rời tổ (kể cả chuyển đi); không tính đổi vai trò${r.movement.imported ? `; ngoài ra ${num(r.movement.imported)} người có trong danh sách nhập (không rõ ngày vào tổ)` : ''}`} />
        ) : null}
        <StatCard stat="teams" label="Số tổ" value={num(r.teams.total)} note={`${num(r.teams.commune)} cấp xã · ${num(r.teams.village)} cấp thôn, bản`} />
        <StatCard stat="members" label="Thành viên" value={num(total)} note={`${num(r.members.commune)} ở tổ cấp xã · ${num(r.members.village)} ở tổ cấp thôn, bản`} />
        <StatCard stat="people" label="Số người" value={num(r.people)} note="Không trùng: một người ở hai tổ chỉ tính một lần" />
        <StatCard stat="female" label="Thành viên nữ" value={num(r.byGender.female)} note={`${pct(r.byGender.female, total)} tổng số thành viên`} />
      </div>
      <div class="breakdowns">
        <Bars title="Theo đoàn thể" labels={{ ...AFFILIATIONS, none: NO_AFFILIATION }} counts={r.byAffiliation} total={total} note="Một thành viên có thể thuộc nhiều đoàn thể." />
        <Bars title="Theo giới tính" labels={{ female: GENDERS.female, male: GENDERS.male, unknown: UNKNOWN_GENDER }} counts={r.byGender} total={total} />
        <Bars title="Theo độ tuổi" labels={AGE_BANDS} counts={r.byAgeBand} total={total} />
      </div>
      {r.children.length ? <ChildrenTable report={r} /> : null}
      {u.level === 'province' ? (
        <ChoroplethMap boundary={unitCode} title={`Bản đồ mạng lưới theo xã, phường: ${u.name}`} period={r.asOf ? `mạng lưới tại ngày ${vnDate(r.asOf)}` : `số liệu lúc ${d.at}`} measures={networkMeasures(r)} link={(c) => `#/bao-cao/${c}${r.asOf ? `?ngay=${r.asOf}` : ''}`} linkText="Xem báo cáo của xã, phường" />
      ) : null}
    </>
  );
}

/** #/bao-cao: an officer goes straight to their unit's report; an admin chooses a province, a province officer a commune. */
function ChooseUnit() {
  const state = useLoad(async (): Promise<{ go: string } | { inProvince: string | null; list: { code: string | null; name: string }[] }> => {
    const unit = await myUnit();
    if (unit) return { go: `#/bao-cao/${unit.code}` };
    const s = session.scope;
    const inProvince = s && s.kind !== 'all' ? s.provinceCode : null;
    const list = inProvince ? (await api.call('GET /api/units', { query: { parent: inProvince } })).units : await provinces();
    return { inProvince, list };
  }, []);
  useEffect(() => {
    document.title = 'Ngõ Số — Báo cáo';
    if (state.data && 'go' in state.data) location.replace(state.data.go);
  }, [state.data]);
  if (state.error) return <LoadError error={state.error} />;
  if (!state.data || 'go' in state.data) return <Loading />;
  return (
    <>
      <PageTitle>Báo cáo mạng lưới</PageTitle>
      <p class="lead">{state.data.inProvince ? 'Chọn xã, phường của bạn.' : 'Chọn tỉnh, thành phố; từ báo cáo tỉnh bấm tên xã để xem báo cáo xã, rồi tới thôn, bản.'}</p>
      {state.data.inProvince ? null : <NationalMap provinces={state.data.list} />}
      {session.user?.role === 'admin' && (
        <p>
          <a href="#/toan-quoc">Sao chép dữ liệu toàn quốc</a> (máy chủ các tỉnh → máy chủ toàn quốc)
        </p>
      )}
      <ul class="unit-grid">
        {state.data.list.map((p) => (
          <li key={p.code}>
            <a href={`#/bao-cao/${p.code}`}>{p.name}</a>
          </li>
        ))}
      </ul>
    </>
  );
}

/** "Xem tại ngày" and "Vào, rời tổ trong kỳ": change the page's query (the report reloads). */
function WhenForm({ code, when }: { code: string; when: AsOf }) {
  const [asOf, setAsOf] = useState(when.asOf ?? '');
  const [from, setFrom] = useState(when.from ?? '');
  const [to, setTo] = useState(when.to ?? '');
  const go = (e: Event) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (asOf) q.set('ngay', asOf);
    if (from && to) (q.set('tu', from), q.set('den', to));
    location.hash = `#/bao-cao/${code}${q.size ? `?${q}` : ''}`;
  };
  const today = vnToday();
  return (
    <form class="toolbar when" onSubmit={go} aria-label="Ngày của báo cáo">
      <Field label="Xem mạng lưới tại ngày" id="rep-asof" hint="Để trống: hôm nay.">
        <input id="rep-asof" type="date" max={today} value={asOf} onInput={(e) => setAsOf(e.currentTarget.value)} aria-describedby="rep-asof-hint" />
      </Field>
      <Field label="Vào, rời tổ từ ngày" id="rep-from">
        <input id="rep-from" type="date" max={today} value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
      </Field>
      <Field label="đến ngày" id="rep-to">
        <input id="rep-to" type="date" max={today} value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </Field>
      <div class="actions">
        <button type="submit">Xem</button>
      </div>
    </form>
  );
}

function ReportPage({ match: [code], query }: PageProps) {
  const when: AsOf = { asOf: query.get('ngay') || undefined, from: query.get('tu') || undefined, to: query.get('den') || undefined };
  return code ? <Report code={code} when={when} /> : <ChooseUnit />;
}

/** The router's page for #/bao-cao[/CODE] (see the top of this file). */
export const reportPage = page(ReportPage);
