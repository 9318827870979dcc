import { createHash } from 'node:crypto';
import { ALL, requireScope, type Scope, unitTarget } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { unitsByCodes } from '../catalogue/catalogue.repo.js';
import { lookupProvince } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/client.js';
import { maskPhone } from '../privacy/protector.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { AppError } from '../http/errors.js';
import * as registry from '../registry/registry.repo.js';
import { cleanText, nameKey } from '../text/vietnamese.js';
import { type ColumnMapping, FIELDS, findHeader, type Field } from './imports.columns.js';
import { inferProvince } from './imports.province.js';
import { readRows } from './imports.rows.js';
import { applyMapping, fullMapping, type MappingOverride, type MappingSource, shapeKeyOf, sheetMapping, type SheetMapping, type UnitChoices } from './imports.mapping.js';
import { readSpreadsheet, type Sheet } from './imports.reader.js';
import { mappingOwner, savedMappings, upsertMapping } from './imports.repo.js';
import { importLog } from './imports.schema.js';
import { auditedChanges, inScope, planAndWrite, type RefusedRow, type ScopeConflict } from './imports.plan.js';
import { choiceKey } from './imports.units.js';
import { type Problem, RowParsers, type RosterRow, validateRow } from './imports.validate.js';

/**
 * Roster import: read (imports.reader) → map columns (imports.columns) → validate rows
 * (imports.validate) → plan against the registry (here) → write, all in one transaction per file.
 * A dry run plans inside a transaction that is rolled back, so it reports exactly what a commit
 * would do and writes nothing.
 */
export interface ImportOptions {
  /** province code or name for files without a "Tỉnh" column */
  province?: string | null;
  /** commune name for files without a "Xã/phường" column */
  commune?: string | null;
  commit: boolean;
  maxBytes: number;
  /** most data rows accepted in one file (the web upload caps it; the CLI does not) */
  maxRows?: number;
  /**
   * the importer's scope: rows whose commune lies outside it are refused, and people are matched
   * and changed only within it (the CLI, demo and benchmarks pass the explicit `ALL`)
   */
  scope: Scope;
  /** who imports, for the audit log (null = the CLI, run by the server's operator) */
  actor?: AuditActor | null;
  /**
   * the officer's corrections of the column mapping, by sheet name (see imports.mapping.ts); every
   * sheet named must exist in the file. Committed corrections are remembered for the header shape.
   */
  mapping?: MappingOverride;
  /**
   * the unit meant by each commune name that did not resolve ("which unit did you mean"): name as
   * written → current commune code. A name that resolves on its own is not changed by a choice.
   */
  unitChoices?: UnitChoices;
  /** the clock the rules read (the youngest allowed birth year); tests pass a fixed one */
  now?: Date;
}

import type { FileReport, Outcome, RowOutcome } from './imports.report.js';
export type { FileReport, Outcome, RowOutcome, SheetReport, ShapeSheet, Skipped, UnitQuestion } from './imports.report.js';

/** A sheet's header as found, and the mapping the import uses for it. */
export interface MappedSheet {
  sheet: Sheet;
  /** the header found by names (null: no header row, the sheet cannot be imported) */
  found: ColumnMapping | null;
  /** the mapping used: `found`, the remembered one, or the officer's correction */
  mapping: ColumnMapping | null;
  /** text of every header column (with the second header row's cell in brackets) */
  headers: string[];
  shapeKey: string | null;
  source: MappingSource;
  savedAt?: Date;
}


/**
 * Finds each sheet's header and decides its mapping: the officer's correction for the sheet (over
 * the remembered or found mapping), else the mapping remembered for the header's shape, else the
 * one found by header names. Errors: IMPORT_MAPPING_INVALID (400) when a correction names a sheet
 * the file lacks or a sheet without a header row, a column beyond the header, or leaves no
 * "Họ và tên" column.
 */
