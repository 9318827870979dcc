// Browsing: #/ the provinces; #/don-vi/CODE a unit with its child units (province → communes,
// commune → villages) and its teams, each team opening to its members. Teams are not public:
// signed-out visitors see the catalogue only. The team pages are in team.tsx.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { UNIT_LEVELS } from '../../catalogue/catalogue.vocabulary.js';
import { compareVietnamese } from '../../text/vietnamese.js';
import { ApiError } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';
import { fold, mentions, num } from '../shared/format.js';
import { vnDate } from '../shared/time.js';
import { api, provinces } from './client.js';
import { type PageProps, page } from './mount.js';
import { OFFICERS, READERS, can, myUnit, session } from './session.js';
import { label, TeamCard, useFocusTitle } from './team.js';
import { CreateTeam } from './team.create.js';
import { Crumbs, Loading, LoadError, Notice, PageTitle, useLoad } from './ui.js';

// the router takes every browsing page from here
export { myTeamPage, teamPage } from './team.js';

type Unit = Endpoints['GET /api/units/:code']['response'];
type TeamRow = Endpoints['GET /api/teams']['response']['teams'][number];
type UnitLink = { code: string | null; name: string };

const CHILD_TITLE: Record<string, string> = { province: 'Xã, phường, đặc khu', commune: 'Thôn, bản, tổ dân phố' };
const PAGE = 100;
/** The server's one Vietnamese order (text/vietnamese.ts): a ă â … đ …, "Tổ dân phố 2" before "Tổ dân phố 10". */
export const NATURAL = { compare: compareVietnamese };

/** Links to the units that took over a dissolved unit (a unit without code as text); nothing when none. */
export function SuccessorLinks({ successors, label: text = 'Đơn vị kế thừa: ' }: { successors: UnitLink[]; label?: string }) {
  if (!successors.length) return null;
  return (
    <span>
      {text}
      {successors.map((s, i) => (
        <>
          {i ? ', ' : ''}
          {s.code ? <a href={`#/don-vi/${s.code}`}>{s.name}</a> : s.name}
        </>
      ))}
    </span>
  );
}

/** A grid of unit links, with a filter box (diacritics ignored) when the list is long. */
function UnitGrid({ units, filterLabel }: { units: UnitLink[]; filterLabel: string }) {
  const [filter, setFilter] = useState('');
  const key = fold(filter.trim());
  const keys = units.map((u) => fold(u.name));
  const grid = (
    <ul class="unit-grid">
      {units.map((u, i) => (
        <li key={u.code ?? i} hidden={!!key && !keys[i].includes(key)}>
          <a href={`#/don-vi/${u.code}`}>{u.name}</a>
        </li>
      ))}
    </ul>
  );
  if (units.length <= 12) return grid;
  const shown = key ? keys.filter((k) => k.includes(key)).length : 0;
  return (
    <div>
      <div class="filter">
        <label for="unit-filter">{filterLabel}</label>
        <input type="search" id="unit-filter" autocomplete="off" placeholder="Gõ vài chữ, không cần dấu" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <span class="muted" aria-live="polite">
          {key ? `${num(shown)} kết quả` : ''}
        </span>
      </div>
      {grid}
    </div>
  );
}

/** #/ — the 34 provinces, and the signed-in user's own unit with its links. */
export const homePage = page(function Home() {
  useEffect(() => void (document.title = 'Ngõ Số — Tỉnh, thành phố'), []);
  const state = useLoad(() => Promise.all([provinces(), myUnit()]), []);
  const unit = state.data?.[1];
  return (
    <>
      <PageTitle>Tỉnh, thành phố</PageTitle>
      <p class="lead">Chọn tỉnh để xem các xã, phường, thôn, bản và Tổ công nghệ số cộng đồng ở đó.</p>
      {unit ? (
        <div class="card my-unit">
          <span class="muted">Đơn vị của bạn: </span>
          <strong>{unit.name}</strong>
          <span class="actions">
            <a class="btn btn-secondary" href={`#/don-vi/${unit.code}`}>
              Tổ và thành viên
            </a>
            {can(READERS) ? (
              <a class="btn btn-secondary" href={`#/bao-cao/${unit.code}`}>
                Báo cáo
              </a>
            ) : null}
          </span>
        </div>
      ) : null}
      <div>{state.loading ? <Loading /> : state.error ? <Notice kind="error">{state.error.message || 'Có lỗi khi tải trang.'}</Notice> : <UnitGrid units={state.data[0]} filterLabel="Lọc tỉnh, thành phố" />}</div>
    </>
  );
});

