import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../src/db/client.js';

/** The whole registry as plain rows, ordered, for exact assertions. */
export async function registrySnapshot(db: Db) {
  return queryRows<{ unit: string; level: string; team: string; fullName: string; gender: string | null; birthYear: number | null; phone: string | null; role: string; affiliations: string[] }>(
    db,
    sql`select u.code || ' ' || u.name as unit, t.level, t.name as team, m.full_name as "fullName", m.gender, m.birth_year as "birthYear", m.phone, tm.role, tm.affiliations
          from team_members tm join teams t on t.id = tm.team_id join members m on m.id = tm.member_id join admin_units u on u.id = t.unit_id
         order by t.name, m.full_name`,
  );
}

export async function countRows(db: Db, table: 'teams' | 'members' | 'team_members' | 'import_log' | 'admin_units') {
  const [{ n }] = await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`));
  return n;
}
