import { ALL, type Scope } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { cleanText } from '../text/vietnamese.js';
import { type ColumnMapping, findHeader, type Field } from './imports.columns.js';
import { applyMapping, fullMapping, type MappingOverride, type MappingSource, shapeKeyOf, sheetMapping, type SheetMapping } from './imports.mapping.js';
import { readSpreadsheet, type Sheet } from './imports.reader.js';
import { mappingOwner, savedMappings, upsertMapping } from './imports.repo.js';

/**
 * The map stage of an import, per sheet: the header row and the mapping of its columns to fields
 * (found by names, remembered for the header's shape, or corrected by the officer), the check of a
 * correction against every file of an upload, and the saving of a correction on its own.
 */
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

/** Where an entry made within `scope` sits in the audit log. */
export function scopePlace(scope: Scope): { provinceCode: string | null; communeId: number | null } {
  return { provinceCode: scope.kind === 'all' ? null : scope.provinceCode, communeId: 'communeId' in scope ? scope.communeId : null };
}

