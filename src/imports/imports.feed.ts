import { lookupProvince } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/client.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { FIELDS, type Field } from './imports.columns.js';
import type { RefusedRow, Planner } from './imports.plan.js';
import { inferProvince } from './imports.province.js';
import type { ReadFile } from './imports.reader.js';
import type { FileReport } from './imports.report.js';
import { readRows } from './imports.rows.js';
import type { ImportOptions } from './imports.service.js';
import type { MappedSheet } from './imports.sheets.js';
import type { RosterRow, RowParsers } from './imports.validate.js';

/**
 * Rows planned at a time: the writes of one chunk go out while the next is read and planned. A
 * file of more rows than one chunk is committed with the writes overlapping the planning (on
 * PostgreSQL). Tests lower it to cut small files into many chunks; the outcome must not change.
 */
export const planning = { chunkRows: 5000 };

/**
 * Reads the rows of every mapped sheet (imports.rows) and hands the valid ones, in file order, to
 * the planner in chunks as they come. From the first row that names no province on, rows wait
 * until the whole file is read: the province is inferred once per file from all of them
 * (imports.province), then they are planned. Adds the file-level problems (no data rows, empty
 * file, unknown province chosen). With `pace`, lets other work run between every few hundred rows
 * (the writes of the chunks already planned). Reads go to `reads`, the planner's own (inside the
 * file's transaction on PGlite, whose other queries would wait for it). Returns the rows refused
 * while read.
 */
export async function readAndPlan(
  reads: Db,
  ctx: { file: { name: string }; opts: ImportOptions; read: ReadFile; mapped: MappedSheet[]; parsers: RowParsers; report: FileReport; planner: Planner; pace: boolean },
): Promise<RefusedRow[]> {
  const { file, opts, read, mapped, parsers, report, planner, pace } = ctx;
  // rows that name no province take the importer's own (a province or commune officer)
  const scopeProvince = opts.scope.kind === 'all' ? null : opts.scope.provinceCode;
  const allEmpty = read.sheets.every((sh) => sh.rows.length === 0);
  const valid: RosterRow[] = [];
  const refusedEarly: RefusedRow[] = [];
  let readCount = 0;
  /** rows of `valid` known to name a province (they may be planned) */
  let handed = 0;
  let holding = false;
  /** plans the valid rows read so far up to the first without a province (all of them at the end) */
  const hand = async (end: boolean) => {
    while (!holding && handed < valid.length) {
      if (!valid[handed].province) holding = true;
      else handed++;
    }
    if (handed === 0 || (!end && handed < planning.chunkRows)) return;
    const part = valid.splice(0, handed);
    readCount += part.length;
    handed = 0;
    for (let at = 0; at < part.length; at += planning.chunkRows) await planner.plan(part.slice(at, at + planning.chunkRows));
  };
  for (const { sheet, mapping, found, headers, shapeKey, source, savedAt } of mapped) {
    if (!mapping || !found) {
      if (sheet.rows.length > 0) {
        report.problems.push({ sheet: sheet.name, row: 0, column: '', severity: 'error', message: 'Không tìm thấy hàng tiêu đề có cột "Họ và tên" trong 30 dòng đầu', suggestion: `Thêm hàng tiêu đề với các cột: ${Object.entries(FIELDS).filter(([f]) => (!f.startsWith('birthYear') || f === 'birthYear') && f !== 'joinedOn').map(([, label]) => label).join(', ')}` });
      }
      report.sheets.push({ name: sheet.name, headerRow: null, mapping: {}, ignored: [] });
      continue;
    }
    const fieldAt = new Map((Object.entries(mapping.columns) as [Field, number][]).map(([f, c]) => [c, f]));
    report.sheets.push({
      name: sheet.name,
      headerRow: sheet.rowNumbers[mapping.headerIndex],
      mapping: Object.fromEntries(Object.entries(mapping.columns).map(([f, c]) => [f, headers[c!]])),
      ignored: source === 'auto' ? found.ignored : headers.filter((h, i) => h && !fieldAt.has(i)),
      shapeKey: shapeKey!,
      columns: headers.map((header, index) => ({ index, header, field: fieldAt.get(index) ?? null })),
      mappingSource: source,
      ...(source === 'saved' ? { mappingNote: `Đã áp dụng cách ghép cột đã lưu (lưu ngày ${formatDateVi(todayInVietnam(savedAt!))}) cho hàng tiêu đề này. Nếu chưa đúng, hãy chỉnh lại rồi chạy thử lại.` } : {}),
      ...(source === 'override' ? { mappingNote: opts.commit ? 'Đã lưu cách ghép cột bạn chỉnh: các tệp sau có cùng hàng tiêu đề sẽ tự dùng cách này.' : 'Cách ghép cột do bạn chỉnh; sẽ được lưu cho các tệp sau có cùng hàng tiêu đề khi bấm "Ghi vào sổ".' } : {}),
    });
    for (const _ of readRows(sheet, mapping, headers, file.name, opts, parsers, report, valid, scopeProvince, refusedEarly)) {
      if (valid.length - handed >= planning.chunkRows) await hand(false);
      // let the writes of the chunks planned so far go out (their answers, the next statements)
      if (pace) await new Promise((resolve) => setImmediate(resolve));
    }
    // the sheet's text is no longer needed once its rows are validated: let a 100,000-row file's cells go before the writes
    sheet.rows.length = 0;
  }

  await hand(true);
  readCount += valid.length;
  const placed = await inferProvince(reads, valid, report);
  if (!allEmpty && readCount === 0 && report.rows.length === 0 && !report.problems.some((p) => p.severity === 'error')) {
    report.problems.push({ sheet: read.sheets[0].name, row: 0, column: '', severity: 'error', message: 'Tệp có hàng tiêu đề nhưng không có dòng dữ liệu nào', suggestion: 'Điền danh sách thành viên dưới hàng tiêu đề rồi tải lên lại' });
  }
  if (allEmpty) {
    report.problems.push({ sheet: read.sheets[0]?.name ?? file.name, row: 0, column: '', severity: 'error', message: 'Tệp trống: không có dòng nào', suggestion: 'Hãy chọn đúng tệp danh sách' });
  }
  if (opts.province && !(await lookupProvince(reads, opts.province))) {
    report.problems.push({ sheet: '', row: 0, column: FIELDS.province, severity: 'error', message: `Không có tỉnh/thành phố "${opts.province}" trong 34 tỉnh, thành phố hiện hành`, suggestion: 'Chọn tỉnh trong danh sách' });
  }
  for (let at = 0; at < placed.length; at += planning.chunkRows) await planner.plan(placed.slice(at, at + planning.chunkRows));
  return refusedEarly;
}
