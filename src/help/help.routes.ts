import fastifyFormbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { EVERYONE, OFFICERS, READERS } from '../access/access.policy.js';
import { queryRows } from '../db/client.js';
import type { RouteModule } from '../http/types.js';
import { freeText, isoDay } from '../http/zod.js';
import { missing } from '../portal/portal.layout.js';
import { provinceByCode, servedProvinces, servicesOf, villagesOf, type Province } from '../portal/portal.public.js';
import { now as clockNow } from '../text/clock.js';
import { todayInVietnam } from '../text/dates.js';
import { compareVietnamese } from '../text/vietnamese.js';
import { helpFormPage, statusPage } from './help.pages.js';
import { helpReport } from './help.report.js';
import { acceptHelpRequest, assignHelpRequest, cancelHelpRequest, createHelpRequest, type NewHelpRequest } from './help.service.js';
import { rateRequest, requestsForOffice, requestsForTeam, statusByToken } from './help.views.js';

const id = z.coerce.number().int().positive().max(2147483647);
const html = (reply: FastifyReply, body: string, code = 200) => reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
const field = (body: unknown, name: string) => {
  const v = (body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined) ?? '';
  const text = typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '';
  // control characters (NUL, which PostgreSQL text cannot hold, ESC, BEL…) are seen by nobody: dropped
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
};
/** Members' roles that take requests on the phone, and officers who act for a team. */
const HANDLERS = ['admin', 'province_officer', 'commune_officer', 'team_leader', 'member'] as const;

/**
 * Help requests (issue 16, item 3): the resident's form and status page (public, no sign-in,
 * urlencoded forms that work without script; the status route rate-limited per address, its token
 * 128 random bits) and the API for the field app (the team's list, accept) and the officers (the
 * list, assign, cancel, the response-time report). A request is closed by the support session
 * recorded for it (`helpRequestId` in POST /api/support-sessions/sync).
 */
