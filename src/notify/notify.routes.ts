import { timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { EVERYONE } from '../access/access.policy.js';
import { AppError } from '../http/errors.js';
import type { RouteModule } from '../http/types.js';
import { applyReport } from './notify.dispatch.js';
import { readEsmsCallback } from './notify.esms.js';
import { ZnsNotifier } from './notify.zns.js';

const WEBHOOK = { access: { public: true, webhook: true } } as const;

/** The browsers' push services (Chrome/Android: FCM; Firefox: Mozilla autopush; Edge: WNS; Safari: Apple). `NGOSO_PUSH_HOSTS` replaces the list. */
export const PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', 'android.googleapis.com', 'push.services.mozilla.com', 'notify.windows.com', 'push.apple.com'];

/** Providers' delivery callbacks and browsers' push subscriptions (issue 15, items 2–3). */
export const notifyRoutes: RouteModule = (api, { database, config }) => {
  const { db } = database;

  /**
   * GET /api/notify/esms/:token?SMSID&RequestId&SendStatus&SendSuccess&SendFailed: eSMS's delivery
   * callback (eSMS calls it with GET and signs nothing, so the address carries a secret token).
   * → 200 {known} (a report of a message we never sent changes nothing). Errors: 404 WEBHOOK_UNKNOWN for a wrong token or SMS off.
   */
  api.get('/api/notify/esms/:token', { config: WEBHOOK, schema: { hide: true, params: z.object({ token: z.string().max(200) }), querystring: z.record(z.string(), z.string().max(2000)) } }, async (req) => {
    const expected = config.notify.esms?.callbackToken;
    const given = Buffer.from(req.params.token);
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw new AppError('WEBHOOK_UNKNOWN', 'Không có đường dẫn này.');
    const read = readEsmsCallback(req.query);
    if (!read) return { known: false };
    return { known: await applyReport(db, 'sms', read.report, read.messageId) };
  });

  // Zalo signs the raw body: this route reads it as text (its own JSON parser, in its own scope)
  api.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
    /**
     * POST /api/notify/zalo/webhook: Zalo's events (user_received_message, user_seen_message),
     * signed with X-ZEvent-Signature. → 200 {known}. Errors: 401 SIGNATURE_INVALID (forged or
     * unsigned), 404 WEBHOOK_UNKNOWN when Zalo is off.
     */
    scope.post('/api/notify/zalo/webhook', { config: WEBHOOK, schema: { hide: true } }, async (req) => {
      const zns = config.notify.zns;
      if (!zns) throw new AppError('WEBHOOK_UNKNOWN', 'Kênh Zalo chưa được cấu hình.');
      let report;
      try {
        report = new ZnsNotifier(zns).readWebhook(String(req.body ?? ''), req.headers['x-zevent-signature'] as string | undefined);
      } catch {
        throw new AppError('SIGNATURE_INVALID', 'Chữ ký của sự kiện Zalo không đúng.');
      }
      if (!report) return { known: false };
      return { known: await applyReport(db, 'zalo', report) };
    });
  });

  /** GET /api/push/key → {publicKey}: the server's VAPID public key for a browser's subscription. Errors: 404 when web push is off. */
  api.get('/api/push/key', { config: { access: { roles: EVERYONE } }, schema: { summary: 'Web push public key (VAPID)' } }, async () => {
    if (!config.notify.vapid) throw new AppError('NOT_FOUND', 'Máy chủ chưa bật thông báo đẩy.');
    return { publicKey: config.notify.vapid.publicKey };
  });

  // the server posts to a subscription's endpoint: only the browsers' push services, never an address of the caller's choosing (no requests into the server's own network)
  const pushHosts = (process.env.NGOSO_PUSH_HOSTS ?? PUSH_SERVICE_HOSTS.join(',')).split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const subscription = z.object({
    endpoint: z
      .url({ protocol: /^https$/ })
      .max(1000)
      .refine((u) => {
        const host = new URL(u).hostname.toLowerCase();
        return pushHosts.some((h) => host === h || host.endsWith(`.${h}`));
      }, 'Địa chỉ nhận thông báo không thuộc dịch vụ push của trình duyệt nào đã biết.'),
    keys: z.object({ p256dh: z.string().regex(/^[A-Za-z0-9_-]{80,100}=*$/, 'Khóa p256dh không hợp lệ.'), auth: z.string().regex(/^[A-Za-z0-9_-]{16,30}=*$/, 'Khóa auth không hợp lệ.') }),
  });
  /** POST /api/push/subscriptions {endpoint, keys: {p256dh, auth}} → 201: this browser receives the caller's notifications (the same endpoint moves to the caller). */
  api.post('/api/push/subscriptions', { config: { access: { roles: EVERYONE } }, schema: { summary: 'Allow web push on this browser', body: subscription } }, async (req, reply) => {
    await db.execute(sql`insert into push_subscriptions (user_id, endpoint, p256dh, auth) values (${req.actor!.userId}, ${req.body.endpoint}, ${req.body.keys.p256dh}, ${req.body.keys.auth})
      on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth`);
    reply.code(201);
    return { ok: true };
  });

  /** DELETE /api/push/subscriptions {endpoint} → {removed}: this browser stops receiving the caller's notifications. */
  api.delete('/api/push/subscriptions', { config: { access: { roles: EVERYONE } }, schema: { summary: 'Stop web push on this browser', body: z.object({ endpoint: z.string().max(1000) }) } }, async (req) => {
    const rows = await db.execute(sql`delete from push_subscriptions where endpoint = ${req.body.endpoint} and user_id = ${req.actor!.userId}`);
    return { removed: (rows as unknown as { rowCount?: number; affectedRows?: number }).rowCount ?? (rows as unknown as { affectedRows?: number }).affectedRows ?? 0 };
  });
};
