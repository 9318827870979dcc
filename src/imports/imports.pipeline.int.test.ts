import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedProvince, generateProvince } from '../../test/fixtures/province/generator.js';
import { withTestApp } from '../../test/db.js';
import { actualRegistry, expectedRegistry, registryDifferences } from '../../test/province-registry.js';
import { ALL } from '../access/access.policy.js';
import type { Database } from '../db/client.js';
import { planning } from './imports.feed.js';
import { type FileReport, importRoster } from './imports.service.js';

/**
 * A file is planned in chunks of rows (imports.feed), and on PostgreSQL a commit of more than one
 * chunk writes each chunk while the next is planned, reading the registry from a snapshot taken
 * before the import (imports.write, db/snapshot). Cut into chunks of 7 rows, the province's
 * district workbooks give the very reports of one chunk per file, dry run and commit, first import
 * and re-import, and commit to exactly the registry the generator made.
 */
let database: Database;
withTestApp(async (t) => {
  ({ database } = t);
});

let province: GeneratedProvince;
beforeAll(async () => {
  province = await generateProvince();
}, 120_000);
const chunkRows = planning.chunkRows;
afterAll(() => {
  planning.chunkRows = chunkRows;
});

const MB = 1024 * 1024;
const NOW = new Date('2026-06-15T03:00:00Z');

const run = (file: { name: string; data: Buffer }, commit: boolean, rows: number) => {
  planning.chunkRows = rows;
  return importRoster(database.db, file, { scope: ALL, commit, maxBytes: 50 * MB, now: NOW, province: '14', unitChoices: province.unitChoices });
};
/** A report without what differs between a dry run and a commit of the same plan. */
const plan = (r: FileReport) => ({ ...r, committed: false, importId: null });

describe('an import cut into chunks of 7 rows', () => {
  it('gives the reports of whole files, and commits to exactly the province registry', async () => {
    for (const file of province.files) {
      const whole = await run(file, false, 1_000_000);
      expect(whole.counts.invalid, file.name).toBe(0);
      expect(await run(file, false, 7), file.name).toEqual(whole);
      const committed = await run(file, true, 7);
      expect(committed.committed).toBe(true);
      expect(plan(committed), file.name).toEqual(whole);
    }
    expect(registryDifferences(await actualRegistry(database.db), expectedRegistry(province))).toEqual([]);
  }, 600_000);

  it('re-imports unchanged in chunks as in one piece', async () => {
    const before = await actualRegistry(database.db);
    for (const file of province.files.slice(0, 3)) {
      const whole = await run(file, false, 1_000_000);
      expect(whole.counts.new, file.name).toBe(0);
      expect(whole.counts.unchanged, file.name).toBeGreaterThan(0);
      expect(plan(await run(file, true, 7)), file.name).toEqual(whole);
    }
    expect(await actualRegistry(database.db)).toEqual(before);
  }, 600_000);
});