/** The unit, its current children, its teams (or why they are not shown) and the provinces. Errors: the unit's (UNIT_NOT_FOUND…). */
async function loadUnit(code: string) {
  const [unit, children, teams, provs] = await Promise.all([
    api.call('GET /api/units/:code', { params: { code }, query: {} }),
    code.includes('.') ? Promise.resolve([] as UnitLink[]) : api.call('GET /api/units', { query: { parent: code } }).then((r): UnitLink[] => r.units, () => [] as UnitLink[]),
    // teams are not public: signed-out visitors see the catalogue only (error null)
    session.user ? api.call('GET /api/teams', { query: { unit: code } }).then((r) => ({ teams: r.teams, error: null }), (error: Error) => ({ teams: null, error })) : { teams: null, error: null },
    provinces().catch(() => []),
  ]);
  return { unit, children, teams, province: provs.find((p) => p.code === unit.provinceCode) ?? null };
}

/** #/don-vi/CODE — a unit: where it is, its child units and its teams. */
export const unitPage = page(({ match }: PageProps) => <UnitView code={match[0]} />);

function UnitView({ code }: { code: string }) {
  const state = useLoad(() => loadUnit(code), [code]);
  useEffect(() => void (state.data && (document.title = `Ngõ Số — ${state.data.unit.name}`)), [state.data]);
  useFocusTitle(!state.loading);
  if (state.loading) return <Loading />;
  if (state.error) return <LoadError error={state.error} />;
  const { unit, children, teams, province } = state.data;
  const trail = [{ href: '#/', text: 'Tỉnh, thành phố' }];
  if (unit.level !== 'province' && province) trail.push({ href: `#/don-vi/${province.code}`, text: province.name });
  if (unit.level === 'village' && unit.parent) trail.push({ href: `#/don-vi/${unit.parent.code}`, text: unit.parent.name });
  const outOfScope = teams.error instanceof ApiError && teams.error.code === 'OUT_OF_SCOPE';
  const childTitle = CHILD_TITLE[unit.level];
  return (
    <>
      <Crumbs trail={[...trail, { text: unit.name }]} />
      <div class="page-head">
        <div>
          <PageTitle>{unit.name}</PageTitle>
          <p class="meta">{`${label(UNIT_LEVELS, unit.level)} · mã ${unit.code}`}</p>
        </div>
        {unit.status === 'current' && can(READERS) && !outOfScope ? (
          <div class="actions">
            <a class="btn" href={`#/bao-cao/${unit.code}`}>
              Báo cáo mạng lưới
            </a>
            {unit.level === 'commune' && can(OFFICERS) ? (
              <a class="btn btn-secondary" href={`#/don-vi/${unit.code}/thon`}>
                Thôn, bản, tổ dân phố
              </a>
            ) : null}
            {unit.level === 'commune' ? (
              <a class="btn btn-secondary" href={`#/trung-lap?xa=${unit.code}`}>
                Người có thể bị trùng
              </a>
            ) : null}
          </div>
        ) : null}
      </div>
      {unit.status === 'dissolved' ? (
        <Notice kind="info">
          {`Đơn vị này đã giải thể từ ${vnDate(unit.validTo)}. `}
          <SuccessorLinks successors={unit.successors} />
        </Notice>
      ) : null}
      {unit.predecessors?.length ? <p class="meta">{`Từ ${vnDate(unit.validFrom)} gồm: ${unit.predecessors.map((p) => p.name).join(', ')} (trước đây).`}</p> : null}
      {unit.level !== 'village' ? (
        <section aria-labelledby="children-h">
          <h3 id="children-h">{`${childTitle ?? 'Đơn vị trực thuộc'} (${num(children.length)})`}</h3>
          {children.length ? (
            <UnitGrid units={children} filterLabel={`Lọc ${(childTitle ?? 'đơn vị').toLowerCase()}`} />
          ) : (
            <p class="muted">{unit.level === 'commune' ? 'Chưa có thôn, bản nào trong sổ. Thôn, bản được tạo khi nhập danh sách tổ.' : 'Không có đơn vị trực thuộc.'}</p>
          )}
        </section>
      ) : null}
      {teams.teams ? <TeamSection teams={teams.teams} unit={unit} /> : <TeamsUnavailable error={teams.error} code={code} />}
      {teams.teams && can(OFFICERS) && unit.status === 'current' && (unit.level === 'commune' || unit.level === 'village') ? <CreateTeam unit={unit} /> : null}
    </>
  );
}

