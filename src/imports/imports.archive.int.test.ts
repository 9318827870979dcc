import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { csv, HEADER, xlsx } from '../../test/fixtures.js';
import { countRows } from '../../test/registry-snapshot.js';
import type { Database } from '../db/client.js';
import { expandArchives } from './imports.archive.js';

let database: Database;
let app: TestAppInstance;
withTestApp(async (t) => {
  ({ database, app } = t);
});

const zipOf = async (files: Record<string, Buffer | string>, level = 6) => {
  const zip = new JSZip();
  for (const [name, data] of Object.entries(files)) zip.file(name, data);
  return Buffer.from(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level } }));
};

describe('a .zip of a district’s rosters', () => {
  it('imports every roster inside, each in its own transaction, with one summary', async () => {
    const officer = await signedInClient(app, database.db, { username: 'canbo.tinh', role: 'province_officer', unit: '14' });
    const archive = await zipOf({
      'ta-xua.csv': csv([HEADER, ['Sơn La', 'Tà Xùa', '', '', 'Mùa A Chớ', 'Nam', 1990, '0388 100 001', '', '']]),
      'mai-son/mai-son.xlsx': await xlsx([{ name: 'DS', rows: [HEADER, ['Sơn La', 'Mai Sơn', '', '', 'Lò Thị Bay', 'Nữ', 1991, '0388 100 002', '', '']] }]),
      '__MACOSX/._ta-xua.csv': 'rác',
      'ghi-chu.docx': 'không phải danh sách',
    });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(archive)]), 'huyen.zip');
    const res = await officer.request({ method: 'POST', url: '/api/imports?commit=true', payload: form });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.files.map((f: { fileName: string; counts: unknown }) => [f.fileName, f.counts])).toEqual([
      ['huyen.zip/mai-son/mai-son.xlsx', { new: 1, updated: 0, unchanged: 0, invalid: 0 }],
      ['huyen.zip/ta-xua.csv', { new: 1, updated: 0, unchanged: 0, invalid: 0 }],
    ]);
    expect(body.summary).toEqual({ files: 2, failed: 0, new: 2, updated: 0, unchanged: 0, invalid: 0 });
    expect(await countRows(database.db, 'members')).toBe(2);
  });

  it('refuses a zip bomb while inflating it, writing nothing', async () => {
    const bomb = await zipOf({ 'a.csv': Buffer.alloc(30 * 1024 * 1024, 0x61) }, 9);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const err = await expandArchives([{ name: 'bom.zip', data: bomb }], 20 * 1024 * 1024).catch((e: Error & { code?: string }) => e);
    expect((err as { code?: string }).code).toBe('IMPORT_FILE_TOO_LARGE');
    expect((err as Error).message).toMatch(/giải nén ra quá lớn/);
  });

  it('explains a zip with no roster inside', async () => {
    const err = await expandArchives([{ name: 'anh.zip', data: await zipOf({ 'anh.jpg': 'x' }) }], 1e6).catch((e: Error) => e);
    expect((err as Error).message).toBe('Tệp nén "anh.zip" không có tệp .xlsx hoặc .csv nào.');
  });
});