export const helpRoutes: RouteModule = (api, { database, config, protector }) => {
  const { db } = database;
  const actorOf = (req: FastifyRequest) => ({ userId: req.actor!.userId, ip: req.ip, scope: req.actor!.scope });

  async function formData(province: Province, communeCode: string | undefined) {
    const communes = (await queryRows<{ code: string; name: string }>(db, sql`select c.code, c.name from admin_units c where c.level = 'commune' and c.valid_to is null and c.province_code = ${province.code}`)).sort((a, b) => compareVietnamese(a.name, b.name));
    const commune = communes.find((c) => c.code === communeCode) ?? null;
    return { province, communes, commune, villages: commune ? await villagesOf(db, commune.code) : [], services: await servicesOf(db, province.code) };
  }
  async function provinceFrom(code: string): Promise<Province | null> {
    if (code) return provinceByCode(db, code);
    const served = await servedProvinces(db);
    return served.length === 1 ? served[0] : null;
  }

  /** GET /nho-ho-tro?tinh&xa&thon&dv → the form (step 1: the commune; then the rest). */
  api.get('/nho-ho-tro', { schema: { hide: true } }, async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, string>;
    const p = await provinceFrom(String(q.tinh ?? ''));
    if (!p) return html(reply, missing('Hãy chọn tỉnh trước.'), 404);
    return html(reply, helpFormPage(await formData(p, q.xa), { village: q.thon, service: q.dv }));
  });

  api.register(async (scope) => {
    await scope.register(fastifyFormbody, { bodyLimit: 16_384 });
    /**
     * POST /nho-ho-tro (urlencoded: tinh, xa, thon, dv, van_de, ten, dien_thoai, thoi_gian, dong_y,
     * website = honeypot) → 303 to the status page `/yeu-cau/TOKEN?moi=1`, or the form again with
     * every problem by its field (400). 5 a minute per address.
     */
    scope.post('/nho-ho-tro', { config: { access: { public: true }, rateLimit: { max: 5, timeWindow: '1 minute' } }, schema: { hide: true } }, async (req, reply) => {
      const b = req.body;
      const p = await provinceFrom(field(b, 'tinh'));
      if (!p) return html(reply, missing('Hãy chọn tỉnh trước.'), 400);
      const input: NewHelpRequest = {
        province: p.code,
        commune: field(b, 'xa').slice(0, 20),
        village: field(b, 'thon').slice(0, 20) || undefined,
        service: field(b, 'dv').slice(0, 40),
        problem: field(b, 'van_de').slice(0, 12_000),
        name: field(b, 'ten').slice(0, 400),
        phone: field(b, 'dien_thoai').slice(0, 60),
        preferredTime: field(b, 'thoi_gian').slice(0, 1_000) || undefined,
        consent: field(b, 'dong_y') === '1',
      };
      if (field(b, 'website')) return html(reply, missing('Yêu cầu không hợp lệ.'), 400);
      const out = await createHelpRequest(db, protector, input);
      if ('problems' in out) return html(reply, helpFormPage(await formData(p, input.commune), input, out.problems), 400);
      return reply.redirect(`/yeu-cau/${out.token}?moi=1`, 303);
    });

    /** POST /yeu-cau/:token (urlencoded: da_xong 1|0, diem 1–5, gop_y) → the status page with the outcome. Rated once, only when closed. */
    scope.post('/yeu-cau/:token', { config: { access: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } }, schema: { hide: true } }, async (req, reply) => {
      const token = String((req.params as { token: string }).token).slice(0, 64);
      const solved = field(req.body, 'da_xong');
      const rating = Number(field(req.body, 'diem'));
      const s0 = await statusByToken(db, token);
      if (!s0) return html(reply, missing('Không có yêu cầu này. Hãy kiểm tra lại đường dẫn.'), 404);
      const province = await provinceByCode(db, (await queryRows<{ p: string }>(db, sql`select province_code as p from help_requests where id = ${s0.id}`))[0].p);
      if (!['0', '1'].includes(solved) || !Number.isInteger(rating) || rating < 1 || rating > 5) return html(reply, statusPage(province, s0, `/yeu-cau/${token}`, { kind: 'bad', text: 'Hãy chọn "đã xong" hay "chưa xong" và số điểm từ 1 đến 5.' }), 400);
      const r = await rateRequest(db, token, { solved: solved === '1', rating, feedback: field(req.body, 'gop_y').slice(0, 6_000) });
      const s = (await statusByToken(db, token))!;
      const msg = { rated: { kind: 'ok' as const, text: 'Cảm ơn bạn đã đánh giá!' }, already: { kind: 'ok' as const, text: 'Yêu cầu này đã được đánh giá.' }, not_closed: { kind: 'bad' as const, text: 'Yêu cầu chưa xong nên chưa đánh giá được.' }, too_long: { kind: 'bad' as const, text: 'Góp ý dài quá 500 ký tự; hãy rút gọn.' }, missing: { kind: 'bad' as const, text: 'Không có yêu cầu này.' } }[r];
      return html(reply, statusPage(province, s, `/yeu-cau/${token}`, msg), r === 'rated' || r === 'already' ? 200 : 400);
    });
  });

  /** GET /yeu-cau/:token → the request's status only. 30 a minute per address, so tokens cannot be guessed by trying. */
  api.get('/yeu-cau/:token', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } }, schema: { hide: true } }, async (req, reply) => {
    const token = String((req.params as { token: string }).token).slice(0, 64);
    const s = await statusByToken(db, token);
    if (!s) return html(reply, missing('Không có yêu cầu này. Hãy kiểm tra lại đường dẫn.'), 404);
    const [{ p }] = await queryRows<{ p: string }>(db, sql`select province_code as p from help_requests where id = ${s.id}`);
    return html(reply, statusPage(await provinceByCode(db, p), s, `/yeu-cau/${token}`, null, ((req.query ?? {}) as Record<string, string>).moi === '1', config.publicUrl ?? `${req.protocol}://${req.host}`));
  });

  /** GET /api/help-requests/mine → {requests, now}: a team account's requests (open, accepted, closed in 7 days), phones in full, for the field app (kept offline). */
  api.get('/api/help-requests/mine', { config: { access: { roles: EVERYONE } }, schema: { summary: 'My team’s help requests (field app)' } }, async (req) => ({ requests: await requestsForTeam(db, protector, req.actor!.scope), now: clockNow().toISOString() }));

  /** GET /api/help-requests?state=open|overdue|all → {requests}: the office list in the caller's scope, phones masked. */
  api.get('/api/help-requests', { config: { access: { roles: EVERYONE } }, schema: { summary: 'Help requests in scope', querystring: z.object({ state: z.enum(['open', 'overdue', 'all']).default('open') }) } }, async (req) => ({ requests: await requestsForOffice(db, protector, req.actor!.scope, req.query.state) }));

  /**
   * POST /api/help-requests/:id/accept {at?, deviceNow?} → {status, acceptedAt}: a member takes the
   * request (at: the phone's time of the tap; deviceNow: the phone's clock as it sends, for its offset).
   * 409 ALREADY_ACCEPTED / HELP_CLOSED; 404 outside the caller's team.
   */
  api.post('/api/help-requests/:id/accept', { config: { access: { roles: HANDLERS } }, schema: { summary: 'Accept a help request', params: z.object({ id }), body: z.object({ at: z.iso.datetime({ offset: true }).optional(), deviceNow: z.iso.datetime({ offset: true }).optional() }).default({}) } }, async (req) =>
    acceptHelpRequest(db, req.params.id, actorOf(req), req.body.at, req.body.deviceNow),
  );

  /** POST /api/help-requests/:id/assign {teamId} → {id, teamId}: an officer hands it to another team of the commune. */
  api.post('/api/help-requests/:id/assign', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Assign a help request to a team', params: z.object({ id }), body: z.object({ teamId: z.number().int().positive().max(2147483647) }) } }, async (req) => assignHelpRequest(db, req.params.id, req.body.teamId, actorOf(req)));

  /** POST /api/help-requests/:id/cancel {reason} → {id, status}: an officer cancels it (a duplicate, a prank). */
  api.post('/api/help-requests/:id/cancel', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Cancel a help request', params: z.object({ id }), body: z.object({ reason: freeText(300, 'Lý do', { oneLine: true }).refine((s) => s.length > 0, 'Hãy ghi lý do huỷ.') }) } }, async (req) => cancelHelpRequest(db, req.params.id, req.body.reason, actorOf(req)));

  /** GET /api/help-requests/report?unit&from&to (Vietnam days; default the last 30 days) → help.report.ts HelpReport. */
  api.get('/api/help-requests/report', { config: { access: { roles: READERS } }, schema: { summary: 'Help requests: response times', querystring: z.object({ unit: z.string().regex(/^\d{2}$|^\d{5}$/), from: isoDay.optional(), to: isoDay.optional() }) } }, async (req) => {
    const to = req.query.to ?? todayInVietnam();
    const from = req.query.from ?? todayInVietnam(new Date(clockNow().getTime() - 29 * 86_400_000));
    return helpReport(db, req.query.unit, req.actor!.scope, from, to);
  });
};
