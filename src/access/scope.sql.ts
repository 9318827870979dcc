import { type SQL, sql } from 'drizzle-orm';
import type { Scope } from './access.policy.js';

/**
 * Scope as SQL: the only place where a caller's scope (access.policy.ts) becomes a WHERE
 * condition. Every repository function that reads or writes teams, people, villages or their
 * activity takes the caller's `Scope` and ANDs one of these into its statement, so a query cannot
 * forget it; the operator's paths (CLI, demo, migrations, benchmarks) pass the explicit `ALL`.
 */

/** Condition on a teams row aliased `alias` (default `t`): the team lies in the scope. */
export function teamInScopeSql(scope: Scope, alias = 't'): SQL {
  const t = sql.raw(alias);
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'province':
      return sql`${t}.province_code = ${scope.provinceCode}`;
    case 'commune':
      return sql`${t}.commune_id = ${scope.communeId}`;
    case 'village':
      return sql`${t}.unit_id = ${scope.unitId}`;
    case 'team':
      return sql`${t}.id = ${scope.teamId}`;
  }
}

/**
 * Condition on a member id expression: every team the person belongs to now lies in the scope (a
 * person on a team of another unit is that unit's too, and only an officer above both may change
 * them), and at least one of their teams, current or past, does. Ended memberships do not count
 * against the scope: a person who moved from commune A to B is B's to change. A person with no
 * membership at all is nobody's and is outside every scope but ALL.
 */
export function memberWhollyInScopeSql(scope: Scope, memberId: SQL): SQL {
  if (scope.kind === 'all') return sql`true`;
  return sql`(exists (select 1 from team_members sm join teams st on st.id = sm.team_id where sm.member_id = ${memberId} and ${teamInScopeSql(scope, 'st')})
          and not exists (select 1 from team_members sm join teams st on st.id = sm.team_id where sm.member_id = ${memberId} and sm.left_on is null and not (${teamInScopeSql(scope, 'st')})))`;
}

/** Condition on a member id expression: at least one of the person's teams, current or past, lies in the scope (the person is visible, with their history). */
export function memberVisibleSql(scope: Scope, memberId: SQL): SQL {
  if (scope.kind === 'all') return sql`true`;
  return sql`exists (select 1 from team_members vm join teams vt on vt.id = vm.team_id where vm.member_id = ${memberId} and ${teamInScopeSql(scope, 'vt')})`;
}

/**
 * Condition on an admin_units row aliased `alias` (default `u`) of a commune or village: it lies
 * in the scope (a province scope: its province; a commune: itself and its villages; a village or
 * a team: that unit).
 */
export function unitInScopeSql(scope: Scope, alias = 'u'): SQL {
  const u = sql.raw(alias);
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'province':
      return sql`${u}.province_code = ${scope.provinceCode}`;
    case 'commune':
      return sql`(${u}.id = ${scope.communeId} or ${u}.parent_id = ${scope.communeId})`;
    case 'village':
    case 'team':
      return sql`${u}.id = ${scope.unitId}`;
  }
}
