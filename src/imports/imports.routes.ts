import { z } from 'zod';
import { AppError } from '../http/errors.js';
import { OFFICERS } from '../access/access.policy.js';
import type { RouteModule } from '../http/types.js';
import { expandArchives } from './imports.archive.js';
import { FIELDS, type Field } from './imports.columns.js';
import { type MappingOverride, parseMappingOverride, parseUnitChoices, sheetMappingSchema, type UnitChoices } from './imports.mapping.js';
import { importLogEntries } from './imports.repo.js';
import type { FileFailure, ImportAnswer, ImportLimits } from './imports.report.js';
import { checkUnitChoices, importRoster, saveMapping, splitMappingOverride, type FileReport } from './imports.service.js';
import { MAX_COLUMNS } from './imports.reader.js';

/** Most files in one upload. */
export const MAX_FILES = 100;

/** Routes of the roster import. */
export const importRoutes: RouteModule = (api, { database, config }) => {
  /**
   * POST /api/imports?commit=false|true[&province=][&commune=] with multipart/form-data, one or
   * more files in any field (.csv, .xlsx, or a .zip of them, opened with zip-bomb limits). Dry run by default. Answers {files:[FileReport], summary}; each file
   * is its own transaction. A dry run of a file without valid rows is a normal report (all counts
   * 0 but `invalid`); committing it is an IMPORT_NO_VALID_ROWS error. With several files, a file's
   * error is reported in its entry ({fileName, error}); with one file the error is the answer
   * (413 too large, 422 unreadable or no valid rows, with the report in `details`).
   *
   * Optional text fields (JSON): `mapping` corrects the column mapping, {"<sheet name>": {"<column
   * index, 0 = first>": "<field>" | null}} (a CSV's sheet is named after the file); committed
   * corrections are remembered for files with the same header. `unitChoices` answers "which unit
   * did you mean" for names listed in a report's `unitQuestions`: {"<name as written>": "<commune
   * code>"}. A bad field is a 400 IMPORT_MAPPING_INVALID, a chosen unit outside the caller's scope
   * a 403 OUT_OF_SCOPE, both before any file is imported. The answer also lists `fields`: every
   * field name with its Vietnamese label.
   */
  api.post(
    '/api/imports',
    {
      config: { access: { roles: OFFICERS } },
      schema: {
        summary: 'Import roster files (CSV or .xlsx): dry run, or commit; rows outside the officer’s scope are refused',
        querystring: z.object({
          commit: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
          province: z.string().max(100).optional(),
          commune: z.string().max(100).optional(),
        }),
      },
    },
    async (req): Promise<ImportAnswer> => {
      if (!req.isMultipart()) throw new AppError('IMPORT_FILE_MISSING', 'Hãy gửi tệp dạng multipart/form-data (trường "file").');
      // every file is received (within the limits) before any is imported, so a refused upload writes nothing
      const files: { name: string; data: Buffer }[] = [];
      let mapping: MappingOverride | undefined;
      let unitChoices: UnitChoices | undefined;
      try {
        for await (const part of req.parts()) {
          if (part.type === 'field') {
            if (part.fieldname !== 'mapping' && part.fieldname !== 'unitChoices') continue;
            if (part.valueTruncated || typeof part.value !== 'string') throw new AppError('IMPORT_MAPPING_INVALID', `Trường "${part.fieldname}" quá dài hoặc không phải văn bản. Chưa ghi gì.`);
            if ((part.fieldname === 'mapping' ? mapping : unitChoices) !== undefined) throw new AppError('IMPORT_MAPPING_INVALID', `Trường "${part.fieldname}" được gửi hai lần; chỉ gửi một lần. Chưa ghi gì.`);
            if (part.fieldname === 'mapping') mapping = parseMappingOverride(part.value);
            else unitChoices = parseUnitChoices(part.value);
            continue;
          }
          try {
            files.push({ name: part.filename || 'tệp', data: await part.toBuffer() });
          } catch (err) {
            if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err;
            throw new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${part.filename}" vượt giới hạn ${Math.round(config.maxUploadBytes / 1048576)} MB. Hãy tách tệp theo xã hoặc theo thôn. Chưa ghi tệp nào.`);
          }
        }
      } catch (err) {
        if (err instanceof AppError) throw err;
        const code = (err as { code?: string }).code;
        if (code === 'FST_FILES_LIMIT') throw new AppError('IMPORT_TOO_MANY_FILES', `Mỗi lần gửi tối đa ${MAX_FILES} tệp; chưa ghi tệp nào. Hãy gửi làm nhiều lần hoặc gộp thành ít tệp hơn.`);
        throw new AppError('VALIDATION_FAILED', `Dữ liệu tải lên bị hỏng hoặc không trọn vẹn (${(err as Error).message}); chưa ghi tệp nào. Hãy tải lên lại.`);
      }
      const results: (FileReport | FileFailure)[] = [];
      const expanded = await expandArchives(files, config.maxUploadBytes);
      // corrections and choices are checked against the whole upload before any file is imported
      if (unitChoices) await checkUnitChoices(database.db, unitChoices, req.actor!.scope);
      const mappings = mapping ? await splitMappingOverride(database.db, expanded, mapping, { maxBytes: config.maxUploadBytes, maxRows: config.maxImportRows, scope: req.actor!.scope }) : [];
      for (const [i, file] of expanded.entries()) {
        try {
          results.push(await importRoster(database.db, file, { ...req.query, maxBytes: config.maxUploadBytes, maxRows: config.maxImportRows, scope: req.actor!.scope, actor: req.actor!, mapping: mappings[i], unitChoices }));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          results.push({ fileName: file.name, error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
        }
      }
      if (results.length === 0) throw new AppError('IMPORT_FILE_MISSING', 'Không có tệp nào được gửi lên.');
      const failed = results.filter((r) => 'error' in r);
      if (failed.length === results.length && results.length === 1) {
        const e = (failed[0] as FileFailure).error;
        throw new AppError(e.code as never, e.message, e.details);
      }
      const summary = { files: results.length, failed: failed.length, new: 0, updated: 0, unchanged: 0, invalid: 0 };
      for (const r of results) if (!('error' in r)) for (const k of ['new', 'updated', 'unchanged', 'invalid'] as const) summary[k] += r.counts[k];
      return { files: results, summary, fields: (Object.entries(FIELDS) as [Field, string][]).map(([field, label]) => ({ field, label })) };
    },
  );

  /**
   * POST /api/imports/mappings {headers: [header cell text, …], mapping: {"<column index>": field | null}}
   * → {shapeKey, headers, mapping}: remembers a corrected column mapping without importing, for
   * every later file whose header reads the same (`headers` as a dry run's `sheets[].columns`).
   * Remembered mappings are shared by all officers (they hold header texts only, no personal data).
   * Errors: 400 VALIDATION_FAILED (unknown field, not a column index), 400 IMPORT_MAPPING_INVALID
   * (a column beyond `headers`, one field on two columns, no "Họ và tên").
   */
  api.post(
    '/api/imports/mappings',
    {
      config: { access: { roles: OFFICERS } },
      schema: {
        summary: 'Remember a corrected column mapping for files with the same header',
        body: z.object({ headers: z.array(z.string().max(500)).min(1).max(MAX_COLUMNS), mapping: sheetMappingSchema }),
      },
    },
    async (req) => saveMapping(database.db, req.body.headers, req.body.mapping, req.actor!),
  );

  /** GET /api/imports/limits → {maxUploadBytes, maxRows, maxFiles}: the largest file accepted, so a client can refuse a file before uploading it. */
  api.get('/api/imports/limits', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Upload limits of the roster import' } }, async (): Promise<ImportLimits> => ({ maxUploadBytes: config.maxUploadBytes, maxRows: config.maxImportRows, maxFiles: MAX_FILES }));

  /** GET /api/imports → the committed imports that touched the caller's scope, newest first: file name, sha-256, format, rows, counts, time (ISO, UTC). */
  api.get('/api/imports', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Log of committed roster imports', querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) } }, async (req) => ({
    imports: await importLogEntries(database.db, req.actor!.scope, req.query.limit),
  }));
};
