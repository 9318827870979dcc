import type { Db } from '../db/client.js';
import type { listIssues } from './catalogue.repo.js';
import { type Catalogue, readCatalogue } from './catalogue.source.js';
import { type Suggestion, UnitResolver } from './catalogue.service.js';

/**
 * How well the pre-2025 names resolve: every old commune of the package's old→new mapping
 * (Resolution 202/2025/QH15 and the Standing Committee's 2025 commune-merger resolutions) that
 * has exactly one successor, looked up the way a roster writes it — old commune name as the
 * package writes it, old district, old province — through the public path
 * (`UnitResolver.forProvince(db, oldProvince)` then `resolveCommune(name, district)`).
 */

/** One old commune that does not resolve to its single successor by old name + district + province. */
export interface OldNameFailure {
  name: string;
  district: string;
  oldProvince: string;
  /** the successor the mapping gives */
  successor: { code: string; name: string; provinceCode: string };
  /**
   * ambiguous: several candidates (`candidates`); not_found: no such name (`candidates` = the
   * closest names); province_not_found: the old province name does not resolve; wrong_unit:
   * resolved, but to another commune (`got`); other_province: the mapping's successor lies in
   * another current province than the old province merged into (a package defect: the row's
   * new code names a same-named commune of another province, which the reader trusted)
   */
  reason: 'ambiguous' | 'not_found' | 'province_not_found' | 'wrong_unit' | 'other_province';
  message: string;
  candidates: Suggestion[];
  got?: { code: string | null; name: string };
}

export interface OldNameCheck {
  /** old communes with exactly one successor */
  total: number;
  /** of those, how many resolve to that successor */
  resolved: number;
  /** resolved / total × 100, two decimals */
  percent: number;
  failures: OldNameFailure[];
}

/** How a roster writes an old commune: the package's spelling by default; tests pass variants. */
export type OldNameWriting = (old: { name: string; district: string; oldProvince: string }) => { name: string; district: string; province: string };

const asPackage: OldNameWriting = (o) => ({ name: o.name, district: o.district, province: o.oldProvince });

/**
 * Resolves every single-successor old commune of `catalogue` (default: the package, read and
 * repaired by `readCatalogue`) against the catalogue loaded in `db`, written as `write` says
 * (default: as the package writes it), and returns the figure with every failure and why.
 * Reads only; throws only on database errors.
 */
export async function checkOldNames(db: Db, catalogue: Catalogue = readCatalogue(), write: OldNameWriting = asPackage): Promise<OldNameCheck> {
  const districtName = new Map(catalogue.oldDistricts.map((d) => [d.key, d.name]));
  const communeOf = new Map(catalogue.communes.map((c) => [c.code, c]));
  const resolvers = new Map<string, UnitResolver | null>();
  const failures: OldNameFailure[] = [];
  let total = 0;
  let resolved = 0;
  for (const old of catalogue.oldCommunes) {
    if (old.successorCodes.length !== 1) continue;
    total++;
    const [code] = old.successorCodes;
    const district = districtName.get(old.districtKey) ?? '';
    const successor = communeOf.get(code);
    const base = { name: old.name, district, oldProvince: old.oldProvinceName, successor: { code, name: successor?.name ?? '', provinceCode: successor?.provinceCode ?? '' } };
    const written = write(base);
    if (!resolvers.has(written.province)) resolvers.set(written.province, await UnitResolver.forProvince(db, written.province));
    const resolver = resolvers.get(written.province);
    if (!resolver) {
      failures.push({ ...base, reason: 'province_not_found', message: `Không nhận ra tỉnh cũ "${written.province}"`, candidates: [] });
      continue;
    }
    const r = resolver.resolveCommune(written.name, written.district || null);
    if (r.ok && r.unit.code === code) resolved++;
    else if (resolver.province.code !== base.successor.provinceCode) {
      const message = `lỗi của gói: đơn vị kế thừa ${code} thuộc tỉnh mã ${base.successor.provinceCode}, không thuộc ${resolver.province.name} (mã xã mới của dòng ánh xạ là của một xã cùng tên ở tỉnh khác)`;
      failures.push({ ...base, reason: 'other_province', message, candidates: r.ok ? [] : r.suggestions });
    }
    else if (r.ok) failures.push({ ...base, reason: 'wrong_unit', message: `ra "${r.unit.name}" (${r.unit.code}) thay vì "${base.successor.name}" (${code})`, candidates: [], got: { code: r.unit.code, name: r.unit.name } });
    else failures.push({ ...base, reason: r.reason === 'ambiguous' ? 'ambiguous' : r.reason === 'province_not_found' ? 'province_not_found' : 'not_found', message: r.message, candidates: r.suggestions });
  }
  return { total, resolved, percent: total ? Math.round((resolved / total) * 10000) / 100 : 100, failures };
}

