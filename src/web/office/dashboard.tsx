// #/hoat-dong?unit=CODE | team=ID | member=ID[&team=ID] — what teams did: support sessions of a
// province, commune, village, team or member over a period (day, ISO week, month, quarter, year,
// or a range of Vietnamese days), with the headline numbers, the generated sentence, the trend as
// a chart, per-service outcomes, children with drill-down (province → commune → team → member),
// coverage against population, and CSV/.xlsx downloads (GET /api/reports/support).
// Period in the hash: &period=day|week|month|quarter|year&date=YYYY-MM-DD, or &from=…&to=….
import { useEffect } from 'preact/hooks';
import { api, provinces } from './client.js';
import { TrendSection } from './dashboard.chart.js';
import { type Period, periodLabel, PeriodPicker, periodOf, periodParams, type SupportReport } from './dashboard.period.js';
import { BreakdownSection, ChildrenSection, ServicesSection, SupportCards } from './dashboard.tables.js';
import { DownloadLink } from './download.js';
import { ChoroplethMap } from './map.js';
import { supportMeasures } from './map.measures.js';
import { type PageProps, page } from './mount.js';
import { can, myUnit, OFFICERS, session, TEAM_ROLES } from './session.js';
import { Loading, LoadError, PageTitle, useLoad } from './ui.js';

const KIND = { nation: 'Cả nước', province: 'Tỉnh, thành phố', commune: 'Xã, phường', village: 'Thôn, bản, tổ dân phố', team: 'Tổ công nghệ số cộng đồng', member: 'Thành viên' } as const;

type Target = { unit: string } | { team: string } | { member: string };
type Named = { code?: string | null; id?: number; name: string };
/** Where the target sits, above it: province, commune, village, and (for a member) the team. */
type Place = { province?: Named | null; commune?: Named | null; village?: Named | null; team?: { id: number; name: string } | null };

function targetOf(query: URLSearchParams): Target | null {
  const unit = query.get('unit');
  const member = query.get('member');
  const team = query.get('team');
  return unit ? { unit } : member ? { member } : team ? { team } : null;
}

/** Where the target sits (for the breadcrumbs); {} when it cannot be found (the report says why). */
async function placeOf(target: Target, teamId: string | null): Promise<Place> {
  const provs = await provinces().catch(() => []);
  const province = (code: string | null | undefined) => provs.find((p) => p.code === code);
  if ('unit' in target) {
    const u = await api.call('GET /api/units/:code', { params: { code: target.unit }, query: {} }).catch(() => null);
    if (!u) return {};
    return { province: u.level === 'province' ? null : province(u.provinceCode), commune: u.level === 'village' ? u.parent : null };
  }
  const id = 'team' in target ? target.team : teamId;
  if (!id || !/^\d+$/.test(id)) return {};
  const team = await api.call('GET /api/teams/:id', { params: { id: Number(id) } }).catch(() => null);
  if (!team) return {};
  return { province: province(team.commune?.provinceCode), commune: team.commune, village: team.unit?.level === 'village' ? team.unit : null, team: 'member' in target ? team : null };
}

/** The breadcrumbs: levels above the user's scope are named but not linked (the server would refuse them). */
function Trail({ place, name, href }: { place: Place; name: string; href: (extra: Record<string, string>) => string }) {
  const kind = session.scope?.kind ?? 'all';
  const wide = kind === 'all' || kind === 'province';
  const teamUnit = kind === 'team' ? (place.village ?? place.commune)?.code : null;
  const step = (u: Named, open: boolean) => (open && u.code ? <a href={href({ unit: u.code })}>{u.name}</a> : <span>{u.name}</span>);
  const items = [<a href="#/hoat-dong">Hoạt động</a>];
  if (place.province) items.push(step(place.province, wide));
  if (place.commune) items.push(step(place.commune, wide || kind === 'commune' || teamUnit === place.commune.code));
  if (place.village) items.push(step(place.village, wide || kind === 'commune' || kind === 'village' || teamUnit === place.village.code));
  if (place.team) items.push(<a href={href({ team: String(place.team.id) })}>{place.team.name}</a>);
  items.push(<span aria-current="page">{name}</span>);
  return (
    <nav class="crumbs" aria-label="Vị trí">
      <ol>
        {items.map((c, i) => (
          <li key={i}>{c}</li>
        ))}
      </ol>
    </nav>
  );
}

/** Moves focus to the page's heading once it shows, when focus is nowhere in particular (as the router does for other pages). */
function useFocusTitle(ready: boolean) {
  useEffect(() => {
    if (!ready) return;
    const active = document.activeElement;
    if (active === document.body || active?.closest('.nav')) document.querySelector<HTMLElement>('main h2')?.focus({ preventScroll: true });
  }, [ready]);
}

