// #/tim?q=… — teams and members (GET /api/search) and administrative units (GET /api/units?q=).
// Every hit says where it is (a village with its commune, a commune with its province), from the
// answers themselves: no lookup per hit.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { UNIT_LEVELS } from '../../catalogue/catalogue.vocabulary.js';
import { ROLES } from '../../registry/registry.vocabulary.js';
import type { Endpoints } from '../shared/endpoints.js';
import { mentions, num } from '../shared/format.js';
import { vnDate } from '../shared/time.js';
import { api, provinces } from './client.js';
import { NATURAL, SuccessorLinks } from './browse.js';
import { type PageProps, page } from './mount.js';
import { session } from './session.js';
import { label } from './team.js';
import { Loading, Notice, PageTitle, useLoad } from './ui.js';

type Registry = Endpoints['GET /api/search']['response'];
type UnitHit = Extract<Endpoints['GET /api/units']['response'], { truncated: boolean }>['units'][number];
type Place = Pick<Registry['teams'][number], 'unitCode' | 'unitName' | 'communeCode' | 'communeName' | 'provinceCode'>;
type Provinces = Map<string | null, string>;

/** Both searches at once; each answer or its error (teams and members only for a signed-in user: `registry` null otherwise). */
async function search(q: string) {
  const [registry, units, provs] = await Promise.all([
    session.user ? api.call('GET /api/search', { query: { q } }).catch((e: Error) => e) : null,
    api.call('GET /api/units', { query: { q } }).then((r) => ('truncated' in r ? r.units : []), (e: Error) => e),
    provinces().catch(() => []),
  ]);
  return { registry, units, provName: new Map(provs.map((p) => [p.code, p.name])) as Provinces };
}

/** A unit as a link when it can be opened (a current unit with a code), else its name as text. */
function UnitLink({ unit }: { unit: { code: string | null; name: string; status?: string } }) {
  return unit.code && unit.status !== 'dissolved' ? <a href={`#/don-vi/${unit.code}`}>{unit.name}</a> : <>{unit.name}</>;
}

/**
 * Where a team (or a member's team) is, so that teams with the same name can be told apart:
 * " · Bản Hụm, Phường Chiềng An, Sơn La", leaving out what the team's name already says.
 */
function TeamWhere({ name, at, provName }: { name: string; at: Place; provName: Provinces }) {
  const parts: ComponentChildren[] = [];
  if (at.unitCode && at.unitCode !== at.communeCode && !mentions(name, at.unitName)) parts.push(<UnitLink unit={{ code: at.unitCode, name: at.unitName }} />);
  if (!mentions(name, at.communeName)) parts.push(<UnitLink unit={{ code: at.communeCode, name: at.communeName }} />);
  const province = provName.get(at.provinceCode);
  if (province && !mentions(name, province)) parts.push(province);
  if (!parts.length) return null;
  return (
    <span class="meta where">
      {' · '}
      {parts.map((p, i) => (
        <>
          {i ? ', ' : ''}
          {p}
        </>
      ))}
    </span>
  );
}

/**
 * A unit hit with the unit it lies in: "Bản Hụm — Phường Chiềng An · Thôn, bản, tổ dân phố · Sơn
 * La". A dissolved unit (1 July 2025) says so and names the units that took over.
 */
function UnitHitItem({ unit: u, provName }: { unit: UnitHit; provName: Provinces }) {
  const where = [label(UNIT_LEVELS, u.level)];
  const province = u.level !== 'province' && u.provinceCode ? provName.get(u.provinceCode) : undefined;
  if (province && u.parent?.code !== u.provinceCode) where.push(province);
  const parent = u.parent ? (
    <span class="meta where">
      {' — '}
      <UnitLink unit={u.parent} />
    </span>
  ) : null;
  if (!('successors' in u)) {
    return (
      <li class="hit hit-unit">
        <a href={`#/don-vi/${u.code}`}>{u.name}</a>
        {parent}
        <span class="meta">{` · ${where.join(' · ')}`}</span>
      </li>
    );
  }
  return (
    <li class="hit hit-unit dissolved">
      <span>{u.name}</span>
      {parent}
      <span class="meta">{` · ${where.join(' · ')} · đã giải thể từ ${vnDate(u.validTo)}`}</span>
      <br />
      <span class="successors">{u.successors.length ? <>{'Nay thuộc: '}<SuccessorLinks successors={u.successors} label="" /></> : <span class="muted">Không rõ đơn vị kế thừa.</span>}</span>
    </li>
  );
}

