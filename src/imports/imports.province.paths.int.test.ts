import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/auth.js';
import { type CliSandbox, cliSandbox } from '../../test/cli.js';
import { testApp, testDatabase } from '../../test/db.js';
import { type GeneratedProvince, generateProvince } from '../../test/fixtures/province/generator.js';
import { actualRegistry, expectedRegistry, registryDifferences } from '../../test/province-registry.js';
import type { FileReport } from './imports.report.js';

/**
 * The generated province of 2023 rosters (test/fixtures/province) through the two ways an office
 * imports it: `ngoso import DIR --province 14 --choices FILE --commit`, and the web upload by a
 * province officer (the province from the officer's scope, the split villages answered with
 * `unitChoices`). Both give exactly the registry the generator made.
 */
let province: GeneratedProvince;
beforeAll(async () => {
  province = await generateProvince();
}, 120_000);

describe('the command line', () => {
  let sandbox: CliSandbox;
  beforeAll(async () => {
    sandbox = await cliSandbox('ngoso-province-');
  });
  afterAll(async () => {
    await sandbox?.cleanup();
  });

  it('a dry run of the folder, then a commit with the choices file, give exactly the registry', async () => {
    mkdirSync(sandbox.file('rosters'));
    for (const f of province.files) writeFileSync(sandbox.file(`rosters/${f.name}`), f.data);
    writeFileSync(sandbox.file('choices.json'), JSON.stringify(province.unitChoices));
    const dry = await sandbox.ngoso('import', sandbox.file('rosters'), '--province', '14', '--choices', sandbox.file('choices.json'), '--format', 'json');
    expect([dry.code, dry.stderr]).toEqual([0, '']);
    const reports = JSON.parse(dry.stdout) as FileReport[];
    expect(reports).toHaveLength(12);
    const teams = reports.flatMap((r) => r.shape.flatMap((s) => s.communes.flatMap((c) => c.teams)));
    expect([teams.reduce((n, t) => n + t.members, 0), reports.reduce((n, r) => n + r.counts.invalid, 0)]).toEqual([8966, 0]);

    const commit = await sandbox.ngoso('import', sandbox.file('rosters'), '--province', '14', '--choices', sandbox.file('choices.json'), '--commit');
    expect(commit.code).toBe(0);
    const database = await sandbox.open();
    try {
      expect(registryDifferences(await actualRegistry(database.db), expectedRegistry(province))).toEqual([]);
    } finally {
      await database.close();
    }
  }, 600_000);
});

describe('the web upload', () => {
  it('a province officer uploads the 12 workbooks with the answers: exactly the registry', async () => {
    const database = await testDatabase();
    const app = await testApp(database);
    try {
      const officer = await signedInClient(app, database.db, { username: 'canbo.sonla', role: 'province_officer', unit: '14' });
      const form = () => {
        const f = new FormData();
        for (const file of province.files) f.append('file', new Blob([new Uint8Array(file.data)]), file.name);
        f.append('unitChoices', JSON.stringify(province.unitChoices));
        return f;
      };
      const dry = await officer.request({ method: 'POST', url: '/api/imports', payload: form() });
      expect(dry.statusCode).toBe(200);
      expect(dry.json().summary).toEqual({ files: 12, failed: 0, new: 8966, updated: 0, unchanged: 0, invalid: 0 });
      const commit = await officer.request({ method: 'POST', url: '/api/imports?commit=true', payload: form() });
      expect(commit.json().summary).toEqual({ files: 12, failed: 0, new: 8966, updated: 0, unchanged: 0, invalid: 0 });
      expect(registryDifferences(await actualRegistry(database.db), expectedRegistry(province))).toEqual([]);
    } finally {
      await app.close();
      await database.close();
    }
  }, 600_000);
});
