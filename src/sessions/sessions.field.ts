import { sql } from 'drizzle-orm';
import { type Scope } from '../access/access.policy.js';
import { teamInScopeSql } from '../access/scope.sql.js';
import { type Db, queryRows } from '../db/client.js';
import { todayInVietnam } from '../text/dates.js';
import { compareVietnamese, compareVietnameseNames } from '../text/vietnamese.js';
import { servicesFor } from './sessions.repo.js';
import { ETHNIC_GROUPS, OUTCOMES, SESSION_KINDS } from './sessions.vocabulary.js';

/** Most teams the field app is given at once (a commune officer's teams fit; a province officer picks a commune). */
export const FIELD_MAX_TEAMS = 300;

export interface FieldContext {
  me: { userId: number; fullName: string; memberId: number | null };
  teams: { id: number; name: string; level: 'commune' | 'village'; communeCode: string; communeName: string; villageCode: string | null; members: { id: number; fullName: string; role: string; joinedOn: string }[] }[];
  villages: { code: string; name: string; communeCode: string }[];
  services: { code: string; name: string; icon: string }[];
  kinds: { code: string; label: string }[];
  outcomes: { code: string; label: string }[];
  ethnicGroups: readonly { code: string; name: string }[];
  truncated: boolean;
  /** the server's today in Vietnam (YYYY-MM-DD, by its clock, text/clock.ts) when the context was built */
  today: string;
}

/**
 * What the field app needs to record sessions offline, in one response it caches: the teams the
 * user may record for (their own team, or the teams in an officer's unit; at most 300, members
 * sorted by given name), the villages of those teams' communes, the service catalogue of their
 * province, and the fixed lists. `me.memberId` is the member with the user's phone, if any.
 */
export async function fieldContext(db: Db, user: { id: number; fullName: string; phone: string | null }, scope: Scope, communeCode?: string): Promise<FieldContext> {
  const teams = await queryRows<{ id: number; name: string; level: 'commune' | 'village'; communeId: number; communeCode: string; communeName: string; villageCode: string | null; provinceCode: string }>(
    db,
    sql`select t.id, t.name, t.level, t.commune_id as "communeId", c.code as "communeCode", c.name as "communeName",
               case when t.level = 'village' then u.code end as "villageCode", t.province_code as "provinceCode"
          from teams t join admin_units c on c.id = t.commune_id join admin_units u on u.id = t.unit_id
         where ${teamInScopeSql(scope)} and t.status = 'active' ${communeCode ? sql`and c.code = ${communeCode}` : sql``}`,
  );
  // the Vietnamese order (text/vietnamese.ts), not the database's code points: by commune, commune-level team first, by name; then the first 300
  teams.sort((a, b) => compareVietnamese(a.communeName, b.communeName) || (a.level === b.level ? 0 : a.level === 'commune' ? -1 : 1) || compareVietnamese(a.name, b.name) || a.id - b.id);
  const truncated = teams.length > FIELD_MAX_TEAMS;
  if (truncated) teams.length = FIELD_MAX_TEAMS;
  const teamIds = teams.map((t) => t.id);
  const communeIds = [...new Set(teams.map((t) => t.communeId))];
  const [roster, villages, me] = await Promise.all([
    teamIds.length
      ? queryRows<{ teamId: number; id: number; fullName: string; role: string; joinedOn: string; phone: string | null }>(
          db,
          sql`select tm.team_id as "teamId", m.id, m.full_name as "fullName", tm.role, tm.joined_on::text as "joinedOn", m.phone
                from team_members tm join members m on m.id = tm.member_id where tm.left_on is null and tm.team_id = any(${sql.param(teamIds)}::int[])`,
        )
      : [],
    communeIds.length
      ? queryRows<{ code: string; name: string; communeCode: string }>(
          db,
          sql`select v.code, v.name, c.code as "communeCode" from admin_units v join admin_units c on c.id = v.parent_id
               where v.level = 'village' and v.valid_to is null and v.parent_id = any(${sql.param(communeIds)}::int[])`,
        )
      : [],
    // the member with the user's phone, among the teams the user may record for
    user.phone && teamIds.length
      ? queryRows<{ id: number }>(db, sql`select m.id from members m where m.phone = ${user.phone} and exists (select 1 from team_members tm where tm.member_id = m.id and tm.left_on is null and tm.team_id = any(${sql.param(teamIds)}::int[])) order by m.id limit 1`)
      : [],
  ]);
  const provinceCode = teams[0]?.provinceCode ?? (scope.kind === 'all' ? null : scope.provinceCode);
  const services = (await servicesFor(db, provinceCode)).filter((s) => s.active);
  return {
    me: { userId: user.id, fullName: user.fullName, memberId: me[0]?.id ?? null },
    teams: teams.map((t) => ({
      id: t.id,
      name: t.name,
      level: t.level,
      communeCode: t.communeCode,
      communeName: t.communeName,
      villageCode: t.villageCode,
      members: roster
        .filter((r) => r.teamId === t.id)
        .map((r) => ({ id: r.id, fullName: r.fullName, role: r.role, joinedOn: r.joinedOn }))
        .sort((a, b) => compareVietnameseNames(a.fullName, b.fullName) || a.id - b.id),
    })),
    villages: villages.sort((a, b) => compareVietnamese(a.name, b.name)),
    services: services.map((s) => ({ code: s.code, name: s.name, icon: s.icon })),
    kinds: Object.entries(SESSION_KINDS).map(([code, label]) => ({ code, label })),
    outcomes: Object.entries(OUTCOMES).map(([code, label]) => ({ code, label })),
    ethnicGroups: ETHNIC_GROUPS,
    truncated,
    today: todayInVietnam(),
  };
}
