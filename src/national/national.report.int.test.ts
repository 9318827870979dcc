import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRETS, testDatabase } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { DataProtector } from '../privacy/protector.js';
import { supportReport } from '../sessions/sessions.report.js';
import { syncSessions } from '../sessions/sessions.sync.js';
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
  for (const [commune, fullName, gender, birthYear, affiliations] of people) {
    if (!teams.has(commune)) teams.set(commune, (await createTeam(database.db, createTeamBody.parse({ level: 'commune', unit: commune, name: `Tổ công nghệ số ${commune}`, establishedOn: '2026-01-01' }), editor)).id);
    const m = await addMember(database.db, teams.get(commune)!, addMemberBody.parse({ person: { fullName, gender, birthYear }, role: 'member', affiliations, joinedOn: '2026-01-01' }), editor);
    if (!memberOf.has(commune)) memberOf.set(commune, m.memberId);
  }
});
const teams = new Map<string, number>();
const memberOf = new Map<string, number>();
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

describe('the nation’s support report', () => {
  it('sums the provinces’ rollups in one report, each province a child, equal to the GROUP BY over the sessions', async () => {
    const protector = new DataProtector(TEST_SECRETS);
    const now = new Date('2026-06-15T05:00:00Z');
    const rec = (commune: string, occurredAt: string, over: Record<string, unknown>) => ({ id: crypto.randomUUID(), teamId: teams.get(commune)!, memberIds: [memberOf.get(commune)!], occurredAt, kind: 'home', ...over });
    // the same resident's phone in Sơn La and in Hà Nội: each province's server recognises them under its own key
    const resident = { phone: '0912 345 678', consent: true };
    const res = await syncSessions(
      database.db,
      protector,
      [
        rec('03664', '2026-06-10T09:00:00+07:00', { services: [{ code: 'vneid', outcome: 'eid_level2' }], resident }),
        rec('03664', '2026-05-03T15:00:00+07:00', { kind: 'group', residentsCount: 12, services: [{ code: 'zalo', outcome: 'installed' }] }),
        rec('00004', '2026-06-11T08:00:00+07:00', { services: [{ code: 'vneid', outcome: 'informed' }], resident }),
      ],
      { userId: null, scope: ALL },
      now,
      { deviceNow: now.toISOString() },
    );
    expect(res.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    for (const period of [{ period: 'year' as const, date: '2026-06-01' }, { from: '2026-05-03', to: '2026-06-11' }]) {
      const nation = await supportReport(database.db, { nation: true }, period, ALL);
      expect(nation).toEqual(await supportReport(database.db, { nation: true }, period, ALL, { source: 'raw' }));
      expect([nation.target, nation.sessions, nation.headcount, nation.recognised, nation.residents]).toEqual([{ kind: 'nation', code: null, id: 0, name: 'Cả nước' }, 3, 14, 2, 14]);
      expect(nation.services.map((s) => [s.code, s.sessions, s.headcount, s.outcomes.eid_level2, s.outcomes.informed])).toEqual([
        ['zalo', 1, 12, 0, 0],
        ['vneid', 2, 2, 1, 1],
      ]);
      expect(nation.children).toHaveLength(34);
      // in the Vietnamese order of their names: Sơn La, then (Thành phố) Hà Nội
      expect(nation.children.filter((c) => c.sessions).map((c) => [c.code, c.sessions, c.headcount])).toEqual([
        ['14', 2, 13],
        ['01', 1, 1],
      ]);
      expect(nation.children.map((c) => c.name)).toEqual(nation.children.map((c) => c.name).sort(compareVietnamese));
      const [sonLa, haNoi] = [await supportReport(database.db, { unit: '14' }, period, ALL), await supportReport(database.db, { unit: '01' }, period, ALL)];
      expect([nation.sessions, nation.headcount, nation.residents]).toEqual([sonLa.sessions + haNoi.sessions, sonLa.headcount + haNoi.headcount, sonLa.residents + haNoi.residents]);
    }
    // by day over 40 days
    expect(nationTrend(await supportReport(database.db, { nation: true }, { from: '2026-05-03', to: '2026-06-11' }, ALL))).toEqual([
      ['2026-05-03', 1, 12],
      ['2026-06-10', 1, 1],
      ['2026-06-11', 1, 1],
    ]);
    // a province's officer does not see the nation
    await expect(supportReport(database.db, { nation: true }, { period: 'year', date: '2026-06-01' }, { kind: 'province', provinceCode: '14' })).rejects.toMatchObject({ code: 'OUT_OF_SCOPE' });
  });
});

const nationTrend = (r: Awaited<ReturnType<typeof supportReport>>) => r.trend.filter((t) => t.sessions).map((t) => [t.start, t.sessions, t.residents]);
