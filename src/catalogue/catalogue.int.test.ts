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
    expect(again).toMatchObject({ loaded: false, units: 14851, issues: 1349 });
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
      { code: '03664', name: 'Xã Chiềng Xôm', level: 'commune', kind: 'xa', provinceCode: '14', validFrom: null, validTo: '2025-07-01', status: 'dissolved', parent: { code: null, name: 'Thành phố Sơn La', level: 'district', kind: expect.any(String), provinceCode: '14', validFrom: null, validTo: '2025-07-01', status: 'dissolved' }, district: 'Thành phố Sơn La', successors: [{ code: '03664', name: 'Phường Chiềng An', level: 'commune', kind: 'phuong', provinceCode: '14', validFrom: '2025-07-01', validTo: null, status: 'current' }] },
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
    expect(issues).toHaveLength(1349);
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

describe('UnitResolver: old names as rosters write them', () => {
  const resolve = async (province: string, name: string, district?: string) => {
    const { UnitResolver } = await import('./catalogue.service.js');
    const r = (await UnitResolver.forProvince(database.db, province))!.resolveCommune(name, district);
    return r.ok ? { ok: true, code: r.unit.code, via: r.via, matched: r.matched?.name } : { ok: false, reason: r.reason, codes: r.suggestions.map((s) => s.code), matched: r.matched?.name, successorCodes: r.successorCodes };
  };

  it('compares the district with or without diacritics and kind word, whatever the commune’s spelling', async () => {
    const want = { ok: true, code: '04123', via: 'old', matched: 'Xã Chiềng Mung' };
    expect(await resolve('Tỉnh Sơn La', 'Xã Chiềng Mung', 'Mai Son')).toEqual(want);
    expect(await resolve('son la', 'chieng mung', 'huyen mai son')).toEqual(want);
    expect(await resolve('Sơn La', 'Chiềng Mung', 'Huyện Mai Sơn')).toEqual(want);
  });

  it('reads "TP", "Q.", "Phường 01" and either tone-mark placement', async () => {
    const banCo = { ok: true, code: '27154', via: 'old', matched: 'Phường 1' };
    expect(await resolve('TP Hồ Chí Minh', 'Phường 01', 'Q.3')).toEqual(banCo);
    expect(await resolve('TP. Hồ Chí Minh', 'P.1', 'Quận 3')).toEqual(banCo);
    // the package writes "Xã Liên Hoà"
    expect(await resolve('Tỉnh Sơn La', 'Xã Liên Hòa', 'Huyện Vân Hồ')).toMatchObject({ ok: true, code: '04006', matched: 'Xã Liên Hoà' });
  });

  it('finds communes of provinces merged whole by the old province name, and tells same-named districts apart by it', async () => {
    expect(await resolve('Tỉnh Bắc Giang', 'Xã Sa Lý', 'Huyện Lục Ngạn')).toMatchObject({ ok: true, code: '07534', via: 'old' });
    expect(await resolve('Tỉnh Bến Tre', 'Thị trấn Châu Thành', 'Huyện Châu Thành')).toMatchObject({ ok: true, code: '28810' });
    expect(await resolve('Tỉnh Trà Vinh', 'Thị trấn Châu Thành', 'Huyện Châu Thành')).toMatchObject({ ok: true, code: '29374' });
    // by the current province both old towns fit: not guessed
    expect(await resolve('Vĩnh Long', 'Thị trấn Châu Thành', 'Huyện Châu Thành')).toMatchObject({ ok: false, reason: 'ambiguous' });
  });

  it('keeps two old communes of one old district ambiguous when the spelling does not tell them apart', async () => {
    expect(await resolve('Tỉnh Gia Lai', 'Xã Ia Bang', 'Huyện Chư Prông')).toMatchObject({ ok: true, code: '23908' });
    // unaccented, "ia bang" is also "Ia Băng" of the same district: both went to Ia Tôr, so that is the answer
    expect(await resolve('gia lai', 'xa ia bang', 'huyen chu prong')).toMatchObject({ ok: true, code: '23908' });
    // "Hoằng Phú" and "Hoằng Phụ" went to different communes
    expect(await resolve('thanh hoa', 'xa hoang phu', 'huyen hoang hoa')).toMatchObject({ ok: false, reason: 'ambiguous', codes: ['15883', '16003'] });
    expect(await resolve('Tỉnh Thanh Hóa', 'Xã Hoằng Phụ', 'Huyện Hoằng Hoá')).toMatchObject({ ok: true, code: '16000' });
    // "Thị trấn Trạm Tấu" and "Xã Trạm Tấu" went to different communes
    expect(await resolve('Tỉnh Yên Bái', 'Trạm Tấu', 'Huyện Trạm Tấu')).toMatchObject({ ok: false, reason: 'ambiguous', codes: ['04585', '04600'] });
    expect(await resolve('Tỉnh Yên Bái', 'Xã Trạm Tấu', 'Huyện Trạm Tấu')).toMatchObject({ ok: true, code: '04606' });
  });

  it('gives the old commune and its successors when the mapping split it ("NT" = "Nông trường")', async () => {
    const split = await resolve('Tỉnh Sơn La', 'Thị trấn NT Mộc Châu', 'TX Mộc Châu');
    expect(split).toMatchObject({ ok: false, reason: 'ambiguous', matched: 'Thị trấn Nông trường Mộc Châu' });
    expect([...(split.successorCodes ?? [])].sort()).toEqual(['03980', '03982', '04000', '04033']);
    expect(split.codes).toEqual(split.successorCodes);
    expect(await resolve('14', 'Thị trấn Nông trường Mộc Châu', 'Thị xã Mộc Châu')).toEqual(split);
  });
});

describe('UnitResolver: suggestions for misspelt names', () => {
  const suggest = async (province: string, name: string) => {
    const { UnitResolver } = await import('./catalogue.service.js');
    const r = (await UnitResolver.forProvince(database.db, province))!.resolveCommune(name);
    return r.ok ? `ok ${r.unit.code}` : r.suggestions.map((s) => `${s.code} ${s.name} ${s.status}`);
  };

  it('puts the s/x, d/gi/r and tone-placement variants first', async () => {
    expect((await suggest('24', 'Xa Lý'))[0]).toBe('07534 Xã Sa Lý current');
    expect((await suggest('37', 'Dao Thuỷ'))[0]).toBe('14167 Xã Giao Thủy current');
    expect((await suggest('37', 'Dạng Đông'))[0]).toBe('13894 Xã Rạng Đông current');
    expect((await suggest('25', 'Phường Hoà Bìn'))[0]).toBe('04795 Phường Hòa Bình current');
  });

  it('resolves a current name without its kind word, or with the wrong one', async () => {
    expect(await suggest('24', 'Sa Lý')).toBe('ok 07534');
    expect(await suggest('25', 'Hoà Bình')).toBe('ok 04795');
    expect(await suggest('14', 'Xã Chiềng Cơi')).toBe('ok 03670');
  });
});
