import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EVERYONE, OFFICERS, READERS } from '../access/access.policy.js';
import { unitsByCode } from '../catalogue/catalogue.repo.js';
import { AppError } from '../http/errors.js';
import type { RouteModule } from '../http/types.js';
import { isoDay } from '../http/zod.js';
import { clockOf } from '../sessions/sessions.clock.js';
import { now as clockNow } from '../text/clock.js';
import { todayInVietnam } from '../text/dates.js';
import { syncAttendance } from './trainings.attendance.js';
import { myCertificate, sessionCertificates, verifyCertificate } from './trainings.certify.js';
import { bridgePointBody, MAX_ATTENDANCE_BATCH, trainingBody } from './trainings.contract.js';
import { trainingReportCsv, trainingReportXlsx } from './trainings.export.js';
import { pointsInScope, topicsOf } from './trainings.repo.js';
import { trainingReport } from './trainings.report.js';
import { untrainedCsv, untrainedMembers } from './trainings.untrained.js';
import { closeTraining, createBridgePoint, createTraining, decideWalkIn, type TrainingActor, updateTraining, walkInsFor } from './trainings.service.js';
import { currentCode, hostingFor, listTrainings, myTrainings, trainingDetail } from './trainings.views.js';
import { verifyPage } from './trainings.verify.page.js';

/** Roles that take part in trainings on the phone (hosts check people in, members check themselves in). */
const TAKERS = ['admin', 'province_officer', 'commune_officer', 'team_leader', 'member'] as const;
const id = z.coerce.number().int().positive().max(2147483647);

