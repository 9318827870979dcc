import { z } from 'zod';
import { OFFICERS, READERS } from '../access/access.policy.js';
import { AppError } from '../http/errors.js';
import type { RouteModule } from '../http/types.js';
import { isoDay } from '../http/zod.js';
import { courseCoverage } from './courses.coverage.js';
import { importCompletions } from './courses.import.js';

/** The national courses' completion lists (issue 14, item 5). Every route takes the caller's scope from `req.actor`. */
export const courseRoutes: RouteModule = (api, { database, config }) => {
  const { db } = database;

  /**
   * POST /api/course-completions/import?commit=false|true[&province=CODE] with multipart/form-data,
   * one file in the field "file" (CSV, .xlsx; a course administrator's export as it is) →
   * CompletionReport (courses.import.ts): rows read, skipped with why, completions by course,
   * matched by phone and by name + birth year + commune, unmatched rows with why, problems
   * (sheet, row, column, severity, message, suggestion) and the shape communes → counts. A dry
   * run (the default) writes nothing; a commit writes every storable row in one transaction.
   * `province` is needed only by an admin. Officers only, rows and matches within their scope.
   * Errors: IMPORT_FILE_MISSING (400), IMPORT_FILE_TOO_LARGE (413: bytes, or over 50,000 rows),
   * IMPORT_FILE_UNREADABLE (422), IMPORT_NO_VALID_ROWS (422: no header, or a commit with nothing
   * to store), IMPORT_HAS_ERRORS (422: a certificate committed meanwhile), VALIDATION_FAILED (400),
   * OUT_OF_SCOPE (403: another province). Nothing is written on any error.
   */
  api.post(
    '/api/course-completions/import',
    {
      config: { access: { roles: OFFICERS } },
      schema: {
        summary: 'Import a national course completion list (CSV or .xlsx): dry run, or commit',
        querystring: z.object({ commit: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'), province: z.string().regex(/^\d{2}$/).optional() }),
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw new AppError('IMPORT_FILE_MISSING', 'Hãy gửi danh sách hoàn thành khóa học dạng multipart/form-data (trường "file").');
      let file: { name: string; data: Buffer } | undefined;
      try {
        for await (const part of req.parts()) {
          if (part.type === 'file' && part.fieldname === 'file' && !file) file = { name: part.filename || 'tệp', data: await part.toBuffer() };
          else if (part.type === 'file') await part.toBuffer();
        }
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('IMPORT_FILE_TOO_LARGE', `Tệp vượt giới hạn ${Math.round(config.maxUploadBytes / 1048576)} MB; chưa ghi gì. Hãy tách danh sách theo xã hoặc theo khóa học.`);
        throw new AppError('VALIDATION_FAILED', `Dữ liệu tải lên bị hỏng hoặc không trọn vẹn (${(err as Error).message}); chưa ghi gì. Hãy tải lên lại.`);
      }
      if (!file) throw new AppError('IMPORT_FILE_MISSING', 'Chưa có tệp nào được gửi lên (trường "file"). Hãy chọn tệp Excel (.xlsx) hoặc CSV của danh sách hoàn thành khóa học.');
      return importCompletions(db, file, { scope: req.actor!.scope, commit: req.query.commit, actor: { userId: req.actor!.userId, ip: req.ip }, provinceCode: req.query.province ?? null, maxBytes: config.maxUploadBytes });
    },
  );

  /**
   * GET /api/course-completions?unit=CODE[&from=YYYY-MM-DD][&to=YYYY-MM-DD] (a province or a
   * commune, current code; Vietnam days, inclusive) → CourseCoverage (courses.coverage.ts): per
   * current commune of the unit its completions (by course), members who completed, residents'
   * completions, people counted once, population and the ratio; totals (a province's with the
   * completions whose commune was not resolved). Readers within their scope. Errors:
   * UNIT_NOT_FOUND (404), UNIT_LEVEL_UNSUPPORTED (400), VALIDATION_FAILED (400), OUT_OF_SCOPE (403).
   */
  api.get(
    '/api/course-completions',
    {
      config: { access: { roles: READERS } },
      schema: { summary: 'National course completions per commune, against population', querystring: z.object({ unit: z.string().regex(/^\d{2}$|^\d{5}$/), from: isoDay.optional(), to: isoDay.optional() }) },
    },
    async (req) => courseCoverage(db, req.query.unit, req.actor!.scope, { from: req.query.from, to: req.query.to }),
  );
};
