import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { testDatabase } from '../../test/db.js';
import { searchKey } from '../text/vietnamese.js';
import { checkOldNames, formatCatalogueCheck, formatOldNameFailure, formatOldNameFigure, type OldNameCheck, type OldNameWriting } from './catalogue.check.js';
import { listIssues } from './catalogue.repo.js';
import { type Catalogue, readCatalogue, splitUnitName } from './catalogue.source.js';

let database: Database;
let catalogue: Catalogue;
beforeAll(async () => {
  database = await testDatabase();
  catalogue = readCatalogue();
});
afterAll(async () => {
  await database?.close();
});

const measure = async (label: string, write?: OldNameWriting): Promise<OldNameCheck> => {
  const c = await checkOldNames(database.db, catalogue, write);
  console.log(`${label}: ${c.resolved} / ${c.total} (${c.percent}%)`);
  return c;
};

/** Moves a tone mark between the old and the new placement ("Hòa" ↔ "Hoà", "Thủy" ↔ "Thuỷ", "Khỏe" ↔ "Khoẻ"). */
const otherTonePlacement = (s: string) =>
  s
    .normalize('NFD')
    .replace(/([oOuU])([\u0300\u0301\u0303\u0309\u0323])([aAeEyY])(?![\p{L}])/gu, '$1$3$2')
    .replace(/([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\p{L}\u0300-\u036f])/gu, '$1$3$2')
    .normalize('NFC');
const short = (s: string) => splitUnitName(s).shortName;

describe('the whole old→new mapping of the package, by old commune + old district + old province', () => {
  it('resolves at least 99.5% of the old communes with one successor, as the package writes them', async () => {
    const c = await measure('as the package writes them');
    console.log(formatOldNameFigure(c));
    expect(c.total).toBe(10778);
    expect(c.resolved / c.total).toBeGreaterThanOrEqual(0.995);
    // every one resolves: the package's rows whose new code named a namesake commune of another
    // province (Ngọc Sơn of Đô Lương, Nghệ An → 00976 of Tuyên Quang) are repaired by name in the province
    expect(c.failures.map(formatOldNameFailure)).toEqual([]);
    expect(c.resolved).toBe(10778);

    // `ngoso catalogue check` prints the defects, then the figure and each old commune that does not resolve
    const lines = formatCatalogueCheck({ issues: await listIssues(database.db), oldNames: c });
    expect(lines[0]).toBe('Lỗi dữ liệu nguồn: 1349 (đã sửa 553, chưa sửa được 796)');
    expect(lines).toContain('## Xã cũ (một đơn vị kế thừa) tra được theo tên cũ + huyện cũ + tỉnh cũ: 10.778 / 10.778 (100%)');
    const issues = await listIssues(database.db);
    expect(issues.filter((i) => i.detail.includes('thuộc tỉnh khác')).length).toBe(29);
    expect(issues.find((i) => i.detail === 'Mã xã mới "976" là của "Xã Bạch Ngọc" thuộc tỉnh khác (mã tỉnh 08), không phải của Nghệ An; sửa theo tên trong tỉnh Nghệ An thành "17623"')).toMatchObject({ kind: 'new_code_name_mismatch', repaired: true });
  });

  it('says why an old name does not resolve: the candidates when ambiguous, the closest names when not found', async () => {
    const c = await checkOldNames(database.db, catalogue, (o) => ({ name: short(o.name), district: o.district, province: o.oldProvince }));
    const tramTau = c.failures.find((f) => f.name === 'Xã Trạm Tấu' && f.district === 'Huyện Trạm Tấu')!;
    expect(formatOldNameFailure(tramTau)).toBe('Xã Trạm Tấu, Huyện Trạm Tấu, Tỉnh Yên Bái → Xã Trạm Tấu (04606): nhiều kết quả: Thị trấn Trạm Tấu (Huyện Trạm Tấu) 04585; Xã Trạm Tấu (Huyện Trạm Tấu) 04600');
    const c2 = await checkOldNames(database.db, catalogue, (o) => ({ name: o.name.replace('Chiềng Xôm', 'Chiềng Xôn'), district: o.district, province: o.oldProvince }));
    const xon = c2.failures.find((f) => f.name === 'Xã Chiềng Xôm')!;
    expect(xon.reason).toBe('not_found');
    expect(xon.candidates[0]).toEqual({ code: '03664', name: 'Xã Chiềng Xôm', status: 'dissolved', district: 'Thành phố Sơn La' });
  });

  const variants: [string, OldNameWriting, number][] = [
    ['commune without "Xã"/"Phường"/"Thị trấn"', (o) => ({ name: short(o.name), district: o.district, province: o.oldProvince }), 0.995],
    ['district without "Huyện"/"Quận"/"Thị xã"/"Thành phố"', (o) => ({ name: o.name, district: short(o.district), province: o.oldProvince }), 0.995],
    ['district without diacritics, commune with', (o) => ({ name: o.name, district: searchKey(o.district), province: o.oldProvince }), 0.995],
    ['district "TP …"/"TX …"', (o) => ({ name: o.name, district: o.district.replace(/^Thành phố /, 'TP ').replace(/^Thị xã /, 'TX. '), province: o.oldProvince }), 0.995],
    ['the other tone-mark placement', (o) => ({ name: otherTonePlacement(o.name), district: otherTonePlacement(o.district), province: otherTonePlacement(o.oldProvince) }), 0.995],
    ['"Phường 01" for "Phường 1", "NT" for "Nông trường"', (o) => ({ name: o.name.replace(/ (\d)$/, ' 0$1').replace('Nông trường', 'NT'), district: o.district, province: o.oldProvince }), 0.995],
    ['province without "Tỉnh" and without diacritics', (o) => ({ name: o.name, district: o.district, province: searchKey(short(o.oldProvince)) }), 0.995],
    // everything unaccented: names that differ only in diacritics in one district become truly ambiguous
    ['everything without diacritics', (o) => ({ name: searchKey(o.name), district: searchKey(o.district), province: searchKey(o.oldProvince) }), 0.99],
  ];
  it.each(variants)('resolves as well with %s', async (label, write, floor) => {
    const c = await measure(label, write);
    expect(c.resolved / c.total).toBeGreaterThanOrEqual(floor);
  });
});