export async function mapSheets(db: Db, fileName: string, sheets: Sheet[], override: MappingOverride, scope: Scope): Promise<MappedSheet[]> {
  const names = sheets.map((sh) => `"${sh.name}"`).join(', ') || 'không có trang tính nào';
  for (const name of Object.keys(override)) {
    if (!sheets.some((sh) => sh.name === name)) throw new AppError('IMPORT_MAPPING_INVALID', `Cách ghép cột gửi kèm nói tới trang tính "${name}" nhưng tệp "${fileName}" không có trang tính đó (tệp có: ${names}). Sửa tên trang tính cho đúng. Chưa ghi gì.`);
  }
  const headerTexts = (sheet: Sheet, at: number, rows: number) => {
    const top = sheet.rows[at];
    const sub = rows === 2 ? sheet.rows[at + 1] ?? [] : [];
    return Array.from({ length: Math.max(top.length, sub.length) }, (_, c) => {
      const head = cleanText(top[c] ?? '');
      const below = rows === 2 ? cleanText(sub[c] ?? '') : '';
      return head + (below && below !== head ? ` (${below})` : '');
    });
  };
  // a sheet whose header is not recognised by names may still have a remembered one: any of its
  // first 30 rows with two or more cells is a candidate, looked up with the recognised headers
  const guesses = new Map<Sheet, { index: number; headers: string[]; shapeKey: string }[]>();
  const out: MappedSheet[] = sheets.map((sheet) => {
    const found = findHeader(sheet);
    if (!found) {
      guesses.set(sheet, sheet.rows.slice(0, 30).flatMap((cells, index) => (cells.filter((c) => c.trim()).length >= 2 ? [{ index, headers: headerTexts(sheet, index, 1), shapeKey: '' }] : [])).map((g) => ({ ...g, shapeKey: shapeKeyOf(g.headers) })));
      return { sheet, found: null, mapping: null, headers: [], shapeKey: null, source: 'auto' };
    }
    const headers = headerTexts(sheet, found.headerIndex, found.headerRows);
    return { sheet, found, mapping: found, headers, shapeKey: shapeKeyOf(headers), source: 'auto' };
  });
  const keys = [...out.map((m) => m.shapeKey), ...[...guesses.values()].flat().map((g) => g.shapeKey)].filter((k): k is string => !!k);
  const saved = new Map((await savedMappings(db, keys, scope)).map((m) => [m.shapeKey, m]));
  for (const m of out) {
    const guess = m.found ? undefined : guesses.get(m.sheet)?.find((g) => saved.has(g.shapeKey));
    if (guess) {
      m.found = { headerIndex: guess.index, headerRows: 1, columns: {}, ignored: [] };
      m.headers = guess.headers;
      m.shapeKey = guess.shapeKey;
    }
    if (!m.found) {
      if (override[m.sheet.name]) throw new AppError('IMPORT_MAPPING_INVALID', `Trang tính "${m.sheet.name}" của tệp "${fileName}" không có hàng tiêu đề nhận ra được (cần cột "Họ và tên" trong 30 dòng đầu), nên chưa ghép cột được. Hãy sửa hàng tiêu đề trong tệp rồi tải lên lại. Chưa ghi gì.`);
      continue;
    }
    const where = `trang tính "${m.sheet.name}" (tệp "${fileName}")`;
    const remembered = saved.get(m.shapeKey!);
    if (remembered) {
      // a remembered mapping that no longer fits (edited by hand, fields renamed) is ignored, not an error
      try {
        m.mapping = applyMapping(m.found, m.headers.length, { kind: 'saved', mapping: remembered.mapping as SheetMapping }, where);
        m.source = 'saved';
        m.savedAt = remembered.updatedAt;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
      }
    }
    const correction = override[m.sheet.name];
    if (correction) {
      m.mapping = applyMapping(m.mapping ?? m.found, m.headers.length, { kind: 'override', mapping: correction }, where);
      m.source = 'override';
    }
  }
  return out;
}

/**
 * Checks an upload's mapping correction against every file before any is imported, so a bad
 * correction writes nothing: each sheet name must be a sheet of at least one file, and the
 * correction must fit every sheet of that name. Returns each file's part of the correction (same
 * order as `files`; unreadable files get none and fail later with their own error). Errors:
 * IMPORT_MAPPING_INVALID (400).
 */
export async function splitMappingOverride(db: Db, files: { name: string; data: Buffer }[], override: MappingOverride, limits: { maxBytes: number; maxRows?: number; scope: Scope }): Promise<MappingOverride[]> {
  const used = new Set<string>();
  const perFile: MappingOverride[] = [];
  for (const file of files) {
    let sheets: Sheet[];
    try {
      sheets = (await readSpreadsheet(file.data, file.name, limits.maxBytes, limits.maxRows)).sheets;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      perFile.push({});
      continue;
    }
    const mine = Object.fromEntries(Object.entries(override).filter(([name]) => sheets.some((sh) => sh.name === name)));
    await mapSheets(db, file.name, sheets, mine, limits.scope);
    for (const name of Object.keys(mine)) used.add(name);
    perFile.push(mine);
  }
  const unused = Object.keys(override).filter((name) => !used.has(name));
  if (unused.length) {
    throw new AppError('IMPORT_MAPPING_INVALID', `Cách ghép cột gửi kèm nói tới trang tính ${unused.map((n) => `"${n}"`).join(', ')} nhưng không tệp nào đã gửi có trang tính đó. Với tệp .csv, tên trang tính là tên tệp. Sửa tên trang tính cho đúng. Chưa ghi gì.`);
  }
  return perFile;
}

