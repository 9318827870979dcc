import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/db.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { ALL } from '../access/access.policy.js';
import { createVillage } from '../catalogue/catalogue.villages.js';
import { type Database, queryRows } from '../db/client.js';
import { addMember, leaveTeam, moveMember, updateMember } from '../registry/registry.members.js';
import { createTeam, setTeamStatus, updateTeam } from '../registry/registry.teams.js';
import { yearInVietnam } from '../text/dates.js';
import { compareNetworkCells } from './network.repo.js';
import { networkReport } from './network.service.js';

/**
 * The network report's counts kept by the registry's triggers (migration 0014) against a full
 * recount, after every edit of a series made through the registry's own services: a roster import,
 * villages and a team created, people added (one already on another team), a person's gender and birth year
 * changed, a leave, a transfer to another commune's team, a team moved to another village, a team
 * dissolved; and the kept report against the one counted by plain GROUP BYs (source 'raw').
 */
let database: Database;
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
const editor = { userId: null, ip: null, scope: ALL };
const version = async (table: 'members' | 'teams', id: number) => (await queryRows<{ v: number }>(database.db, sql`select version as v from ${sql.identifier(table)} where id = ${id}`))[0].v;

async function expectExact(step: string) {
  expect({ step, diff: await compareNetworkCells(database.db, yearInVietnam()) }).toEqual({ step, diff: { teams: 0, members: 0, aff: 0, people: 0 } });
  const villages = await queryRows<{ code: string }>(database.db, sql`select distinct u.code from teams t join admin_units u on u.id = t.unit_id where u.level = 'village' order by 1`);
  for (const code of ['14', '03664', '04105', ...villages.map((v) => v.code)]) {
    const kept = await networkReport(database.db, code, ALL);
    const raw = await networkReport(database.db, code, ALL, { source: 'raw' });
    expect({ step, code, kept }).toEqual({ step, code, kept: raw });
  }
}

beforeAll(async () => {
  database = await testDatabase();
  ({ team, member } = await sessionsRegistry(database.db));
});
afterAll(async () => {
  await database.close();
});

describe('network counts kept by the registry', () => {
  it('equal a full recount after every edit', async () => {
    await expectExact('roster import');
    await createVillage(database.db, { commune: '03664', name: 'Bản Thử Nghiệm' }, editor);
    await createVillage(database.db, { commune: '03664', name: 'Bản Thử Hai' }, editor);
    const [v1, v2] = await queryRows<{ code: string }>(
      database.db,
      sql`select v.code from admin_units v join admin_units c on c.id = v.parent_id where c.code = '03664' and v.level = 'village' and v.valid_to is null order by v.code limit 2`,
    );
    const created = await createTeam(database.db, { level: 'village', unit: v1.code, name: 'Tổ công nghệ số cộng đồng bản thử', establishedOn: '2026-02-01' }, editor);
    await expectExact('team created');
    await addMember(database.db, created.id, { person: { fullName: 'Lò Thị Mai', gender: 'female', birthYear: 1999 }, role: 'leader', affiliations: ['youth_union'], joinedOn: '2026-02-01' } as never, editor);
    await addMember(database.db, created.id, { memberId: member['Lò Văn Bình'], role: 'member', affiliations: [], joinedOn: '2026-02-02' } as never, editor);
    await expectExact('members added, one already on another team');
    await updateMember(database.db, member['Hà Thị Hiền'], { version: await version('members', member['Hà Thị Hiền']), gender: 'male', birthYear: 1950 } as never, editor);
    await expectExact('gender and birth year changed');
    await leaveTeam(database.db, team.chiengAn, member['Quàng Thị Hoà'], { version: await version('members', member['Quàng Thị Hoà']), on: '2026-03-01', reason: 'resigned' }, editor);
    await expectExact('member left');
    await moveMember(database.db, member['Nguyễn Thị Hà'], { version: await version('members', member['Nguyễn Thị Hà']), fromTeamId: team.tieuKhu6, toTeamId: created.id, on: '2026-03-02' }, editor);
    await expectExact('member transferred to another commune');
    await updateTeam(database.db, created.id, { version: await version('teams', created.id), village: v2.code } as never, editor);
    await expectExact('team moved to another village');
    await setTeamStatus(database.db, team.tieuKhu6, { version: await version('teams', team.tieuKhu6), status: 'dissolved', since: '2026-03-03', reason: 'Sáp nhập' }, editor);
    await expectExact('team dissolved');
    // the figures themselves after the series (province 14)
    const p = await networkReport(database.db, '14', ALL);
    expect({ teams: p.teams, members: p.members.total, people: p.people }).toEqual({ teams: { total: 2, commune: 1, village: 1 }, members: 5, people: 4 });
  });

  it('are recounted when the year of the age bands turns', async () => {
    await database.db.execute(sql`update network_state set year = year - 40`);
    await database.db.execute(sql`update registry_state set revision = revision + 1`);
    const kept = await networkReport(database.db, '03664', ALL);
    expect(kept).toEqual(await networkReport(database.db, '03664', ALL, { source: 'raw' }));
    const [{ year }] = await queryRows<{ year: number }>(database.db, sql`select year from network_state`);
    expect(year).toBe(yearInVietnam());
  });
});
