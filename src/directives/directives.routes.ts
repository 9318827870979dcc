import type { FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import fastifyFormbody from '@fastify/formbody';
import { z } from 'zod';
import { EVERYONE, OFFICERS } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import type { RouteModule } from '../http/types.js';
import { isoDay } from '../http/zod.js';
import { now as clockNow } from '../text/clock.js';
import { normalizePhone } from '../text/phone.js';
import { todayInVietnam } from '../text/dates.js';
import { syncAcks } from './directives.acks.js';
import { checkAttachment, type CheckedAttachment, MAX_ATTACHMENTS } from './directives.attachments.js';
import { directiveBoard, directiveHead, listDirectives, teamInbox } from './directives.board.js';
import { ackSyncBody, directiveBody, forwardBody, remindBody } from './directives.contract.js';
import { directiveBoardCsv, directiveBoardXlsx } from './directives.export.js';
import { publicDirective, publicPage } from './directives.public.js';
import { type DirectiveActor, forwardDirective, issueDirective, remindDirective } from './directives.service.js';

/** Roles that answer directives from the phone (team accounts) or for a team (officers). */
const ANSWERERS = ['admin', 'province_officer', 'commune_officer', 'team_leader', 'member'] as const;
const id = z.coerce.number().int().positive().max(2147483647);

/** The directives API (issue 15) and the public page per team. Every route takes the caller's scope from `req.actor`. */
export const directiveRoutes: RouteModule = (api, { database, config, protector }) => {
  const { db } = database;
  const actorOf = (req: FastifyRequest): DirectiveActor => ({ userId: req.actor!.userId, ip: req.ip, scope: req.actor!.scope });

  /** GET /api/directives?from&to (issued days, default the last 180 days) → {directives}: those the caller issued or received, with figures in the caller's scope. */
  api.get('/api/directives', { config: { access: { roles: EVERYONE } }, schema: { summary: 'Directives issued or received', querystring: z.object({ from: isoDay.optional(), to: isoDay.optional() }) } }, async (req) => {
    const to = req.query.to ?? todayInVietnam();
    const from = req.query.from ?? todayInVietnam(new Date(clockNow().getTime() - 180 * 86_400_000));
    if (from > to) throw new AppError('VALIDATION_FAILED', 'Từ ngày phải trước đến ngày.', { path: 'from' });
    return { directives: await listDirectives(db, req.actor!.scope, from, to) };
  });

  /** POST /api/directives (directives.contract.ts directiveBody) → 201 {id, teams, communes}. */
  api.post('/api/directives', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Issue a directive', body: directiveBody } }, async (req, reply) => {
    reply.code(201);
    return issueDirective(db, req.body, actorOf(req));
  });

  /** GET /api/directives/inbox → {directives}: a team account's directives, whole, for the field app (offline); fetching marks them received. */
  api.get('/api/directives/inbox', { config: { access: { roles: EVERYONE } }, schema: { summary: 'My team’s directives (field app)' } }, async (req) => teamInbox(db, req.actor!.scope, clockNow()));

  /** POST /api/directives/acks/sync {records ≤ 200} → {results}: one answer per record (accepted, duplicate, rejected with field and reason, warning). */
  api.post('/api/directives/acks/sync', { config: { access: { roles: ANSWERERS } }, schema: { summary: 'Acknowledgements from phones', body: ackSyncBody } }, async (req) => ({
    results: await syncAcks(db, req.body.records, { userId: req.actor!.userId, scope: req.actor!.scope }),
  }));

  /** GET /api/directives/:id/board[?commune=CODE][&format=json|csv|xlsx] → the live board (directives.board.ts) or its file. */
  api.get(
    '/api/directives/:id/board',
    { config: { access: { roles: EVERYONE } }, schema: { summary: 'A directive’s board', params: z.object({ id }), querystring: z.object({ commune: z.string().regex(/^\d{5}$/).optional(), format: z.enum(['json', 'csv', 'xlsx']).default('json') }) } },
    async (req, reply) => {
      const board = await directiveBoard(db, req.params.id, req.actor!.scope, req.query.commune);
      const name = `chi-dao-${req.params.id}-${todayInVietnam()}`;
      // a commune chosen (or the only one in the caller's part): its teams, one row each
      const teamsOnly = board.teams.length > 0 && (!!req.query.commune || board.communes.length === 1);
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(directiveBoardCsv(board, teamsOnly));
      if (req.query.format === 'xlsx') return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${name}.xlsx"`).send(await directiveBoardXlsx(board, teamsOnly));
      return board;
    },
  );

  /** POST /api/directives/:id/forward {commune?, note?, teamIds?} → {teams}: a commune's officer sends a province directive on to the commune's teams. */
  api.post('/api/directives/:id/forward', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Forward to the commune’s teams', params: z.object({ id }), body: forwardBody } }, async (req) =>
    forwardDirective(db, req.params.id, req.body, actorOf(req)));

  /** POST /api/directives/:id/remind {channels, commune?} → {teams, messages, skipped, unconfigured}: "nhắc lại" to the teams not done (not reminded in the last 6 hours), by the configured channels in order. */
  api.post('/api/directives/:id/remind', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Remind the teams not done', params: z.object({ id }), body: remindBody } }, async (req) =>
    remindDirective(db, req.params.id, req.body, actorOf(req), {
      origin: config.publicUrl ?? `${req.protocol}://${req.host}`,
      configured: [...(config.notify.vapid ? (['push'] as const) : []), ...(config.notify.zns ? (['zalo'] as const) : []), ...(config.notify.esms ? (['sms'] as const) : [])],
    }));

  /**
   * POST /api/directives/:id/attachments (multipart, fields "files", at most 5 in all, 10 MB each):
   * the issuer's officers attach PDFs and images (directives.attachments.ts checks each by its
   * content; one refused, none stored). → 201 {attachments}. Errors: NOT_FOUND, OUT_OF_SCOPE,
   * ATTACHMENT_REFUSED (415), ATTACHMENT_TOO_LARGE (413), VALIDATION_FAILED (more than 5).
   */
  api.post('/api/directives/:id/attachments', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Attach files to a directive', params: z.object({ id }) } }, async (req, reply) => {
    const head = await directiveHead(db, req.params.id, req.actor!.scope);
    if (!head.manages) throw new AppError('OUT_OF_SCOPE', 'Chỉ đơn vị ban hành mới đính kèm tệp vào chỉ đạo này.');
    if (!req.isMultipart()) throw new AppError('IMPORT_FILE_MISSING', 'Hãy gửi tệp dạng multipart/form-data (trường "files").');
    const files: CheckedAttachment[] = [];
    try {
      for await (const part of req.parts()) {
        if (part.type !== 'file') continue;
        const data = await part.toBuffer();
        if (files.length + head.attachments.length >= MAX_ATTACHMENTS) throw new AppError('VALIDATION_FAILED', `Mỗi chỉ đạo có tối đa ${MAX_ATTACHMENTS} tệp đính kèm.`, { path: 'files' });
        files.push(await checkAttachment(part.filename || 'tep', data));
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('ATTACHMENT_TOO_LARGE', 'Tệp vượt giới hạn tải lên; chưa lưu gì.');
      throw new AppError('VALIDATION_FAILED', `Dữ liệu tải lên bị hỏng hoặc không trọn vẹn (${(err as Error).message}); chưa lưu gì.`);
    }
    if (!files.length) throw new AppError('IMPORT_FILE_MISSING', 'Chưa có tệp nào được gửi lên (trường "files").');
    const saved = await db.transaction(async (tx) => {
      // counted again under the directive's lock: two uploads at once cannot pass the limit together
      await tx.execute(sql`select id from directives where id = ${req.params.id} for update`);
      // a statement of its own after the lock: it sees what the upload before this one committed
      const [{ n }] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from directive_attachments where directive_id = ${req.params.id}`);
      if (n + files.length > MAX_ATTACHMENTS) throw new AppError('VALIDATION_FAILED', `Mỗi chỉ đạo có tối đa ${MAX_ATTACHMENTS} tệp đính kèm (đã có ${n}).`, { path: 'files' });
      const out = [];
      for (const f of files) {
        const [row] = await queryRows<{ id: number }>(tx, sql`insert into directive_attachments (directive_id, name, media_type, bytes, sha256, flags, data)
          values (${req.params.id}, ${f.name}, ${f.mediaType}, ${f.data.length}, ${f.sha256}, ${sql.param(f.flags)}::text[], ${f.data}) returning id`);
        out.push({ id: row.id, name: f.name, mediaType: f.mediaType, bytes: f.data.length, flags: f.flags });
      }
      await recordAudit(tx, { userId: req.actor!.userId, ip: req.ip, action: 'directive.attached', entity: 'directive', entityId: req.params.id, provinceCode: null, communeId: null, after: out });
      return out;
    });
    reply.code(201);
    return { attachments: saved };
  });

  /** GET /api/directives/:id/attachments/:attachmentId → the file, always as a download (never rendered inline: a PDF's scripts never run here). */
  api.get('/api/directives/:id/attachments/:attachmentId', { config: { access: { roles: EVERYONE } }, schema: { summary: 'Download an attachment', params: z.object({ id, attachmentId: id }) } }, async (req, reply) => {
    await directiveHead(db, req.params.id, req.actor!.scope);
    const [f] = await queryRows<{ name: string; mediaType: string; data: Buffer }>(db, sql`select name, media_type as "mediaType", data from directive_attachments where id = ${req.params.attachmentId} and directive_id = ${req.params.id}`);
    if (!f) throw new AppError('NOT_FOUND', 'Không có tệp đính kèm này.');
    const ascii = f.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\w.-]+/g, '_');
    return reply
      .type(f.mediaType)
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.name)}`)
      .header('content-security-policy', "sandbox; default-src 'none'")
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(f.data));
  });

  /** GET /chi-dao/:token (public HTML, no script): the directive as a team's residents see it, with "Tôi đã nhận được". */
  api.get('/chi-dao/:token', { config: { access: { public: true } }, schema: { hide: true, params: z.object({ token: z.string().max(64) }) } }, async (req, reply) => {
    const d = await publicDirective(db, req.params.token);
    const state = !d ? 'missing' : req.cookies[`cd_${req.params.token}`] ? 'already' : 'ask';
    return reply.code(d ? 200 : 404).type('text/html; charset=utf-8').send(publicPage(d, state, `/chi-dao/${req.params.token}`));
  });

  /**
   * POST /chi-dao/:token (a form, urlencoded: phone?, website = the honeypot): a resident confirms.
   * A phone is kept only as its keyed hash (counted once per directive); without one, an address
   * counts once per team's page (a keyed hash of it) and a browser once (a cookie). Rate-limited per
   * address and page; every answer is the page itself (a refusal too). A filled honeypot is thanked
   * and not counted.
   */
  api.register(async (scope) => {
    // this form posts urlencoded (it works without script); only this route reads that type
    await scope.register(fastifyFormbody, { bodyLimit: 4096 });
    scope.post(
      '/chi-dao/:token',
      { config: { access: { public: true }, rateLimit: { max: 30, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => `${req.ip}|${(req.params as { token?: string }).token ?? ''}` } }, schema: { hide: true } },
      async (req, reply) => {
        const token = String((req.params as { token?: string }).token ?? '').slice(0, 64);
        const d = await publicDirective(db, token);
        const page = (state: 'thanks' | 'already' | 'missing' | 'ask', code = 200, problem?: string) => {
          const html = publicPage(d, state, `/chi-dao/${token}`);
          return reply.code(code).type('text/html; charset=utf-8').send(problem ? html.replace('<form', `<p class="bad">${problem}</p><form`) : html);
        };
        if (!d) return page('missing', 404);
        const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
        const text = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
        if (text(body.website)) return page('thanks');
        const raw = text(body.phone).trim();
        if (raw.length > 30) return page('ask', 400, 'Số điện thoại dài quá; hãy nhập 10 chữ số, ví dụ 0912 345 678, hoặc để trống.');
        const phone = raw ? normalizePhone(raw) : null;
        if (phone && !phone.ok) return page('ask', 400, `Số điện thoại: ${phone.reason.replace(/[<>&"']/g, '')}. Hãy sửa hoặc để trống.`);
        const cookie = `cd_${token}`;
        if (!phone && req.cookies[cookie]) return page('already');
        const phoneHash = phone?.ok ? protector.hash(`directive:${phone.e164}`) : null;
        const ipHash = phoneHash ? null : protector.hash(`directive-ip:${req.ip}`);
        const [row] = await queryRows<{ id: number }>(db, phoneHash
          ? sql`insert into directive_confirmations (directive_id, team_id, phone_hash, at) values (${d.directiveId}, ${d.teamId}, ${phoneHash}, ${clockNow().toISOString()})
              on conflict (directive_id, phone_hash) where phone_hash is not null do nothing returning id`
          : sql`insert into directive_confirmations (directive_id, team_id, ip_hash, at) values (${d.directiveId}, ${d.teamId}, ${ipHash}, ${clockNow().toISOString()})
              on conflict (directive_id, team_id, ip_hash) where phone_hash is null and ip_hash is not null do nothing returning id`);
        reply.setCookie(cookie, '1', { path: `/chi-dao/${token}`, maxAge: 365 * 86_400, httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
        return page(row ? 'thanks' : 'already');
      },
    );
  });
};
