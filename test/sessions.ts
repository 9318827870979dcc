import { ALL } from '../src/access/access.policy.js';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../src/db/client.js';
import { importRoster } from '../src/imports/imports.service.js';
import { csv, SON_LA_ROSTER } from './fixtures.js';

/** Record ids as a phone makes them (UUID v4), numbered in order: 00000000-0000-4000-8000-000000000001, … */
export function sessionIds(): () => string {
  let seq = 0;
  return () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
}

/**
 * The registry the support-session tests record against: SON_LA_ROSTER imported (the commune team
 * of old Chiềng Xôm in Chiềng An, 03664, and the village team of Tiểu khu 6 in Mai Sơn, 04105), everyone joined on
 * 01/01/2026 (a join the officer recorded, so the teams exist from that day). Returns the two team ids and member ids by full name.
 */
export async function sessionsRegistry(db: Db): Promise<{ team: { chiengAn: number; tieuKhu6: number }; member: Record<string, number> }> {
  await importRoster(db, { name: 'son-la.csv', data: csv(SON_LA_ROSTER) }, { scope: ALL, commit: true, maxBytes: 1e7 });
  await db.execute(sql`update team_members set joined_on = '2026-01-01', start_reason = 'joined'`);
  const teams = await queryRows<{ id: number; name: string }>(db, sql`select id, name from teams`);
  const people = await queryRows<{ id: number; fullName: string }>(db, sql`select id, full_name as "fullName" from members`);
  return {
    team: { chiengAn: teams.find((t) => t.name.includes('Chiềng Xôm'))!.id, tieuKhu6: teams.find((t) => t.name.includes('Tiểu khu 6'))!.id },
    member: Object.fromEntries(people.map((p) => [p.fullName, p.id])),
  };
}
