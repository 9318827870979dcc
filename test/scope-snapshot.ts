import { sql } from 'drizzle-orm';
import type { Scope } from '../src/access/access.policy.js';
import { type Db, queryRows } from '../src/db/client.js';

/**
 * A fingerprint of every row that belongs to a place in the unit tree, for the authorization
 * matrix: rows are grouped by table, province, commune and team ("members|14|3664|12") and each
 * group hashed. Comparing two snapshots over the groups outside a caller's scope shows whether a
 * request changed anything it should not have. Derived province-level rollup rows (the sums of a
 * province's communes) are left out: an in-scope session legitimately changes them.
 */
const PLACED_ROWS = sql`
  with placed(tbl, province, commune, team, r) as (
    select 'teams', t.province_code, t.commune_id, t.id, row_to_json(t)::text from teams t
    union all
    select 'team_members', t.province_code, t.commune_id, t.id, row_to_json(x)::text from team_members x join teams t on t.id = x.team_id
    union all
    select 'members', t.province_code, t.commune_id, t.id, row_to_json(m)::text from members m join team_members x on x.member_id = m.id join teams t on t.id = x.team_id
    union all
    select 'villages', u.province_code, u.parent_id, null, row_to_json(u)::text from admin_units u where u.level = 'village'
    union all
    select 'users', coalesce(t.province_code, u.province_code), coalesce(t.commune_id, case u.level when 'commune' then u.id when 'village' then u.parent_id end), x.scope_team_id,
           row_to_json(x)::text from users x left join teams t on t.id = x.scope_team_id left join admin_units u on u.id = x.scope_unit_id where x.role <> 'admin'
    union all
    select 'support_sessions', t.province_code, s.commune_id, s.team_id, row_to_json(s)::text from support_sessions s join teams t on t.id = s.team_id
    union all
    select 'support_session_reviews', t.province_code, r.commune_id, r.team_id, row_to_json(r)::text from support_session_reviews r join teams t on t.id = r.team_id
    union all
    select 'support_session_members', t.province_code, s.commune_id, s.team_id, row_to_json(x)::text from support_session_members x join support_sessions s on s.id = x.session_id join teams t on t.id = s.team_id
    union all
    select 'support_session_services', t.province_code, s.commune_id, s.team_id, row_to_json(x)::text from support_session_services x join support_sessions s on s.id = x.session_id join teams t on t.id = s.team_id
    union all
    select 'support_daily', coalesce(t.province_code, u.province_code), coalesce(t.commune_id, u.id), t.id, row_to_json(d)::text
      from support_daily d left join teams t on d.unit_id < 0 and t.id = -d.unit_id left join admin_units u on d.unit_id > 0 and u.id = d.unit_id
     where d.unit_id < 0 or u.level = 'commune'
    union all
    select 'support_resident_days', u.province_code, u.id, null, row_to_json(d)::text from support_resident_days d join admin_units u on u.id = d.unit_id where u.level = 'commune'
    union all
    select 'residents', u.province_code, r.commune_id, null, row_to_json(r)::text from residents r join admin_units u on u.id = r.commune_id
    union all
    select 'unit_population', u.province_code, u.id, null, row_to_json(p)::text from unit_population p join admin_units u on u.id = p.unit_id
    union all
    select 'training_sessions', s.province_code, s.commune_id, null, row_to_json(s)::text from training_sessions s
    union all
    select 'bridge_points', b.province_code, b.commune_id, null, row_to_json(b)::text from bridge_points b
    union all
    select 'training_session_points', b.province_code, b.commune_id, null, row_to_json(x)::text from training_session_points x join bridge_points b on b.id = x.point_id
    union all
    select 'training_invitations', i.province_code, i.commune_id, i.team_id, row_to_json(i)::text from training_invitations i
    union all
    select 'training_attendance', a.province_code, a.commune_id, a.team_id, row_to_json(a)::text from training_attendance a
    union all
    select 'training_certificates', s.province_code, s.commune_id, null, row_to_json(c)::text from training_certificates c join training_sessions s on s.id = c.training_id
    union all
    select 'support_services', s.province_code, null, null, row_to_json(s)::text from support_services s where s.province_code is not null
    union all
    select 'portal_articles', a.province_code, case when u.level = 'commune' then u.id end, null, row_to_json(a)::text from portal_articles a join admin_units u on u.id = a.unit_id
    union all
    select 'portal_comments', a.province_code, case when u.level = 'commune' then u.id end, null, row_to_json(c)::text from portal_comments c join portal_articles a on a.id = c.article_id join admin_units u on u.id = c.site_unit_id
    union all
    select 'portal_images', u.province_code, case when u.level = 'commune' then u.id end, null, row_to_json(i)::text from portal_images i join admin_units u on u.id = i.unit_id
    union all
    select 'portal_sites', u.province_code, case when u.level = 'commune' then u.id end, null, row_to_json(x)::text from portal_sites x join admin_units u on u.id = x.unit_id
    union all
    select 'portal_banned_words', u.province_code, case when u.level = 'commune' then u.id end, null, row_to_json(x)::text from portal_banned_words x join admin_units u on u.id = x.unit_id
    union all
    select 'portal_blocks', u.province_code, case when u.level = 'commune' then u.id end, null, row_to_json(x)::text from portal_blocks x join admin_units u on u.id = x.site_unit_id
    union all
    select 'help_requests', r.province_code, r.commune_id, r.team_id, row_to_json(r)::text from help_requests r
  )
  select tbl || '|' || coalesce(province, '') || '|' || coalesce(commune::text, '') || '|' || coalesce(team::text, '') as key, md5(string_agg(r, E'\\n' order by r)) as hash
    from placed group by 1`;

export type Snapshot = Map<string, string>;

export async function scopeSnapshot(db: Db): Promise<Snapshot> {
  const rows = await queryRows<{ key: string; hash: string }>(db, PLACED_ROWS);
  return new Map(rows.map((r) => [r.key, r.hash]));
}

/** What a scope holds, as the snapshot's places: provinces, communes (by id) and teams (by id). */
export interface ScopePlaces {
  all: boolean;
  province: string | null;
  communes: Set<number> | null;
  teams: Set<number> | null;
}

export function placesOf(scope: Scope): ScopePlaces {
  switch (scope.kind) {
    case 'all':
      return { all: true, province: null, communes: null, teams: null };
    case 'province':
      return { all: false, province: scope.provinceCode, communes: null, teams: null };
    case 'commune':
    case 'village':
      return { all: false, province: scope.provinceCode, communes: new Set([scope.communeId]), teams: null };
    case 'team':
      return { all: false, province: scope.provinceCode, communes: new Set([scope.communeId]), teams: new Set([scope.teamId]) };
  }
}

/** Whether a snapshot key ("table|province|commune|team") lies outside the places. */
export function outside(key: string, p: ScopePlaces): boolean {
  if (p.all) return false;
  const [, province, commune, team] = key.split('|');
  if (province !== p.province) return true;
  if (p.communes && (!commune || !p.communes.has(Number(commune)))) return true;
  if (p.teams && team && !p.teams.has(Number(team))) return true;
  return false;
}

/** The groups outside the places that differ between two snapshots (added, removed or changed). */
export function changedOutside(before: Snapshot, after: Snapshot, p: ScopePlaces): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => outside(k, p) && before.get(k) !== after.get(k)).sort();
}
