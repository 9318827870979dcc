import { z } from 'zod';
import { EVERYONE, OFFICERS, requireScope, type Role } from '../access/access.policy.js';
import { AppError } from '../http/errors.js';
import type { RouteModule } from '../http/types.js';
import { saveService } from './sessions.catalogue.js';
import { fieldContext } from './sessions.field.js';
import { SUPPORT_TABLES, supportFileName, supportReportToXlsx, supportTableToCsv } from './sessions.export.js';
import { savePopulation } from './sessions.population.js';
import { importPopulation } from './sessions.population.import.js';
import { servicesFor } from './sessions.repo.js';
import { supportReport } from './sessions.report.js';
import { now as clockNow } from '../text/clock.js';
import { type ClockAnswer, clockOf } from './sessions.clock.js';
import { decideReview, listReviews } from './sessions.review.js';
import { type SyncResult, syncSessions } from './sessions.sync.js';
import { MAX_SYNC_BATCH } from './sessions.vocabulary.js';

/** POST /api/support-sessions/sync: one result per record sent, in order, and the counts. */
export interface SyncAnswer {
  results: SyncResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
  /** the phone's clock against the server's (sessions.clock.ts) */
  clock: ClockAnswer;
}

/** Roles that record support sessions (read-only inspectors do not). */
export const RECORDERS = ['admin', 'province_officer', 'commune_officer', 'team_leader', 'member'] as const satisfies readonly Role[];

/** The support report's period in a query string (resolved by sessions.report.ts resolvePeriod). */
export const periodQuery = {
  from: z.string().max(10).optional(),
  to: z.string().max(10).optional(),
  period: z.enum(['day', 'week', 'month', 'quarter', 'year']).optional(),
  date: z.string().max(10).optional(),
};

