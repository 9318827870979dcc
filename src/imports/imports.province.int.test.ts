import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedProvince, generateProvince } from '../../test/fixtures/province/generator.js';
import { withTestApp } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { importRoster } from './imports.service.js';

/**
 * A whole province of 2023 rosters (test/fixtures/province: 12 district workbooks in four layouts,
 * 1,459 teams and 8,966 members on Sơn La's pre-2025 communes) imports to exactly the registry the
 * generator made: every team with its level and village, every member in its team, gender counts;
 * and the dry run's shape lists the same teams before anything is written.
 */
let database: Database;
withTestApp(async (t) => {
  ({ database } = t);
});

let province: GeneratedProvince;
beforeAll(async () => {
  province = await generateProvince();
}, 120_000);

const MB = 1024 * 1024;
const NOW = new Date('2026-06-15T03:00:00Z');

type Team = { code: string; level: string; village: string | null; members: string[] };
const member = (m: { fullName: string; gender: string | null; birthYear: number | null; phone: string | null; role: string }) => `${m.fullName}|${m.gender ?? '-'}|${m.birthYear ?? '-'}|${m.phone ?? '-'}|${m.role}`;
const teamKey = (t: { code: string; level: string; village: string | null }) => `${t.code}|${t.level}|${t.village ?? ''}`;

/** The expected registry: per (commune, level, village) the member lines, and how many teams hold them. */
function expectedRegistry(p: GeneratedProvince) {
  const teams = new Map<string, { members: string[]; teams: number }>();
  for (const [code, c] of Object.entries(p.expected.communes)) {
    for (const t of c.teams) {
      const key = teamKey({ code, level: t.level, village: t.village });
      // an old commune's own team keeps its name: merged old communes give one team each
      teams.set(key, { members: t.members.map(member).sort(), teams: t.level === 'commune' ? t.oldCommunes.length : 1 });
    }
  }
  return teams;
}

async function actualRegistry(db: Database['db']) {
  const rows = await queryRows<{ code: string; level: string; village: string | null; team: number; fullName: string; gender: string | null; birthYear: number | null; phone: string | null; role: string }>(
    db,
    sql`select c.code, t.level, case when t.level = 'village' then u.name end as village, t.id as team, m.full_name as "fullName", m.gender, m.birth_year as "birthYear", m.phone, tm.role
          from team_members tm join teams t on t.id = tm.team_id join members m on m.id = tm.member_id
          join admin_units u on u.id = t.unit_id join admin_units c on c.id = t.commune_id`,
  );
  const teams = new Map<string, { members: string[]; teams: Set<number> }>();
  for (const r of rows) {
    const key = teamKey(r);
    const t = teams.get(key) ?? { members: [], teams: new Set<number>() };
    t.members.push(member(r));
    t.teams.add(r.team);
    teams.set(key, t);
  }
  return new Map([...teams].map(([k, t]) => [k, { members: t.members.sort(), teams: t.teams.size }]));
}

describe('a province of district workbooks in four layouts', () => {
  it('the dry run lists every team of the files, and writes nothing', async () => {
    const expected = expectedRegistry(province);
    const shapeTeams = new Map<string, number>();
    let invalid = 0;
    for (const file of province.files) {
      const report = await importRoster(database.db, file, { scope: ALL, commit: false, maxBytes: 50 * MB, now: NOW, province: '14', unitChoices: province.unitChoices });
      invalid += report.counts.invalid;
      expect(report.problems.filter((p) => p.severity === 'error'), file.name).toEqual([]);
      for (const s of report.shape) for (const c of s.communes) for (const t of c.teams) {
        const key = teamKey({ code: c.code!, level: t.level, village: t.village });
        shapeTeams.set(key, (shapeTeams.get(key) ?? 0) + t.members);
      }
    }
    expect(invalid).toBe(0);
    const differ = [...new Set([...shapeTeams.keys(), ...expected.keys()])].filter((k) => shapeTeams.get(k) !== expected.get(k)?.members.length).map((k) => `${k}: ${shapeTeams.get(k)} ≠ ${expected.get(k)?.members.length}`);
    expect(differ).toEqual([]);
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from teams`);
    expect(n).toBe(0);
  }, 300_000);

  it('commits to exactly the registry the generator made: teams, levels, villages, members, gender counts', async () => {
    for (const file of province.files) {
      const report = await importRoster(database.db, file, { scope: ALL, commit: true, maxBytes: 50 * MB, now: NOW, province: '14', unitChoices: province.unitChoices });
      expect(report.counts.invalid, file.name).toBe(0);
    }
    const actual = await actualRegistry(database.db);
    const expected = expectedRegistry(province);
    const differ = [...new Set([...actual.keys(), ...expected.keys()])].flatMap((k) => {
      const [a, e] = [actual.get(k), expected.get(k)];
      if (a?.teams !== e?.teams) return [`${k}: ${a?.teams} teams ≠ ${e?.teams}`];
      const missing = e!.members.filter((m) => !a!.members.includes(m));
      const extra = a!.members.filter((m) => !e!.members.includes(m));
      return missing.length || extra.length ? [`${k}: missing ${missing.join(', ')}; extra ${extra.join(', ')}`] : [];
    });
    expect(differ).toEqual([]);
    const teams = [...actual.values()].reduce((n, t) => n + t.teams, 0);
    const members = [...actual.values()].reduce((n, t) => n + t.members.length, 0);
    const male = [...actual.values()].flatMap((t) => t.members).filter((m) => m.split('|')[1] === 'male').length;
    const female = [...actual.values()].flatMap((t) => t.members).filter((m) => m.split('|')[1] === 'female').length;
    expect({ teams, members, male, female }).toEqual({ teams: 1459, members: 8966, male: province.expected.totals.male, female: province.expected.totals.female });
  }, 600_000);
});
