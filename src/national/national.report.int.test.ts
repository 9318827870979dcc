import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import type { Database } from '../db/client.js';
import { addMemberBody, createTeamBody } from '../registry/registry.contract.js';
import { addMember } from '../registry/registry.members.js';
import { createTeam } from '../registry/registry.teams.js';
import { networkReport } from '../reports/network.service.js';
import { compareVietnamese } from '../text/vietnamese.js';
import { nationalNetworkReport } from './national.report.js';

/** The nation's network report (issue 18): each province's totals are its own report's, the nation's their sum. */
let database: Database;
const editor = { userId: null, ip: null, scope: ALL, now: new Date('2026-06-15T05:00:00Z') };

beforeAll(async () => {
  database = await testDatabase();
  const people: [string, string, 'male' | 'female', number, string[]][] = [
    ['03664', 'Lò Văn Thắng', 'male', 1988, ['youth_union']],
    ['03664', 'Cầm Thị Hoa', 'female', 1975, ['womens_union', 'police']],
    ['04105', 'Quàng Văn Pó', 'male', 1960, []],
    ['00004', 'Nguyễn Thị Lan', 'female', 1999, ['youth_union']],
  ];
  const teams = new Map<string, number>();
  for (const [commune, fullName, gender, birthYear, affiliations] of people) {
    if (!teams.has(commune)) teams.set(commune, (await createTeam(database.db, createTeamBody.parse({ level: 'commune', unit: commune, name: `Tổ công nghệ số ${commune}`, establishedOn: '2026-01-01' }), editor)).id);
    await addMember(database.db, teams.get(commune)!, addMemberBody.parse({ person: { fullName, gender, birthYear }, role: 'member', affiliations, joinedOn: '2026-01-01' }), editor);
  }
});
afterAll(async () => {
  await database.close();
});

describe('nationalNetworkReport', () => {
  it('gives each province its own report’s totals, the nation their sum, in the Vietnamese order', async () => {
    const nation = await nationalNetworkReport(database.db);
    expect(nation.children).toHaveLength(34);
    expect(nation.children.filter((c) => c.withData).map((c) => c.code).sort()).toEqual(['01', '14']);
    for (const code of ['14', '01', '12']) {
      const { teams, members, people, byAffiliation, byGender, byAgeBand } = await networkReport(database.db, code, ALL);
      const child = nation.children.find((c) => c.code === code)!;
      expect({ teams: child.teams, members: child.members, people: child.people, byAffiliation: child.byAffiliation, byGender: child.byGender, byAgeBand: child.byAgeBand }).toEqual({ teams, members, people, byAffiliation, byGender, byAgeBand });
    }
    expect([nation.teams, nation.members.total, nation.people, nation.byGender, nation.byAffiliation.youth_union, nation.byAffiliation.police]).toEqual([
      { total: 3, commune: 3, village: 0 },
      4,
      4,
      { male: 2, female: 2, unknown: 0 },
      2,
      1,
    ]);
    expect(nation.children.map((c) => c.name)).toEqual(nation.children.map((c) => c.name).sort(compareVietnamese));
  });
});