/** Routes of support sessions: sync from the field app, the service catalogue, population, the support report. */
export const sessionRoutes: RouteModule = (api, { database, protector, config }) => {
  const { db } = database;

  /**
   * POST /api/support-sessions/sync {records: [...], deviceNow?: ISO 8601 with offset, the phone's
   * clock when sending} (at most 500; record shape in sessions.sync.ts) → 200 {results: [{id,
   * status: accepted|duplicate|rejected, day?, review?, clockFlag?, field?, reason?}], accepted,
   * duplicates, rejected, clock: {serverNow, offsetMs (phone minus server, null without
   * deviceNow), wrong (|offsetMs| > 5 min)}}, one result per record in order. The valid records are stored in
   * one transaction before the answer. 413 SYNC_BATCH_TOO_LARGE over 500 records; 400 for a body
   * that is not {records: array}.
   */
  api.post(
    '/api/support-sessions/sync',
    {
      bodyLimit: 4 * 1024 * 1024,
      config: { access: { roles: RECORDERS } },
      schema: { summary: 'Store a batch of support sessions recorded offline; answers per record', body: z.object({ records: z.array(z.unknown()), deviceNow: z.iso.datetime({ offset: true }).optional() }) },
    },
    async (req): Promise<SyncAnswer> => {
      const { records } = req.body;
      if (records.length > MAX_SYNC_BATCH) throw new AppError('SYNC_BATCH_TOO_LARGE', `Một lần đồng bộ tối đa ${MAX_SYNC_BATCH} buổi; lần này có ${records.length}. Hãy chia nhỏ.`);
      const now = clockNow();
      const results = await syncSessions(db, protector, records, { userId: req.actor!.userId, ip: req.ip, scope: req.actor!.scope }, now, { deviceNow: req.body.deviceNow });
      const count = (s: string) => results.filter((r) => r.status === s).length;
      return { results, accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), clock: clockOf(req.body.deviceNow, now) };
    },
  );

  /**
   * GET /api/support-sessions/reviews[?status=pending|accepted|corrected|deleted][&offset=N][&limit=1..500]
   * → {reviews: [ReviewItem], total, offset, limit} (sessions.review.ts): the sessions kept for review
   * in the officer's scope, newest received first, a page at a time (default 200) with the total.
   */
  api.get(
    '/api/support-sessions/reviews',
    {
      config: { access: { roles: OFFICERS } },
      schema: { summary: 'Sessions kept for the commune officer’s review (clock in the future, too old, before the team existed)', querystring: z.object({
          status: z.enum(['pending', 'accepted', 'corrected', 'deleted']).default('pending'),
          offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
          limit: z.coerce.number().int().min(1).max(500).default(200),
        }),
      },
    },
    async (req) => listReviews(db, req.actor!.scope, req.query.status, { offset: req.query.offset, limit: req.query.limit }),
  );

  /**
   * POST /api/support-sessions/reviews/:id {action: accept} | {action: correct, occurredAt: ISO 8601
   * with offset} | {action: delete} → {id, status, day}: counts the kept session (at its corrected
   * time or the officer's), or deletes it; audited. 404 outside the scope, 409 already decided.
   */
  api.post(
    '/api/support-sessions/reviews/:id',
    {
      config: { access: { roles: OFFICERS } },
      schema: {
        summary: 'Accept, correct the date of, or delete a session kept for review',
        params: z.object({ id: z.uuid() }),
        body: z.discriminatedUnion('action', [
          z.object({ action: z.literal('accept') }),
          z.object({ action: z.literal('correct'), occurredAt: z.iso.datetime({ offset: true }) }),
          z.object({ action: z.literal('delete') }),
        ]),
      },
    },
    async (req) => decideReview(db, req.params.id.toLowerCase(), req.body, { userId: req.actor!.userId, ip: req.ip, scope: req.actor!.scope }),
  );

  /** GET /api/field/context[?commune=CODE] → teams, rosters, villages, services and lists the field app caches for offline use. */
  api.get(
    '/api/field/context',
    { config: { access: { roles: RECORDERS } }, schema: { summary: 'What the field app needs offline, for the signed-in user', querystring: z.object({ commune: z.string().regex(/^\d{5}$/).optional() }) } },
    async (req) => fieldContext(db, req.actor!.user, req.actor!.scope, req.query.commune),
  );

  /**
   * GET /api/support-services?province=NN → the national services and the province's own, with
   * icons. `province` defaults to the caller's; another province's list is for admins only (403).
   */
  api.get(
    '/api/support-services',
    { config: { access: { roles: EVERYONE } }, schema: { summary: 'Service catalogue (national and a province’s own)', querystring: z.object({ province: z.string().regex(/^\d{2}$/).optional() }) } },
    async (req) => {
      const scope = req.actor!.scope;
      if (req.query.province && scope.kind !== 'all') {
        requireScope(req.query.province === scope.provinceCode, `danh mục dịch vụ của tỉnh mã ${req.query.province}`, { entity: 'unit', id: req.query.province, provinceCode: req.query.province });
      }
      const province = req.query.province ?? (scope.kind === 'all' ? null : scope.provinceCode);
      return { services: await servicesFor(db, province) };
    },
  );

  /**
   * POST /api/support-services {code, name, icon, province: NN | null, sortOrder?, active?} → the
   * saved service. Adds or changes a catalogue entry (national: admin; a province's: its officer).
   */
  api.post(
    '/api/support-services',
    {
      config: { access: { roles: ['admin', 'province_officer'] } },
      schema: {
        summary: 'Add or change a service of the catalogue (a province’s own, or national by an admin)',
        body: z.object({
          code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'mã gồm chữ thường không dấu, số và "_", 2–40 ký tự'),
          name: z.string().trim().min(2).max(80),
          icon: z.string().min(1).max(8),
          province: z.string().regex(/^\d{2}$/).nullable(),
          sortOrder: z.number().int().min(0).max(1000).optional(),
          active: z.boolean().optional(),
        }),
      },
    },
    async (req) => {
      const { province, ...rest } = req.body;
      return saveService(db, { ...rest, provinceCode: province }, req.actor!);
    },
  );

  /** POST /api/population {rows: [{unit: commune code, year, population, households?}]} → {saved}; all rows or none. */
  api.post(
    '/api/population',
    {
      config: { access: { roles: OFFICERS } },
      schema: {
        summary: 'Population per commune and year, for coverage',
        body: z.object({
          rows: z
            .array(z.object({ unit: z.string().regex(/^\d{5}$/, 'mã xã gồm 5 chữ số'), year: z.number().int().min(2000).max(2100), population: z.number().int().min(0).max(5_000_000), households: z.number().int().min(0).max(2_000_000).nullish() }))
            .min(1)
            .max(5000),
        }),
      },
    },
    async (req) => savePopulation(db, req.body.rows, req.actor!),
  );

  /**
   * POST /api/population/import[?year=YYYY] with multipart/form-data, one file (CSV, .xlsx, or
   * pasted rows sent as a tab-separated file) whose header names "Mã xã", "Dân số" and optionally
   * "Tên xã", "Năm" (else `year`), "Số hộ" → {saved, fileName, rows: [{line, unit, name, year,
   * population, households}]}; all rows or none. Errors: IMPORT_FILE_MISSING (400),
   * IMPORT_FILE_TOO_LARGE (413), IMPORT_FILE_UNREADABLE (422), IMPORT_HAS_ERRORS (422, every bad
   * row in `details.problems`), OUT_OF_SCOPE (403). Nothing is written on any error.
   */
  api.post(
    '/api/population/import',
    {
      config: { access: { roles: OFFICERS } },
      schema: { summary: 'Population per commune and year from a CSV or .xlsx file (all rows or none)', querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }) },
    },
    async (req) => {
      if (!req.isMultipart()) throw new AppError('IMPORT_FILE_MISSING', 'Hãy gửi tệp dân số dạng multipart/form-data (trường "file").');
      let file: { name: string; data: Buffer } | undefined;
      try {
        const part = await req.file();
        if (part) file = { name: part.filename || 'tệp', data: await part.toBuffer() };
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('IMPORT_FILE_TOO_LARGE', `Tệp vượt giới hạn ${Math.round(config.maxUploadBytes / 1048576)} MB; chưa ghi gì. Hãy tách tệp theo tỉnh.`);
        throw new AppError('VALIDATION_FAILED', `Dữ liệu tải lên bị hỏng hoặc không trọn vẹn (${(err as Error).message}); chưa ghi gì. Hãy tải lên lại.`);
      }
      if (!file) throw new AppError('IMPORT_FILE_MISSING', 'Chưa có tệp dân số nào được gửi lên. Hãy chọn tệp CSV hoặc Excel (.xlsx).');
      return importPopulation(db, file, { maxBytes: config.maxUploadBytes, defaultYear: req.query.year, actor: req.actor! });
    },
  );

  /**
   * GET /api/reports/support?unit=CODE | team=ID | member=ID, and from=&to= (YYYY-MM-DD, Vietnamese
   * days, inclusive) or period=day|week|month|quarter|year[&date=YYYY-MM-DD] (default: this month)
   * → the support report (shape in sessions.report.ts). 403 outside the caller's scope.
   * `format=csv&table=services|children|trend` downloads one dashboard table as CSV (UTF-8 with
   * BOM); `format=xlsx` the whole dashboard as .xlsx (summary sheet, then one sheet per table);
   * see sessions.export.ts.
   */
  api.get(
    '/api/reports/support',
    {
      config: { access: { roles: EVERYONE } },
      schema: {
        summary: 'What teams did for a unit, team or member over a period: sessions, residents (counted once where recognised), services and outcomes, children, trend, coverage',
        querystring: z
          .object({ unit: z.string().min(2).max(20).optional(), team: z.coerce.number().int().positive().max(2147483647).optional(), member: z.coerce.number().int().positive().max(2147483647).optional(), ...periodQuery, format: z.enum(['json', 'csv', 'xlsx']).default('json'), table: z.enum(SUPPORT_TABLES as [string, ...string[]]).default('services') })
          .refine((v) => [v.unit, v.team, v.member].filter((x) => x !== undefined).length === 1, 'cần đúng một trong unit, team, member'),
      },
    },
    async (req, reply) => {
      const { unit, team, member, format, table, ...period } = req.query;
      const target = unit ? { unit } : team ? { teamId: team } : { memberId: member! };
      const report = await supportReport(db, target, period, req.actor!.scope);
      if (format === 'json') return report;
      const file = supportFileName(report);
      if (format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}-${table}.csv"`).send(supportTableToCsv(report, table as (typeof SUPPORT_TABLES)[number]));
      }
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${file}.xlsx"`).send(await supportReportToXlsx(report));
    },
  );
};