function Dashboard({ target, query }: { target: Target; query: URLSearchParams }) {
  const period = periodOf(query);
  const teamId = query.get('team');
  const key = `${JSON.stringify(target)}|${JSON.stringify(periodParams(period))}`;
  const loaded = useLoad(() => Promise.all([api.call('GET /api/reports/support', { query: { ...target, ...periodParams(period) } }), placeOf(target, teamId)]), [key]);
  useFocusTitle(!loaded.loading);
  useEffect(() => {
    if (loaded.data) document.title = `Ngõ Số — Hoạt động: ${loaded.data[0].target.name}`;
  }, [loaded.data]);
  if (loaded.loading) return <Loading what="Đang tổng hợp số liệu…" />;
  if (loaded.error) return <LoadError error={loaded.error} />;
  const [r, place] = loaded.data;
  const t = r.target;
  const href = (extra: Record<string, string>) => `#/hoat-dong?${new URLSearchParams({ ...extra, ...periodParams(period) })}`;
  const file = (extra: { format: 'csv' | 'xlsx'; table?: 'services' | 'children' | 'trend' }) => api.path('GET /api/reports/support', { query: { ...target, ...periodParams(period), ...extra } });
  const go = (next: Period) => {
    location.hash = `#/hoat-dong?${new URLSearchParams({ ...target, ...('member' in target && teamId ? { team: teamId } : {}), ...periodParams(next) })}`;
  };
  const childTeam = t.kind === 'team' ? String(t.id) : teamId;
  const link = (c: SupportReport['children'][number]) => (c.kind === 'commune' ? href({ unit: c.code ?? '' }) : c.kind === 'team' ? href({ team: String(c.id) }) : href({ member: String(c.id), ...(childTeam ? { team: childTeam } : {}) }));

  return (
    <>
      <Trail place={place} name={t.name} href={href} />
      <div class="page-head">
        <div>
          <PageTitle>{`Hoạt động hướng dẫn người dân: ${t.name}`}</PageTitle>
          <p class="meta">{`${KIND[t.kind]}${t.code ? ` · mã ${t.code}` : ''}`}</p>
        </div>
        <div class="actions">
          <DownloadLink href={file({ format: 'xlsx' })}>Tải Excel (.xlsx)</DownloadLink>
          {t.kind === 'team' ? (
            <a class="btn btn-secondary" href={`#/to/${t.id}`}>
              Xem thành viên của tổ
            </a>
          ) : null}
          {t.kind === 'province' || t.kind === 'commune' ? (
            <a class="btn btn-secondary" href={`#/bao-cao/${t.code}`}>
              Báo cáo mạng lưới
            </a>
          ) : null}
        </div>
      </div>
      <PeriodPicker period={period} report={r} go={go} />
      <SupportCards report={r} />
      <p class="sentence" data-sentence="">
        {r.sentence}
      </p>
      {!r.coverage && (t.kind === 'province' || t.kind === 'commune') ? (
        <p class="hint coverage-hint">
          {`Chưa có số dân của ${t.name} nên chưa tính được tỷ lệ bao phủ. `}
          {can(OFFICERS) ? <a href="#/dan-so">Nhập số dân từ tệp Excel/CSV</a> : null}
        </p>
      ) : null}
      <TrendSection report={r} csvHref={file({ format: 'csv', table: 'trend' })} />
      <BreakdownSection report={r} />
      {t.kind === 'province' && t.code ? (
        <ChoroplethMap boundary={t.code} title={`Bản đồ hoạt động theo xã, phường: ${t.name}`} period={periodLabel(period.kind, r.period.from, r.period.to)} measures={supportMeasures(r)} link={(code) => href({ unit: code })} linkText="Xem hoạt động của xã, phường" />
      ) : null}
      <ServicesSection report={r} csvHref={file({ format: 'csv', table: 'services' })} />
      {t.kind === 'member' ? null : <ChildrenSection report={r} link={link} csvHref={file({ format: 'csv', table: 'children' })} />}
    </>
  );
}

/** #/hoat-dong without a target: a team member goes to their team, an officer to their unit; an admin chooses a province. */
function ChooseTarget({ query }: { query: URLSearchParams }) {
  const keep = query.toString() ? `&${query}` : '';
  const state = useLoad(async (): Promise<{ go: string } | { provinces: Awaited<ReturnType<typeof provinces>> }> => {
    if (can(TEAM_ROLES) && session.scope?.kind === 'team') return { go: `#/hoat-dong?team=${session.scope.teamId}${keep}` };
    const unit = await myUnit();
    if (unit) return { go: `#/hoat-dong?unit=${unit.code}${keep}` };
    return { provinces: await provinces() };
  }, []);
  useEffect(() => {
    document.title = 'Ngõ Số — Hoạt động';
    if (state.data && 'go' in state.data) location.replace(state.data.go);
  }, [state.data]);
  useFocusTitle(!!state.data && 'provinces' in state.data);
  if (state.error) return <LoadError error={state.error} />;
  if (!state.data || 'go' in state.data) return <Loading />;
  return (
    <>
      <PageTitle>Hoạt động hướng dẫn người dân</PageTitle>
      <p class="lead">Chọn tỉnh, thành phố; từ đó bấm tên xã để xem xã, rồi tới từng tổ và từng thành viên.</p>
      <ul class="unit-grid">
        {state.data.provinces.map((p) => (
          <li key={p.code}>
            <a href={`#/hoat-dong?unit=${p.code}`}>{p.name}</a>
          </li>
        ))}
      </ul>
    </>
  );
}

function DashboardPage({ query }: PageProps) {
  const target = targetOf(query);
  return target ? <Dashboard target={target} query={query} /> : <ChooseTarget query={query} />;
}

/** The router's page for #/hoat-dong (see the top of this file). */
export const dashboardPage = page(DashboardPage);
