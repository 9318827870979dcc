import { describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { TestClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { ensureCatalogue } from './catalogue.load.js';

let database: Database;
let app: TestAppInstance;
withTestApp(async (t) => {
  ({ database, app } = t);
});
const get = (url: string) => app.inject({ method: 'GET', url });

describe('catalogue loading', () => {
  it('is idempotent: a second start reads nothing and changes nothing', async () => {
    const again = await ensureCatalogue(database.db, () => {
      throw new Error('the package must not be read again');
    });
    expect(again).toMatchObject({ loaded: false, units: 14851, issues: 1338 });
  });
});

describe('GET /api/health', () => {
  it('answers ok with the database kind', async () => {
    const res = await get('/api/health');
    expect(res.json()).toEqual({ status: 'ok', db: database.kind });
  });
});

describe('GET /api/units', () => {
  it('lists the 34 provinces and Sơn La’s 75 communes', async () => {
    expect((await get('/api/units')).json().units).toHaveLength(34);
    const communes = (await get('/api/units?parent=14')).json().units;
    expect(communes).toHaveLength(75);
    expect(communes.slice(0, 3).map((u: { code: string; name: string }) => `${u.code} ${u.name}`)).toEqual(['03664 Phường Chiềng An', '03670 Phường Chiềng Cơi', '03679 Phường Chiềng Sinh']);
    expect(communes.every((u: { level: string; status: string }) => u.level === 'commune' && u.status === 'current')).toBe(true);
  });

  it('finds units without diacritics', async () => {
    const res = (await get('/api/units?q=chieng%20xom')).json();
    expect(res.truncated).toBe(false);
    expect(res.units).toEqual([
      { code: '03664', name: 'Xã Chiềng Xôm', level: 'commune', kind: 'xa', provinceCode: '14', validFrom: null, validTo: '2025-07-01', status: 'dissolved', district: 'Thành phố Sơn La', successors: [{ code: '03664', name: 'Phường Chiềng An', level: 'commune', kind: 'phuong', provinceCode: '14', validFrom: '2025-07-01', validTo: null, status: 'current' }] },
    ]);
    const many = (await get('/api/units?q=chieng')).json();
    expect([many.units.length, many.truncated]).toEqual([20, true]);
    expect(many.units[0].status).toBe('current');
  });

  it('gives a 404 for an unknown parent', async () => {
    const res = await get('/api/units?parent=99999');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('UNIT_NOT_FOUND');
  });
});

describe('GET /api/units/:code', () => {
  it('gives the current ward for 03664, with the old communes it was formed from', async () => {
    const unit = (await get('/api/units/03664')).json();
    expect(unit).toMatchObject({ code: '03664', name: 'Phường Chiềng An', level: 'commune', kind: 'phuong', validFrom: '2025-07-01', validTo: null, status: 'current', parent: { code: '14', name: 'Sơn La' } });
    expect(unit.predecessors.map((p: { code: string; name: string }) => `${p.code} ${p.name}`)).toEqual(['03667 Phường Chiềng An', '03661 Xã Chiềng Đen', '03664 Xã Chiềng Xôm']);
  });

  it('gives the dissolved commune for the same code before 1 July 2025', async () => {
    const unit = (await get('/api/units/03664?asOf=2025-06-30')).json();
    expect(unit).toMatchObject({ code: '03664', name: 'Xã Chiềng Xôm', status: 'dissolved', validTo: '2025-07-01', oldProvinceName: 'Tỉnh Sơn La', parent: { name: 'Thành phố Sơn La', level: 'district' } });
    expect(unit.successors.map((s: { code: string; name: string }) => `${s.code} ${s.name}`)).toEqual(['03664 Phường Chiềng An']);
  });

  it('rejects malformed codes and dates with 400, unknown codes with 404', async () => {
    expect((await get('/api/units/abc')).statusCode).toBe(400);
    const badDate = await get('/api/units/03664?asOf=2025-02-30');
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error.message).toMatch(/YYYY-MM-DD/);
    expect((await get('/api/units/99999')).statusCode).toBe(404);
  });
});

describe('GET /api/units/resolve', () => {
  it('resolves Chiềng Xôm of the old Sơn La city to its current ward', async () => {
    const res = (await get(`/api/units/resolve?name=${encodeURIComponent('Xã Chiềng Xôm')}&district=${encodeURIComponent('Thành phố Sơn La')}&province=${encodeURIComponent('Tỉnh Sơn La')}`)).json();
    expect(res).toMatchObject({ via: 'old', unit: { code: '03664', name: 'Phường Chiềng An' }, matched: { code: '03664', name: 'Xã Chiềng Xôm', district: 'Thành phố Sơn La' } });
  });

  it('resolves names typed without diacritics, and current names directly', async () => {
    expect((await get('/api/units/resolve?name=xa%20chieng%20xom&province=son%20la')).json().unit.code).toBe('03664');
    expect((await get(`/api/units/resolve?name=${encodeURIComponent('Mai Sơn')}&province=14`)).json()).toMatchObject({ via: 'current', unit: { code: '04105' } });
  });

  it('accepts the pre-2025 province a commune belonged to', async () => {
    const res = (await get(`/api/units/resolve?name=${encodeURIComponent('Xã Chiềng Xôm')}&province=${encodeURIComponent('Tỉnh Sơn La')}`)).json();
    expect(res.unit.code).toBe('03664');
    const merged = await get(`/api/units/resolve?name=${encodeURIComponent('Phường Nguyễn Trãi')}&district=${encodeURIComponent('Thành phố Hà Giang')}&province=${encodeURIComponent('Tỉnh Hà Giang')}`);
    expect(merged.json()).toMatchObject({ via: 'old', unit: { provinceCode: '08' }, matched: { name: 'Phường Nguyễn Trãi', district: 'Thành phố Hà Giang' } });
  });

  it('answers 409 with candidates when ambiguous, 404 with suggestions when unknown', async () => {
    const amb = await get(`/api/units/resolve?name=${encodeURIComponent('Chiềng Chung')}&province=14`);
    expect(amb.statusCode).toBe(409);
    expect(amb.json().error.details.suggestions.map((s: { code: string }) => s.code)).toEqual(['04129', '04015']);
    const unknown = await get(`/api/units/resolve?name=${encodeURIComponent('Chiềng Xôn')}&province=14`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.details.suggestions[0]).toEqual({ code: '03664', name: 'Xã Chiềng Xôm', status: 'dissolved', district: 'Thành phố Sơn La' });
    const noProvince = await get('/api/units/resolve?name=x&province=Atlantis');
    expect(noProvince.statusCode).toBe(404);
    expect((await get('/api/units/resolve?province=14')).statusCode).toBe(400);
  });
});

describe('API basics', () => {
  it('serves an OpenAPI document listing the routes', async () => {
    const doc = (await get('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/units', '/api/units/{code}', '/api/units/resolve', '/api/reports/network', '/api/imports', '/api/teams', '/api/search']));
  });

  it('answers unknown API paths and malformed JSON with JSON errors, never 500', async () => {
    const missing = await get('/api/nothing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    const bad = await new TestClient(app).request({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"a":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBeDefined();
  });

  it('lists the catalogue defects', async () => {
    const issues = (await get('/api/catalogue/issues')).json().issues;
    expect(issues).toHaveLength(1338);
    expect(issues.filter((i: { repaired: boolean }) => !i.repaired)).toHaveLength(796);
  });
});

describe('pre-2025 provinces', () => {
  /** Every province that merged into another on 01/07/2025 (Resolution 202/2025/QH15) → the current code. */
  const MERGED: [string, string][] = [
    ['Hà Giang', '08'], ['Bắc Kạn', '19'], ['Yên Bái', '15'], ['Hòa Bình', '25'], ['Vĩnh Phúc', '25'], ['Bắc Giang', '24'],
    ['Hải Dương', '31'], ['Thái Bình', '33'], ['Hà Nam', '37'], ['Nam Định', '37'], ['Quảng Bình', '44'], ['Quảng Nam', '48'],
    ['Kon Tum', '51'], ['Bình Định', '52'], ['Ninh Thuận', '56'], ['Phú Yên', '66'], ['Đắk Nông', '68'], ['Bình Thuận', '68'],
    ['Bình Phước', '75'], ['Bình Dương', '79'], ['Bà Rịa - Vũng Tàu', '79'], ['Long An', '80'], ['Tiền Giang', '82'], ['Bến Tre', '86'],
    ['Trà Vinh', '86'], ['Kiên Giang', '91'], ['Hậu Giang', '92'], ['Sóc Trăng', '92'], ['Bạc Liêu', '96'],
  ];
  it('every merged province is recognised by name, with or without "Tỉnh", diacritics or the old spelling of its tone marks', async () => {
    const { lookupProvince } = await import('./catalogue.service.js');
    const { searchKey } = await import('../text/vietnamese.js');
    const got: string[] = [];
    for (const [name, code] of MERGED) {
      for (const written of [name, `Tỉnh ${name}`, searchKey(name), `tinh ${searchKey(name)}`, name.replace('òa', 'oà')]) {
        const p = await lookupProvince(database.db, written);
        if (p?.code !== code) got.push(`${written} → ${p?.code ?? 'none'} (want ${code})`);
      }
    }
    expect(got).toEqual([]);
    expect((await lookupProvince(database.db, 'TP. Hồ Chí Minh'))?.code).toBe('79');
    expect((await lookupProvince(database.db, 'TP Hà Nội'))?.code).toBe('01');
  });
});
