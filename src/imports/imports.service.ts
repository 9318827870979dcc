import { createHash } from 'node:crypto';
import type { Scope } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { openSnapshot } from '../db/snapshot.js';
import { AppError } from '../http/errors.js';
import { maskPhone } from '../privacy/protector.js';
import * as registry from '../registry/registry.repo.js';
import { planning, readAndPlan } from './imports.feed.js';
import { fullMapping, type MappingOverride, type UnitChoices } from './imports.mapping.js';
import { auditedChanges, Planner, type ScopeConflict } from './imports.plan.js';
import { readSpreadsheet } from './imports.reader.js';
import { mappingOwner, upsertMapping } from './imports.repo.js';
import { importLog } from './imports.schema.js';
import { mapSheets, scopePlace } from './imports.sheets.js';
import { checkUnitChoices } from './imports.units.js';
import { RowParsers } from './imports.validate.js';
import { Writer } from './imports.write.js';
import { compareVietnamese } from '../text/vietnamese.js';

export { type MappedSheet, mapSheets, saveMapping, splitMappingOverride } from './imports.sheets.js';
export { checkUnitChoices } from './imports.units.js';

/**
 * Roster import: read (imports.reader) → map columns (imports.sheets, imports.columns) → read and
 * validate rows (imports.feed, imports.rows, imports.validate) → plan against the registry
 * (imports.plan) → write (imports.write), all in one transaction per file. A dry run plans inside a
 * transaction that is rolled back, so it reports exactly what a commit would do and writes nothing.
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
  const totalRows = read.sheets.reduce((n, sh) => n + sh.rows.length, 0);
  if (opts.maxRows && totalRows > opts.maxRows) {
    throw new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${file.name}" có ${totalRows.toLocaleString('vi-VN')} dòng, vượt giới hạn ${opts.maxRows.toLocaleString('vi-VN')} dòng mỗi tệp. Hãy tách tệp theo xã hoặc theo thôn.`);
  }
  const parsers = new RowParsers(opts.now);
  for (const name of read.hiddenSheets) {
    report.problems.push({ sheet: name, row: 0, column: '', severity: 'warning', message: `Trang tính "${name}" đang ẩn nên không được nhập`, suggestion: 'Nếu cần nhập, hãy bỏ ẩn trang tính (Unhide) rồi tải lên lại' });
  }
  const choices = opts.unitChoices ? await checkUnitChoices(db, opts.unitChoices, opts.scope) : new Map<string, string>();
  const mapped = await mapSheets(db, file.name, read.sheets, opts.mapping ?? {}, opts.scope);
  // a large commit on PostgreSQL plans from a snapshot of the registry on a connection of its own, so
  // each chunk's writes go out while the next chunk is read and planned (two processes, two cores)
  const snapshot = opts.commit && totalRows > planning.chunkRows ? await openSnapshot(db) : null;
  let conflicts: ScopeConflict[] = [];
  let failure: unknown;
  try {
    await db.transaction(async (tx) => {
      const writer = opts.commit ? new Writer(tx, opts.scope, snapshot ? 'now' : 'later') : null;
      const planner = new Planner(snapshot?.db ?? tx, report, opts.scope, choices, writer);
      try {
        const refusedEarly = await readAndPlan(snapshot?.db ?? tx, { file, opts, read, mapped, parsers, report, planner, pace: snapshot !== null });
        conflicts = await planner.finish(refusedEarly);
      } finally {
        // nothing of the import may reach the database after its transaction ends
        await writer?.stop();
      }
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
  } finally {
    await snapshot?.close();
  }
  // conflicts with people of other units are logged on a dry run and a refused commit too (a file
  // of phone numbers is how one would probe), in both communes' logs, outside the rolled-back transaction
  if (conflicts.length) await auditConflicts(db, file.name, conflicts, opts);
  if (failure !== undefined) throw failure;
  // a large load changes the row counts the planner relies on; PGlite never re-analyses by itself
  if (report.committed && report.counts.new >= ANALYZE_AFTER_ROWS) await registry.analyzeRegistry(db);
  report.rows = report.rows
    .sort((a, b) => (a.sheet === b.sheet ? 0 : compareVietnamese(a.sheet, b.sheet)) || a.row - b.row)
    .map(({ communeId: _c, provinceCode: _p, ...row }) => row);
  report.problems.sort((a, b) => (a.sheet === b.sheet ? 0 : compareVietnamese(a.sheet, b.sheet)) || a.row - b.row);
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

function countOutcomes(rows: RowOutcome[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { new: 0, updated: 0, unchanged: 0, invalid: 0 };
  for (const r of rows) counts[r.outcome]++;
  return counts;
}