/** The figure as one line: "Tên cũ tra được: 10,123 / 10,200 (99.25%)". */
export function formatOldNameFigure(c: OldNameCheck): string {
  return `Xã cũ (một đơn vị kế thừa) tra được theo tên cũ + huyện cũ + tỉnh cũ: ${c.resolved.toLocaleString('vi-VN')} / ${c.total.toLocaleString('vi-VN')} (${c.percent.toLocaleString('vi-VN')}%)`;
}

/** One failure as a line for the console: the old unit, why, and the candidates or closest names. */
export function formatOldNameFailure(f: OldNameFailure): string {
  const list = f.candidates.map((s) => `${s.name}${s.district ? ` (${s.district})` : ''}${s.code ? ` ${s.code}` : ''}`).join('; ');
  const why = f.reason === 'ambiguous' ? `nhiều kết quả: ${list}` : f.reason === 'not_found' ? `không tìm thấy${list ? `; gần nhất: ${list}` : ''}` : f.message;
  return `${f.name}, ${f.district}, ${f.oldProvince} → ${f.successor.name} (${f.successor.code}): ${why}`;
}

/** What `ngoso catalogue check` reports: the package's defects (`listIssues`, repaired or not) and how the old names resolve (`checkOldNames`). */
export interface CatalogueCheck {
  issues: Awaited<ReturnType<typeof listIssues>>;
  oldNames: OldNameCheck;
}

/**
 * The report as console lines: the defects by kind (counts, then each), then the old-name figure
 * and every old commune with one successor that does not resolve by its old name, with why.
 */
export function formatCatalogueCheck({ issues, oldNames }: CatalogueCheck): string[] {
  const lines: string[] = [];
  const groups = new Map<string, typeof issues>();
  for (const i of issues) {
    const title = `${i.repaired ? 'ĐÃ SỬA' : 'CHƯA SỬA ĐƯỢC'} — ${i.kind}`;
    groups.set(title, [...(groups.get(title) ?? []), i]);
  }
  lines.push(`Lỗi dữ liệu nguồn: ${issues.length} (đã sửa ${issues.filter((i) => i.repaired).length}, chưa sửa được ${issues.filter((i) => !i.repaired).length})`);
  for (const [title, list] of groups) lines.push(`  ${title}: ${list.length}`);
  for (const [title, list] of groups) {
    lines.push('', `## ${title} (${list.length})`);
    for (const i of list) lines.push(`  [${i.sourceTable} #${i.sourceId}] ${i.detail}`);
  }
  lines.push('', `## ${formatOldNameFigure(oldNames)}`, `Không tra được: ${oldNames.failures.length}`);
  const reasons: [OldNameFailure['reason'], string][] = [
    ['ambiguous', 'nhiều kết quả'],
    ['not_found', 'không tìm thấy'],
    ['wrong_unit', 'ra đơn vị khác'],
    ['other_province', 'đơn vị kế thừa ở tỉnh khác (lỗi của gói)'],
    ['province_not_found', 'không nhận ra tỉnh cũ'],
  ];
  for (const [reason, title] of reasons) {
    const list = oldNames.failures.filter((f) => f.reason === reason);
    if (list.length) lines.push('', `### ${title} (${list.length})`, ...list.map((f) => `  ${formatOldNameFailure(f)}`));
  }
  return lines;
}