function UnitHits({ units, provName }: { units: UnitHit[] | Error; provName: Provinces }) {
  return (
    <section class="hits" aria-labelledby="hits-units">
      {units instanceof Error ? (
        <>
          <h3 id="hits-units">Đơn vị hành chính</h3>
          <Notice kind="error">{units.message}</Notice>
        </>
      ) : (
        <>
          <h3 id="hits-units">{`Đơn vị hành chính (${num(units.length)})`}</h3>
          {units.length ? (
            <ul class="hit-list">
              {units.map((u, i) => (
                <UnitHitItem key={`${u.code}-${i}`} unit={u} provName={provName} />
              ))}
            </ul>
          ) : (
            <p class="muted">Không thấy đơn vị nào.</p>
          )}
        </>
      )}
    </section>
  );
}

function RegistryHits({ registry, q, provName }: { registry: Registry | Error | null; q: string; provName: Provinces }) {
  if (!registry || registry instanceof Error) {
    return (
      <section class="hits" aria-labelledby="hits-teams">
        <h3 id="hits-teams">Tổ và thành viên</h3>
        {registry ? (
          <Notice kind="error">{registry.message}</Notice>
        ) : (
          <Notice kind="info">
            <a href={`#/dang-nhap?tiep=${encodeURIComponent(`tim?q=${encodeURIComponent(q)}`)}`}>Đăng nhập</a>
            {' để tìm tổ và thành viên.'}
          </Notice>
        )}
      </section>
    );
  }
  const { members } = registry;
  const teams = [...registry.teams].sort((a, b) => NATURAL.compare(a.name, b.name) || NATURAL.compare(a.unitName ?? '', b.unitName ?? ''));
  return (
    <section class="hits" aria-labelledby="hits-teams">
      <h3 id="hits-teams">{`Tổ (${num(teams.length)})`}</h3>
      {teams.length ? (
        <ul class="hit-list">
          {teams.map((t) => (
            <li key={t.id} class="hit hit-team">
              <a href={`#/to/${t.id}`}>{t.name}</a>
              <TeamWhere name={t.name} at={t} provName={provName} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Không thấy tổ nào.</p>
      )}
      <h3>{`Thành viên (${num(members.length)})`}</h3>
      {members.length ? (
        <ul class="hit-list">
          {members.map((m) => (
            <li key={`${m.memberId}-${m.teamId}`} class="hit hit-member">
              <strong>{m.fullName}</strong>
              <span class="meta">{`${m.birthYear ? ` (${m.birthYear})` : ''} · ${label(ROLES, m.role)} · `}</span>
              <a href={`#/to/${m.teamId}`}>{m.teamName}</a>
              <TeamWhere name={m.teamName} at={m} provName={provName} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Không thấy thành viên nào.</p>
      )}
    </section>
  );
}

function Results({ q }: { q: string }) {
  const state = useLoad(() => search(q), [q]);
  if (state.loading) return <Loading what="Đang tìm…" />;
  if (state.error) return <Notice kind="error">{state.error.message}</Notice>;
  const { registry, units, provName } = state.data;
  return (
    <div class="hits-grid">
      <RegistryHits registry={registry} q={q} provName={provName} />
      <UnitHits units={units} provName={provName} />
    </div>
  );
}

/** #/tim?q=… — the search results, or a hint when fewer than 2 characters were typed. */
export const searchPage = page(function Search({ query }: PageProps) {
  const q = (query.get('q') ?? '').trim();
  useEffect(() => void (document.title = `Ngõ Số — Tìm: ${q}`), [q]);
  return (
    <>
      <PageTitle>Kết quả tìm kiếm</PageTitle>
      {q.length < 2 ? (
        <Notice kind="info">Gõ ít nhất 2 chữ vào ô tìm kiếm. Không cần gõ dấu: "chieng xom" tìm được "Chiềng Xôm".</Notice>
      ) : (
        <>
          <p class="lead">
            {'Từ khoá: '}
            <strong>{q}</strong>
            {' (không phân biệt dấu, hoa thường)'}
          </p>
          <Results q={q} />
        </>
      )}
    </>
  );
});
