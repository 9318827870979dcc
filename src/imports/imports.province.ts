import { provinces, provincesNaming } from '../catalogue/catalogue.repo.js';
import { splitUnitName } from '../catalogue/catalogue.source.js';
import type { Db } from '../db/client.js';
import { searchKey } from '../text/vietnamese.js';
import { FIELDS } from './imports.columns.js';
import type { FileReport } from './imports.report.js';
import type { RosterRow } from './imports.validate.js';

/**
 * The province of a file that names none (no "Tỉnh" column, none chosen with the upload, none in
 * a title, an importer of the whole country): the one province that has an old district of the
 * name the rows give, else the one that has a commune (current or pre-2025) of every commune name
 * the rows give. Found: the rows take it and the report says so once. Not found: asked once per
 * file (one problem), and the rows are refused. Returns the rows that may go on.
 */
export async function inferProvince(db: Db, rows: RosterRow[], report: FileReport): Promise<RosterRow[]> {
  const orphans = rows.filter((r) => !r.province);
  if (orphans.length === 0) return rows;
  const keyOf = (name: string) => searchKey(splitUnitName(name).shortName);
  const unique = (names: (string | null)[]) => [...new Set(names.filter((n): n is string => !!n).map(keyOf))].slice(0, 50);
  const pick = (found: Map<string, Set<string>>, keys: string[]): string | null => {
    const sets = keys.map((k) => found.get(k)).filter((x): x is Set<string> => !!x);
    if (sets.length === 0) return null;
    const common = [...sets[0]].filter((p) => sets.every((s) => s.has(p)));
    return common.length === 1 ? common[0] : null;
  };
  const districts = unique(orphans.map((r) => r.district));
  let code = pick(await provincesNaming(db, 'district', districts), districts);
  let by = 'huyện';
  if (!code) {
    const communes = unique(orphans.map((r) => r.commune));
    code = pick(await provincesNaming(db, 'commune', communes), communes);
    by = 'xã/phường';
  }
  const sheet = orphans[0].sheet;
  if (code) {
    const province = (await provinces(db)).find((p) => p.code === code)!;
    for (const r of orphans) r.province = code;
    report.problems.push({ sheet, row: 0, column: FIELDS.province, severity: 'warning', message: `Tệp không ghi tỉnh; đã hiểu là ${province.name} vì tên ${by} trong tệp chỉ có ở tỉnh này`, suggestion: 'Nếu chưa đúng, hãy chọn tỉnh khi tải tệp lên rồi chạy thử lại' });
    return rows;
  }
  report.problems.push({ sheet, row: 0, column: FIELDS.province, severity: 'error', message: `Tệp không ghi tỉnh và tên huyện, xã trong tệp không chỉ ra một tỉnh duy nhất (${orphans.length.toLocaleString('vi-VN')} dòng chưa nhập được)`, suggestion: 'Chọn tỉnh khi tải tệp lên (dòng lệnh: --province), hoặc thêm cột "Tỉnh"' });
  for (const r of orphans) report.rows.push({ sheet: r.sheet, row: r.row, outcome: 'invalid', fullName: r.fullName });
  return rows.filter((r) => r.province);
}