/**
 * Checks the units chosen for names that did not resolve: each code must be a current commune
 * within the caller's scope. Returns name key (as `nameKey` of the written name) → code. Errors:
 * IMPORT_MAPPING_INVALID (400) for a code that is no current commune, OUT_OF_SCOPE (403) for a
 * commune outside the scope.
 */
export async function checkUnitChoices(db: Db, choices: UnitChoices, scope: Scope): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const units = await unitsByCodes(db, Object.values(choices));
  for (const [name, code] of Object.entries(choices)) {
    const unit = units.get(code)!.find((u) => u.level === 'commune' && !u.validTo);
    if (!unit) throw new AppError('IMPORT_MAPPING_INVALID', `Mã "${code}" chọn cho "${name}" không phải xã/phường hiện hành. Hãy chọn lại trong danh sách gợi ý. Chưa ghi gì.`);
    requireScope(inScope(scope, unit), `${unit.name} (mã ${code}), đơn vị chọn cho "${name}"`, unitTarget(unit));
    out.set(choiceKey(name), code);
  }
  return out;
}

/**
 * Remembers a corrected column mapping for the header `headers` (cell texts as a dry run lists them)
 * without importing anything. Returns {shapeKey, headers, mapping} with every column. Errors:
 * IMPORT_MAPPING_INVALID (400) for a column beyond the header, one field on two columns, or no
 * "Họ và tên" column.
 */
export async function saveMapping(db: Db, headers: string[], columns: Record<string, Field | null>, actor: (AuditActor & { scope: Scope }) | null) {
  const cells = headers.map((h) => cleanText(h));
  const where = 'hàng tiêu đề đã gửi';
  const empty: ColumnMapping = { headerIndex: 0, headerRows: 1, columns: {}, ignored: [] };
  const applied = applyMapping(empty, cells.length, { kind: 'saved', mapping: sheetMapping(columns, where) }, where);
  const shapeKey = shapeKeyOf(cells);
  const mapping = fullMapping(applied.columns, cells.length);
  await db.transaction(async (tx) => {
    const scope = actor?.scope ?? ALL;
    await upsertMapping(tx, { shapeKey, ownerKey: mappingOwner(scope), headers: cells, mapping, userId: actor?.userId ?? null });
    await recordAudit(tx, { userId: actor?.userId ?? null, ip: actor?.ip ?? null, action: 'import.mapping_saved', entity: 'import_mapping', entityId: shapeKey, ...scopePlace(scope), after: { headers: cells, mapping } });
  });
  return { shapeKey, headers: cells, mapping };
}

/** Committed imports that add at least this many memberships refresh the planner statistics. */
const ANALYZE_AFTER_ROWS = 1000;

/** Rolled back on purpose to end a dry run. */
class DryRunRollback extends Error {}

/**
 * Imports one roster file. Returns the report; with `commit` the registry is changed in one
 * transaction. Errors: IMPORT_FILE_TOO_LARGE, IMPORT_FILE_UNREADABLE (not a spreadsheet, broken,
 * password-protected), IMPORT_NO_VALID_ROWS on commit when no row is valid (nothing written;
 * `details` is the report).
 */