/** Why the unit's teams are not listed: signed out (error null), outside the user's scope, or another error. */
function TeamsUnavailable({ error, code }: { error: Error | null; code: string }) {
  let body: ComponentChildren;
  if (!error) {
    body = (
      <Notice kind="info">
        {'Danh sách tổ và thành viên chỉ dành cho tài khoản được giao. '}
        <a href={`#/dang-nhap?tiep=${encodeURIComponent(`don-vi/${code}`)}`}>Đăng nhập</a>
        {' để xem.'}
      </Notice>
    );
  } else if (error instanceof ApiError && error.code === 'OUT_OF_SCOPE') body = <Notice kind="info">Đơn vị này ngoài phạm vi tài khoản của bạn nên không hiện danh sách tổ.</Notice>;
  else body = <Notice kind="error">{error.message}</Notice>;
  return (
    <section aria-labelledby="teams-h">
      <h3 id="teams-h">Tổ công nghệ số cộng đồng</h3>
      {body}
    </section>
  );
}

/**
 * Where a team of the list is, as far as its name does not already say it: its village (on a
 * commune's or province's page) and its commune (on a province's page). "Tổ công nghệ số cộng
 * đồng Bản Hụm" on Phường Chiềng An's page needs nothing; on Sơn La's, "Phường Chiềng An".
 */
export function teamPlace(team: Pick<TeamRow, 'name' | 'level' | 'unitName' | 'communeName'>, unitLevel: string): string {
  const places = [team.level === 'village' && unitLevel !== 'village' ? team.unitName : null, unitLevel === 'province' ? team.communeName : null];
  return places.filter((p): p is string => !!p && !mentions(team.name, p)).join(', ');
}

/** The teams of a unit as expandable cards, commune-level teams first, shown 100 at a time. */
function TeamSection({ teams, unit }: { teams: TeamRow[]; unit: Unit }) {
  const [shown, setShown] = useState(PAGE);
  if (!teams.length) {
    return (
      <section aria-labelledby="teams-h">
        <h3 id="teams-h">Tổ công nghệ số cộng đồng (0)</h3>
        <p class="muted">
          {'Chưa có tổ nào trong sổ. '}
          <a href="#/nhap">Nhập danh sách tổ</a>.
        </p>
      </section>
    );
  }
  // commune-level teams first, then by commune (on a province's page), village and name in natural order
  const rank = (t: TeamRow) => (t.level === 'commune' ? 0 : 1);
  const byCommune = (a: TeamRow, b: TeamRow) => (unit.level === 'province' ? NATURAL.compare(a.communeName ?? '', b.communeName ?? '') : 0);
  const sorted = [...teams].sort((a, b) => rank(a) - rank(b) || byCommune(a, b) || NATURAL.compare(a.unitName ?? '', b.unitName ?? '') || NATURAL.compare(a.name, b.name));
  const count = Math.min(shown, sorted.length);
  return (
    <section aria-labelledby="teams-h">
      <h3 id="teams-h">{`Tổ công nghệ số cộng đồng (${num(teams.length)})`}</h3>
      <ul class="team-list">
        {sorted.slice(0, count).map((t) => (
          <TeamCard key={t.id} team={t} place={teamPlace(t, unit.level)} />
        ))}
      </ul>
      <button type="button" class="btn-secondary" hidden={count >= sorted.length} onClick={() => setShown(shown + PAGE)}>
        {`Hiện thêm (${num(count)}/${num(sorted.length)} tổ)`}
      </button>
    </section>
  );
}
