import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { createTeamBody } from '../registry/registry.contract.js';
import { createTeam } from '../registry/registry.teams.js';
import { applyProvinceRanges, provinceRange } from './national.keys.js';
import { publishProvince, rowsOutsideRange } from './national.publication.js';

/** Province key ranges (issue 18, item 1) on both databases, and the publication's refusals that need no second cluster. */
let database: Database;
const editor = { userId: null, ip: null, scope: ALL, now: new Date('2026-06-15T05:00:00Z') };
const team = async (name: string) => (await createTeam(database.db, createTeamBody.parse({ level: 'commune', unit: '03664', name, establishedOn: '2026-01-01' }), editor)).id;

beforeAll(async () => {
  database = await testDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('province key ranges', () => {
  it('computes each province’s range and refuses codes that are not a province', () => {
    expect(provinceRange('14', 'integer')).toEqual({ lo: 14n * 2n ** 24n, hi: 15n * 2n ** 24n });
    expect(provinceRange('96', 'integer').hi).toBeLessThan(2n ** 31n);
    expect(provinceRange('01', 'bigint')).toEqual({ lo: 2n ** 40n, hi: 2n ** 41n });
    for (const bad of ['00', '1', '140', 'ab']) expect(() => provinceRange(bad, 'integer')).toThrow(/hai chữ số/);
  });

  it('lists rows made before the range, then draws new ids inside it; idempotent; refuses another province', async () => {
    const before = await team('Tổ trước khi đặt mã tỉnh');
    expect(before).toBeLessThan(2 ** 24);
    const first = await applyProvinceRanges(database.db, '14');
    expect(first.changed).toContain('teams_id_seq');
    expect(first.changed).toContain('admin_units_id_seq');
    const after = await team('Tổ sau khi đặt mã tỉnh');
    expect(after).toBe(14 * 2 ** 24);
    expect(await applyProvinceRanges(database.db, '14')).toEqual({ changed: [] });
    expect(await team('Tổ thứ ba')).toBe(14 * 2 ** 24 + 1);
    await expect(applyProvinceRanges(database.db, '01')).rejects.toThrow('Cơ sở dữ liệu này là của tỉnh mã 14');
    // two digits, but no province of today's catalogue (Hà Giang, 02, merged into Tuyên Quang in 2025; 99): refused before any sequence is touched
    for (const code of ['02', '99']) await expect(applyProvinceRanges(database.db, code)).rejects.toThrow(`NGOSO_PROVINCE=${code}: không có tỉnh, thành phố hiện hành nào mang mã ${code}`);
    // the team made before the range is named: it would collide with another province's on the national server
    expect(await rowsOutsideRange(database.db, '14')).toEqual([{ table: 'teams', rows: 1 }]);
    const [seq] = await queryRows<{ max: string }>(database.db, sql`select max_value::text as max from pg_sequences where sequencename = 'teams_id_seq'`);
    expect(seq.max).toBe(String(15 * 2 ** 24 - 1));
  });

  it('refuses to publish the embedded database, a server without wal_level = logical, or rows outside the range', async () => {
    const [wal] = database.kind === 'pglite' ? [{ level: '' }] : await queryRows<{ level: string }>(database.db, sql`select current_setting('wal_level') as level`);
    const why = database.kind === 'pglite' ? /PGlite/ : wal.level === 'logical' ? /ngoài dải của tỉnh 14.*teams \(1\)/ : /wal_level = logical/;
    await expect(publishProvince(database.db, database.kind, '14')).rejects.toThrow(why);
    await expect(publishProvince(database.db, 'postgres', undefined)).rejects.toThrow(/NGOSO_PROVINCE/);
  });
});