export async function importRoster(db: Db, file: { name: string; data: Buffer }, opts: ImportOptions): Promise<FileReport> {
  const read = await readSpreadsheet(file.data, file.name, opts.maxBytes, opts.maxRows);
  const report: FileReport = {
    fileName: file.name,
    fileHash: createHash('sha256').update(file.data).digest('hex'),
    format: read.format,
    committed: false,
    importId: null,
    sheets: [],
    counts: { new: 0, updated: 0, unchanged: 0, invalid: 0 },
    created: { villages: [], teams: [] },
    rows: [],
    problems: [],
    unitQuestions: [],
    shape: [],
    skipped: { groupRows: 0, numberingRows: 0, totalsRows: 0, signatureRows: 0, notes: 0, hiddenRows: 0 },
  };
  // rows that name no province take the importer's own (a province or commune officer)
  const scopeProvince = opts.scope.kind === 'all' ? null : opts.scope.provinceCode;
  const totalRows = read.sheets.reduce((n, sh) => n + sh.rows.length, 0);
  const allEmpty = totalRows === 0;
  if (opts.maxRows && totalRows > opts.maxRows) {
    throw new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${file.name}" có ${totalRows.toLocaleString('vi-VN')} dòng, vượt giới hạn ${opts.maxRows.toLocaleString('vi-VN')} dòng mỗi tệp. Hãy tách tệp theo xã hoặc theo thôn.`);
  }
  const valid: RosterRow[] = [];
  const refusedEarly: RefusedRow[] = [];
  const parsers = new RowParsers(opts.now);
  for (const name of read.hiddenSheets) {
    report.problems.push({ sheet: name, row: 0, column: '', severity: 'warning', message: `Trang tính "${name}" đang ẩn nên không được nhập`, suggestion: 'Nếu cần nhập, hãy bỏ ẩn trang tính (Unhide) rồi tải lên lại' });
  }
  const choices = opts.unitChoices ? await checkUnitChoices(db, opts.unitChoices, opts.scope) : new Map<string, string>();
  const mapped = await mapSheets(db, file.name, read.sheets, opts.mapping ?? {}, opts.scope);
  for (const { sheet, mapping, found, headers, shapeKey, source, savedAt } of mapped) {
    if (!mapping || !found) {
      if (sheet.rows.length > 0) {
        report.problems.push({ sheet: sheet.name, row: 0, column: '', severity: 'error', message: 'Không tìm thấy hàng tiêu đề có cột "Họ và tên" trong 30 dòng đầu', suggestion: `Thêm hàng tiêu đề với các cột: ${Object.entries(FIELDS).filter(([f]) => !f.startsWith('birthYear') || f === 'birthYear').map(([, label]) => label).join(', ')}` });
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
    readRows(sheet, mapping, headers, file.name, opts, parsers, report, valid, scopeProvince, refusedEarly);
    // the sheet's text is no longer needed once its rows are validated: let a 100,000-row file's cells go before the writes
    sheet.rows.length = 0;
  }

  const placed = await inferProvince(db, valid, report);
  if (!allEmpty && valid.length === 0 && report.rows.length === 0 && !report.problems.some((p) => p.severity === 'error')) {
    report.problems.push({ sheet: read.sheets[0].name, row: 0, column: '', severity: 'error', message: 'Tệp có hàng tiêu đề nhưng không có dòng dữ liệu nào', suggestion: 'Điền danh sách thành viên dưới hàng tiêu đề rồi tải lên lại' });
  }
  if (allEmpty) {
    report.problems.push({ sheet: read.sheets[0]?.name ?? file.name, row: 0, column: '', severity: 'error', message: 'Tệp trống: không có dòng nào', suggestion: 'Hãy chọn đúng tệp danh sách' });
  }
  if (opts.province && !(await lookupProvince(db, opts.province))) {
    report.problems.push({ sheet: '', row: 0, column: FIELDS.province, severity: 'error', message: `Không có tỉnh/thành phố "${opts.province}" trong 34 tỉnh, thành phố hiện hành`, suggestion: 'Chọn tỉnh trong danh sách' });
  }
  let conflicts: ScopeConflict[] = [];
  let failure: unknown;
  try {
    await db.transaction(async (tx) => {
      conflicts = await planAndWrite(tx, placed, report, opts.scope, choices, opts.commit, refusedEarly);
      report.counts = countOutcomes(report.rows);
      const writable = report.counts.new + report.counts.updated + report.counts.unchanged;
      if (!opts.commit) throw new DryRunRollback();
      if (writable === 0) throw new AppError('IMPORT_NO_VALID_ROWS', `Tệp "${file.name}" không có dòng hợp lệ nào; không ghi gì. Sửa các lỗi được liệt kê rồi nhập lại.`, report);
      const landed = report.rows.filter((r) => r.communeId !== undefined);
      const [log] = await tx
        .insert(importLog)
        .values({
          fileName: file.name,
          fileHash: report.fileHash,
          format: report.format,
          rows: report.rows.length,
          counts: report.counts,
          userId: opts.actor?.userId ?? null,
          provinceCodes: [...new Set(landed.map((r) => r.provinceCode!))],
          communeIds: [...new Set(landed.map((r) => r.communeId!))],
        })
        .returning({ id: importLog.id });
      report.importId = log.id;
      report.committed = true;
      // the officer's corrections are remembered for the header shape, in the same transaction as the rows they mapped
      const corrected = new Map(mapped.filter((m) => m.source === 'override' && m.mapping).map((m) => [m.shapeKey!, m]));
      for (const [shapeKey, m] of corrected) {
        const mapping = fullMapping(m.mapping!.columns, m.headers.length);
        await upsertMapping(tx, { shapeKey, ownerKey: mappingOwner(opts.scope), headers: m.headers, mapping, userId: opts.actor?.userId ?? null });
        await recordAudit(tx, { userId: opts.actor?.userId ?? null, ip: opts.actor?.ip ?? null, action: 'import.mapping_saved', entity: 'import_mapping', entityId: shapeKey, ...scopePlace(opts.scope), after: { file: file.name, sheet: m.sheet.name, headers: m.headers, mapping } });
      }
      if (report.counts.new + report.counts.updated > 0) await registry.bumpRevision(tx);
      // one audit entry per commune touched: counts, and before → after of every updated member
      const byCommune = new Map<number, { provinceCode: string; rows: RowOutcome[] }>();
      for (const r of report.rows) {
        if (r.outcome === 'invalid' || r.outcome === 'unchanged' || r.communeId === undefined) continue;
        const entry = byCommune.get(r.communeId) ?? { provinceCode: r.provinceCode!, rows: [] };
        entry.rows.push(r);
        byCommune.set(r.communeId, entry);
      }
      for (const [communeId, { provinceCode, rows }] of byCommune) {
        await recordAudit(tx, {
          userId: opts.actor?.userId ?? null,
          ip: opts.actor?.ip ?? null,
          action: 'import.committed',
          entity: 'import',
          entityId: log.id,
          provinceCode,
          communeId,
          after: { file: file.name, sha256: report.fileHash, new: rows.filter((r) => r.outcome === 'new').length, updated: rows.filter((r) => r.outcome === 'updated').map((r) => ({ row: r.row, fullName: r.fullName, changes: auditedChanges.get(r) })) },
        });
      }
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) failure = err;
  }
  // conflicts with people of other units are logged on a dry run and a refused commit too (a file
  // of phone numbers is how one would probe), in both communes' logs, outside the rolled-back transaction
  if (conflicts.length) await auditConflicts(db, file.name, conflicts, opts);
  if (failure !== undefined) throw failure;
  // a large load changes the row counts the planner relies on; PGlite never re-analyses by itself
  if (report.committed && report.counts.new >= ANALYZE_AFTER_ROWS) await registry.analyzeRegistry(db);
  report.rows = report.rows
    .sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row)
    .map(({ communeId: _c, provinceCode: _p, ...row }) => row);
  report.problems.sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row);
  return report;
}

/** One audit entry per (importer's commune, other commune): the rows, phones masked. */
async function auditConflicts(db: Db, fileName: string, conflicts: ScopeConflict[], opts: ImportOptions): Promise<void> {
  const groups = new Map<string, { c: ScopeConflict; target: { communeId: number | null; provinceCode: string | null }; rows: { sheet: string; row: number; phone: string | null }[] }>();
  for (const c of conflicts) {
    const targets = c.elsewhere.communeIds.length ? c.elsewhere.communeIds.map((id, i) => ({ communeId: id, provinceCode: c.elsewhere.provinceCodes[i] ?? c.elsewhere.provinceCodes[0] ?? null })) : [{ communeId: null, provinceCode: null }];
    for (const target of targets) {
      const key = `${c.communeId}|${target.communeId}`;
      const g = groups.get(key) ?? { c, target, rows: [] };
      g.rows.push({ sheet: c.sheet, row: c.row, phone: c.phone ? maskPhone(c.phone) : null });
      groups.set(key, g);
    }
  }
  await db.transaction(async (tx) => {
    for (const { c, target, rows } of groups.values()) {
      await recordAudit(tx, {
        userId: opts.actor?.userId ?? null,
        ip: opts.actor?.ip ?? null,
        action: 'import.scope_conflict',
        entity: 'import',
        entityId: fileName,
        provinceCode: c.provinceCode,
        communeId: c.communeId,
        targetProvinceCode: target.provinceCode,
        targetCommuneId: target.communeId,
        after: { file: fileName, committed: opts.commit, rows },
      });
    }
  });
}

/** Where an entry made within `scope` sits in the audit log. */
function scopePlace(scope: Scope): { provinceCode: string | null; communeId: number | null } {
  return { provinceCode: scope.kind === 'all' ? null : scope.provinceCode, communeId: 'communeId' in scope ? scope.communeId : null };
}

function countOutcomes(rows: RowOutcome[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { new: 0, updated: 0, unchanged: 0, invalid: 0 };
  for (const r of rows) counts[r.outcome]++;
  return counts;
}

