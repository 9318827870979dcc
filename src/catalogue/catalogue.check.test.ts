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
    // what is left is the package's own defect: the mapping row's new code names a same-named commune elsewhere
    expect(c.failures.filter((f) => f.reason !== 'other_province').map(formatOldNameFailure)).toEqual([]);
    const ngocSon = c.failures.find((f) => f.name === 'Xã Ngọc Sơn' && f.district === 'Huyện Đô Lương');
    expect(ngocSon).toMatchObject({ reason: 'other_province', oldProvince: 'Tỉnh Nghệ An', successor: { code: '00976', name: 'Xã Bạch Ngọc', provinceCode: '08' } });
    expect(c.failures).toHaveLength(27);

    // `ngoso catalogue check` prints the defects, then the figure and each old commune that does not resolve
    const lines = formatCatalogueCheck({ issues: await listIssues(database.db), oldNames: c });
    expect(lines[0]).toBe('Lỗi dữ liệu nguồn: 1338 (đã sửa 542, chưa sửa được 796)');
    expect(lines).toContain('## Xã cũ (một đơn vị kế thừa) tra được theo tên cũ + huyện cũ + tỉnh cũ: 10.751 / 10.778 (99,75%)');
    expect(lines).toContain('### đơn vị kế thừa ở tỉnh khác (lỗi của gói) (27)');
    expect(lines).toContain('  Xã Ngọc Sơn, Huyện Đô Lương, Tỉnh Nghệ An → Xã Bạch Ngọc (00976): lỗi của gói: đơn vị kế thừa 00976 thuộc tỉnh mã 08, không thuộc Nghệ An (mã xã mới của dòng ánh xạ là của một xã cùng tên ở tỉnh khác)');
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