/** The trainings API (issue 14). Every route takes the caller's scope from `req.actor`. */
export const trainingRoutes: RouteModule = (api, { database, config }) => {
  const { db } = database;
  const actorOf = (req: FastifyRequest): TrainingActor => ({ userId: req.actor!.userId, ip: req.ip, scope: req.actor!.scope, memberId: req.actor!.user.memberId ?? null });
  const originOf = (req: FastifyRequest) => config.publicUrl ?? `${req.protocol}://${req.host}`;
  const provinceOf = (req: FastifyRequest) => ('provinceCode' in req.actor!.scope ? req.actor!.scope.provinceCode : null);

  /** GET /api/training-topics → {topics: [{code, name, provinceCode}]}: the national list and the caller's province's own. */
  api.get('/api/training-topics', { config: { access: { roles: EVERYONE } }, schema: { summary: 'Training topics (data)' } }, async (req) => ({ topics: await topicsOf(db, provinceOf(req)) }));

  /** GET /api/bridge-points[?commune=CODE] → {points}: the bridge points in the caller's scope (of one commune). */
  api.get(
    '/api/bridge-points',
    { config: { access: { roles: READERS } }, schema: { summary: 'Bridge points in scope', querystring: z.object({ commune: z.string().regex(/^\d{5}$/).optional() }) } },
    async (req) => {
      let communeIds: number[] | null = null;
      if (req.query.commune) {
        communeIds = (await unitsByCode(db, req.query.commune)).filter((u) => u.level === 'commune' && !u.validTo).map((u) => u.id);
      }
      return { points: await pointsInScope(db, req.actor!.scope, communeIds) };
    },
  );

  /** POST /api/bridge-points {commune, village?, name, placeKind, capacity?} → 201 the point. 409 when the commune has one of that name. */
  api.post('/api/bridge-points', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Create a bridge point', body: bridgePointBody } }, async (req, reply) => {
    reply.code(201);
    return createBridgePoint(db, req.body, actorOf(req));
  });

  /** GET /api/trainings?from&to (Vietnam days; default the last 90 days to 90 ahead) → {trainings}: the sessions the caller may see. */
  api.get(
    '/api/trainings',
    { config: { access: { roles: EVERYONE } }, schema: { summary: 'Training sessions in scope', querystring: z.object({ from: isoDay.optional(), to: isoDay.optional() }) } },
    async (req) => {
      const now = clockNow();
      const from = req.query.from ?? todayInVietnam(new Date(now.getTime() - 90 * 86_400_000));
      const to = req.query.to ?? todayInVietnam(new Date(now.getTime() + 90 * 86_400_000));
      if (from > to) throw new AppError('VALIDATION_FAILED', 'Từ ngày phải trước đến ngày.', { path: 'from' });
      return listTrainings(db, actorOf(req), from, to);
    },
  );

  /** POST /api/trainings (trainings.contract.ts trainingBody) → 201 {id, invited}. */
  api.post('/api/trainings', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Plan a training session', body: trainingBody } }, async (req, reply) => {
    reply.code(201);
    return createTraining(db, req.body, actorOf(req));
  });

  /** GET /api/trainings/hosting → the sessions the caller hosts a point of, from yesterday to a week ahead, for the field app (offline). */
  api.get('/api/trainings/hosting', { config: { access: { roles: TAKERS } }, schema: { summary: 'Sessions I host, with check-in lists and code secrets' } }, async (req) => hostingFor(db, actorOf(req), clockNow()));

  /** GET /api/trainings/mine → the caller's own trainings (invited or attended) with certificate codes. */
  api.get('/api/trainings/mine', { config: { access: { roles: EVERYONE } }, schema: { summary: 'My trainings' } }, async (req) => myTrainings(db, actorOf(req)));

  /**
   * POST /api/trainings/attendance/sync {records: [...], deviceNow?} (at most 500; record shape in
   * trainings.contract.ts) → {results: [{id, status: accepted|duplicate|rejected, reason?, field?, fullName?, notInvited?, late?, walkIn?}], accepted, duplicates, rejected, clock}.
   */
  api.post(
    '/api/trainings/attendance/sync',
    {
      bodyLimit: 1024 * 1024,
      config: { access: { roles: TAKERS } },
      schema: { summary: 'Store check-ins made on phones (offline); answers per record', body: z.object({ records: z.array(z.unknown()), deviceNow: z.iso.datetime({ offset: true }).optional() }) },
    },
    async (req) => {
      const { records, deviceNow } = req.body;
      if (records.length > MAX_ATTENDANCE_BATCH) throw new AppError('SYNC_BATCH_TOO_LARGE', `Một lần đồng bộ tối đa ${MAX_ATTENDANCE_BATCH} lượt điểm danh; lần này có ${records.length}.`);
      const now = clockNow();
      const results = await syncAttendance(db, records, actorOf(req), now, deviceNow);
      const count = (s: string) => results.filter((r) => r.status === s).length;
      return { results, accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), clock: clockOf(deviceNow, now) };
    },
  );

  /** GET /api/trainings/walk-ins[?status=pending|added|dismissed] → {walkIns}: people checked in who are not in the registry, at points of the caller's communes. */
  api.get(
    '/api/trainings/walk-ins',
    { config: { access: { roles: OFFICERS } }, schema: { summary: 'Walk-ins to add to the registry', querystring: z.object({ status: z.enum(['pending', 'added', 'dismissed']).default('pending') }) } },
    async (req) => walkInsFor(db, actorOf(req), req.query.status),
  );

  /** POST /api/trainings/walk-ins/:id {action: link, memberId} | {action: dismiss} → {id, status}. */
  api.post(
    '/api/trainings/walk-ins/:id',
    {
      config: { access: { roles: OFFICERS } },
      schema: {
        summary: 'Link a walk-in to the member added for them, or dismiss it',
        params: z.object({ id: z.uuid() }),
        body: z.discriminatedUnion('action', [z.object({ action: z.literal('link'), memberId: z.number().int().positive().max(2147483647) }), z.object({ action: z.literal('dismiss') })]),
      },
    },
    async (req) => decideWalkIn(db, req.params.id.toLowerCase(), req.body, actorOf(req)),
  );

  /** GET /api/trainings/:id → the session's board (trainings.views.ts trainingDetail). 404 outside the scope. */
  api.get('/api/trainings/:id', { config: { access: { roles: EVERYONE } }, schema: { summary: 'A training session', params: z.object({ id }) } }, async (req) => trainingDetail(db, req.params.id, actorOf(req)));

  /** PUT /api/trainings/:id {…plan, version} → {id, invited, version}. 409 VERSION_CONFLICT, 409 when closed. */
  api.put(
    '/api/trainings/:id',
    { config: { access: { roles: OFFICERS } }, schema: { summary: 'Change a training session', params: z.object({ id }), body: trainingBody.and(z.object({ version: z.number().int().positive() })) } },
    async (req) => updateTraining(db, req.params.id, req.body, actorOf(req)),
  );

  /** POST /api/trainings/:id/close → {id, closedAt}: attendance closed. */
  api.post('/api/trainings/:id/close', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Close attendance', params: z.object({ id }) } }, async (req) => closeTraining(db, req.params.id, actorOf(req), clockNow()));

  /** GET /api/trainings/:id/points/:pointId/code → {window, code, url, validUntil, windowMs}: the point's current QR. */
  api.get(
    '/api/trainings/:id/points/:pointId/code',
    { config: { access: { roles: TAKERS } }, schema: { summary: 'The rotating check-in code of a point', params: z.object({ id, pointId: id }) } },
    async (req) => currentCode(db, req.params.id, req.params.pointId, actorOf(req), clockNow(), originOf(req)),
  );

  /** GET /api/trainings/:id/certificates.pdf → every attendee's certificate, one PDF (closed sessions; the officers who manage it). */
  api.get('/api/trainings/:id/certificates.pdf', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Certificates of a session (PDF)', params: z.object({ id }) } }, async (req, reply) => {
    const { pdf } = await sessionCertificates(db, req.params.id, actorOf(req), originOf(req));
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="giay-chung-nhan-lop-${req.params.id}.pdf"`).send(pdf);
  });

  /** GET /api/trainings/:id/certificates/mine.pdf → the caller's own certificate. */
  api.get('/api/trainings/:id/certificates/mine.pdf', { config: { access: { roles: EVERYONE } }, schema: { summary: 'My certificate of a session (PDF)', params: z.object({ id }) } }, async (req, reply) => {
    const pdf = await myCertificate(db, req.params.id, actorOf(req), originOf(req));
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="giay-chung-nhan-${req.params.id}.pdf"`).send(pdf);
  });

  /** GET /api/verify/:code (public) → {code, initials, title, topic, day, lastDay, organiser}; 404 unknown code. */
  api.get('/api/verify/:code', { config: { access: { public: true } }, schema: { summary: 'Verify a certificate (public)', params: z.object({ code: z.string().max(40) }) } }, async (req) => {
    const found = await verifyCertificate(db, req.params.code);
    if (!found) throw new AppError('NOT_FOUND', 'Không có giấy chứng nhận nào mang mã này.');
    return found;
  });

  /** GET /xac-minh/:code (public HTML, no script): the verification page a certificate's QR opens. */
  api.get('/xac-minh/:code', { config: { access: { public: true } }, schema: { hide: true, params: z.object({ code: z.string().max(40) }) } }, async (req, reply) => {
    const found = await verifyCertificate(db, req.params.code);
    return reply.code(found ? 200 : 404).type('text/html; charset=utf-8').send(verifyPage(req.params.code, found));
  });

  /** GET /api/reports/trainings/untrained?unit=CODE[&asOf=YYYY-MM-DD (default today)][&format=csv] → the members never trained (trainings.untrained.ts). */
  api.get(
    '/api/reports/trainings/untrained',
    { config: { access: { roles: READERS } }, schema: { summary: 'Members never trained', querystring: z.object({ unit: z.string().regex(/^\d{2}$|^\d{5}$/), asOf: isoDay.optional(), format: z.enum(['json', 'csv']).default('json') }) } },
    async (req, reply) => {
      const list = await untrainedMembers(db, req.query.unit, req.query.asOf ?? todayInVietnam(clockNow()), req.actor!.scope);
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="chua-tap-huan-${list.unit.code}-${list.asOf}.csv"`).send(untrainedCsv(list));
      return list;
    },
  );

  /** GET /api/reports/trainings?unit=CODE&from&to[&format=csv|xlsx] → the training report (trainings.report.ts), or its file. */
  api.get(
    '/api/reports/trainings',
    {
      config: { access: { roles: READERS } },
      schema: { summary: 'Training report of a province or commune', querystring: z.object({ unit: z.string().regex(/^\d{2}$|^\d{5}$/), from: isoDay, to: isoDay, format: z.enum(['json', 'csv', 'xlsx']).default('json') }) },
    },
    async (req, reply) => {
      const report = await trainingReport(db, req.query.unit, req.query.from, req.query.to, req.actor!.scope);
      const file = `bao-cao-tap-huan-${report.unit.code}-${report.from}-${report.to}`;
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}.csv"`).send(trainingReportCsv(report));
      if (req.query.format === 'xlsx') return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${file}.xlsx"`).send(await trainingReportXlsx(report));
      return report;
    },
  );
};
