import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedProvince, generateProvince } from '../../test/fixtures/province/generator.js';
import { withTestApp } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { actualRegistry, expectedRegistry, registryDifferences, teamKey } from '../../test/province-registry.js';
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
    const differ = registryDifferences(actual, expected);
    expect(differ).toEqual([]);
    const teams = [...actual.values()].reduce((n, t) => n + t.teams, 0);
    const members = [...actual.values()].reduce((n, t) => n + t.members.length, 0);
    const male = [...actual.values()].flatMap((t) => t.members).filter((m) => m.split('|')[1] === 'male').length;
    const female = [...actual.values()].flatMap((t) => t.members).filter((m) => m.split('|')[1] === 'female').length;
    expect({ teams, members, male, female }).toEqual({ teams: 1459, members: 8966, male: province.expected.totals.male, female: province.expected.totals.female });
  }, 600_000);
});
