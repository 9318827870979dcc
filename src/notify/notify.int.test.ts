import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { type Database, queryRows } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { FakeProviders } from '../../test/fake-providers.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { buildNotifiers } from './notify.channels.js';
import { dispatchDue, enqueue, MAX_ATTEMPTS } from './notify.dispatch.js';
import { MemoryNotifier } from './notify.memory.js';
import { createECDH, randomBytes } from 'node:crypto';
import ece from 'http_ece';
import { newVapidKeys, WebPushNotifier } from './notify.webpush.js';
import type { Channel, Notifier } from './notify.types.js';

/**
 * The outside channels against local fake servers that speak eSMS's and Zalo ZNS's documented
 * APIs (test/fake-providers.ts): send, delivery callback, failure, retry with backoff, fallback to
 * another channel, quiet hours, forged and unknown callbacks. Hà Thị Hiền's phone is +84912345678.
 */
let database: Database;
let app: TestAppInstance;
let fake: FakeProviders;
let notifiers: Partial<Record<Channel, Notifier>>;
let hien = 0;
const clock = new FixedClock('2026-11-10T09:00:00+07:00');
let restoreClock: () => void;
const TOKEN = 'esms-callback-token-0123456789';
const params = { issuer: 'UBND tỉnh Sơn La', title: 'Tuyên truyền kích hoạt VNeID mức 2', deadline: '15/11/2026', link: 'https://ngoso.example.vn/chi-dao/abc' };

const message = async (id: string) => {
  const [m] = await queryRows<{ state: string; attempts: number; providerId: string | null; lastError: string | null; next: string | Date; channel: string }>(database.db, sql`
    select state, attempts, provider_id as "providerId", last_error as "lastError", next_attempt_at as next, channel from notify_messages where id = ${id}`);
  return { ...m, next: new Date(m.next) };
};
const queue = async (channel: Channel, fallback: Channel[] = []) => (await enqueue(database.db, [{ channel, template: 'directive.new', params, memberId: hien, fallback }]))[0];

beforeAll(async () => {
  restoreClock = useClock(clock);
  fake = await new FakeProviders().start();
  database = await testDatabase();
  ({ member: { 'Hà Thị Hiền': hien } } = await sessionsRegistry(database.db));
  const env = {
    NGOSO_PUBLIC_URL: 'https://ngoso.example.vn',
    NGOSO_SMS_PROVIDER: 'esms', NGOSO_ESMS_URL: fake.url, NGOSO_ESMS_API_KEY: 'API-KEY', NGOSO_ESMS_SECRET_KEY: 'SECRET', NGOSO_ESMS_BRANDNAME: 'NGOSO', NGOSO_ESMS_CALLBACK_TOKEN: TOKEN,
    NGOSO_ZALO_PROVIDER: 'zns', NGOSO_ZALO_URL: fake.url, NGOSO_ZALO_ACCESS_TOKEN: 'ZALO-TOKEN', NGOSO_ZALO_APP_ID: '1234567890', NGOSO_ZALO_OA_SECRET: 'OA-SECRET', NGOSO_ZALO_TEMPLATES: '{"directive.new":"412345","directive.remind":"412346"}',
  };
  app = await testApp(database, env);
  notifiers = buildNotifiers(loadConfig({ NGOSO_DATA_DIR: '/nonexistent', ...env }));
});
afterAll(async () => {
  await app.close();
  await database.close();
  await fake.stop();
  restoreClock();
});
beforeEach(async () => {
  fake.mode = 'ok';
  clock.set('2026-11-10T09:00:00+07:00');
  await database.db.execute(sql`delete from notify_messages`);
});

describe('SMS through eSMS', () => {
  it('sends the template in words to the phone in the form eSMS documents, and takes its delivery callback', async () => {
    const id = await queue('sms');
    expect(await dispatchDue(database.db, notifiers)).toEqual({ sent: 1, retried: 0, failed: 0, deferred: 0 });
    const req = fake.esmsRequests.at(-1)!;
    expect(req).toMatchObject({ ApiKey: 'API-KEY', SecretKey: 'SECRET', Brandname: 'NGOSO', SmsType: '2', IsUnicode: '1', Phone: '0912345678', RequestId: id, CallbackUrl: `https://ngoso.example.vn/api/notify/esms/${TOKEN}` });
    expect(req.Content).toBe('[Ngõ Số] UBND tỉnh Sơn La gửi chỉ đạo: Tuyên truyền kích hoạt VNeID mức 2. Hạn 15/11/2026. Xem: https://ngoso.example.vn/chi-dao/abc');
    const sent = await message(id);
    expect(sent).toMatchObject({ state: 'sent', attempts: 1 });
    const res = await app.inject({ method: 'GET', url: `/api/notify/esms/${TOKEN}?${fake.esmsCallbackQuery(sent.providerId!, id, true)}` });
    expect([res.statusCode, res.json()]).toEqual([200, { known: true }]);
    expect((await message(id)).state).toBe('delivered');
    const states = await queryRows<{ state: string }>(database.db, sql`select state from notify_events where message_id = ${id} order by id`);
    expect(states.map((s) => s.state)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('a callback for a message it never sent changes nothing; a wrong token is not found', async () => {
    const id = await queue('sms');
    await dispatchDue(database.db, notifiers);
    const unknown = await app.inject({ method: 'GET', url: `/api/notify/esms/${TOKEN}?${fake.esmsCallbackQuery('nonexistent-smsid', '', true)}` });
    expect([unknown.statusCode, unknown.json()]).toEqual([200, { known: false }]);
    const forged = await app.inject({ method: 'GET', url: `/api/notify/esms/wrong-token-0123456789abcd?${fake.esmsCallbackQuery('x', id, true)}` });
    expect(forged.statusCode).toBe(404);
    expect((await message(id)).state).toBe('sent');
  });

  it('a failed delivery goes on by the fallback channel', async () => {
    const id = await queue('sms', ['zalo']);
    await dispatchDue(database.db, notifiers);
    const res = await app.inject({ method: 'GET', url: `/api/notify/esms/${TOKEN}?${fake.esmsCallbackQuery((await message(id)).providerId!, id, false)}` });
    expect(res.json()).toEqual({ known: true });
    expect((await message(id)).state).toBe('failed');
    const next = await queryRows<{ channel: string; state: string }>(database.db, sql`select channel, state from notify_messages where id <> ${id}`);
    expect(next).toEqual([{ channel: 'zalo', state: 'queued' }]);
  });

  it('a provider that times out is retried with backoff, then fails, never losing the state', async () => {
    fake.mode = 'timeout';
    const id = await queue('sms');
    expect(await dispatchDue(database.db, notifiers, { timeoutMs: 200 })).toMatchObject({ retried: 1 });
    let m = await message(id);
    expect(m).toMatchObject({ state: 'queued', attempts: 1, lastError: 'hết thời gian chờ nhà cung cấp' });
    expect(m.next.toISOString()).toBe('2026-11-10T02:00:30.000Z'); // 30 s after 09:00 Vietnam time
    // not due yet: nothing is sent
    expect(await dispatchDue(database.db, notifiers, { timeoutMs: 200 })).toEqual({ sent: 0, retried: 0, failed: 0, deferred: 0 });
    fake.mode = '500';
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      clock.set(new Date((await message(id)).next.getTime() + 1));
      await dispatchDue(database.db, notifiers, { timeoutMs: 200 });
    }
    m = await message(id);
    expect(m).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS, lastError: 'nhà cung cấp trả lỗi HTTP 500' });
  });

  it('a refusal (a brandname not registered) fails at once', async () => {
    const wrong = buildNotifiers(loadConfig({ NGOSO_DATA_DIR: '/x', NGOSO_SMS_PROVIDER: 'esms', NGOSO_ESMS_URL: fake.url, NGOSO_ESMS_API_KEY: 'API-KEY', NGOSO_ESMS_SECRET_KEY: 'SECRET', NGOSO_ESMS_BRANDNAME: 'KHAC', NGOSO_ESMS_CALLBACK_TOKEN: TOKEN }));
    const id = await queue('sms');
    expect(await dispatchDue(database.db, wrong)).toMatchObject({ failed: 1 });
    expect(await message(id)).toMatchObject({ state: 'failed', attempts: 1, lastError: 'eSMS từ chối (mã 104): Brand name code is not exist' });
  });

  it('a resend after a lost answer is not sent twice (RequestId), and counts as sent', async () => {
    const id = await queue('sms');
    await dispatchDue(database.db, notifiers);
    // the process died after eSMS took it but before the state was saved: the lease runs out
    await database.db.execute(sql`update notify_messages set state = 'sending', provider_id = null where id = ${id}`);
    clock.set('2026-11-10T09:11:00+07:00');
    await dispatchDue(database.db, notifiers);
    expect(fake.esmsRequests.at(-1)!.RequestId).toBe(id);
    expect(await message(id)).toMatchObject({ state: 'sent', attempts: 2, providerId: `request:${id}` });
  });
});

describe('Zalo ZNS', () => {
  it('sends the approved template with the parameters, and takes the signed delivery event', async () => {
    const id = await queue('zalo');
    expect(await dispatchDue(database.db, notifiers)).toMatchObject({ sent: 1 });
    const req = fake.znsRequests.at(-1)!;
    expect(req.headers.access_token).toBe('ZALO-TOKEN');
    expect(req.body).toEqual({ phone: '84912345678', template_id: '412345', template_data: params, tracking_id: id });
    const { providerId } = await message(id);
    const event = fake.zaloDelivered(providerId!);
    const res = await app.inject({ method: 'POST', url: '/api/notify/zalo/webhook', headers: event.headers, payload: event.body });
    expect([res.statusCode, res.json()]).toEqual([200, { known: true }]);
    expect((await message(id)).state).toBe('delivered');
  });

  it('a forged event (wrong secret, no signature, a changed body) is refused and changes nothing', async () => {
    const id = await queue('zalo');
    await dispatchDue(database.db, notifiers);
    const { providerId } = await message(id);
    const forged = fake.zaloDelivered(providerId!, 'guessed-secret');
    const tampered = fake.zaloDelivered('another-msg-id');
    for (const [headers, payload] of [[forged.headers, forged.body], [{ 'content-type': 'application/json' }, fake.zaloDelivered(providerId!).body], [tampered.headers, tampered.body.replace('another-msg-id', providerId!)]] as const) {
      const res = await app.inject({ method: 'POST', url: '/api/notify/zalo/webhook', headers, payload });
      expect([res.statusCode, res.json().error.code]).toEqual([401, 'SIGNATURE_INVALID']);
    }
    expect((await message(id)).state).toBe('sent');
  });

  it('a phone without Zalo fails the message and the SMS fallback takes over', async () => {
    fake.noZalo.add('84912345678');
    const id = await queue('zalo', ['sms']);
    expect(await dispatchDue(database.db, notifiers)).toMatchObject({ failed: 1 });
    expect((await message(id)).lastError).toBe('Zalo từ chối (mã -108): Phone number is invalid or has no Zalo account');
    expect(await dispatchDue(database.db, notifiers)).toMatchObject({ sent: 1 });
    const rows = await queryRows<{ channel: string; state: string }>(database.db, sql`select channel, state from notify_messages order by created_at, channel`);
    expect(rows.map((r) => `${r.channel}:${r.state}`).sort()).toEqual(['sms:sent', 'zalo:failed']);
    fake.noZalo.clear();
  });
});

describe('quiet hours and channels not configured', () => {
  it('nothing is sent from 22:00 to 06:00 Vietnam time: due messages wait for 06:00', async () => {
    clock.set('2026-11-10T23:15:00+07:00');
    const memory = new MemoryNotifier('sms');
    const id = await queue('sms');
    expect(await dispatchDue(database.db, { sms: memory })).toEqual({ sent: 0, retried: 0, failed: 0, deferred: 1 });
    expect((await message(id)).next.toISOString()).toBe('2026-11-10T23:00:00.000Z'); // 06:00 on 11/11 in Vietnam
    clock.set('2026-11-11T05:59:00+07:00');
    expect(await dispatchDue(database.db, { sms: memory })).toMatchObject({ sent: 0 });
    clock.set('2026-11-11T06:00:00+07:00');
    expect(await dispatchDue(database.db, { sms: memory })).toMatchObject({ sent: 1 });
    expect(memory.sent.map((m) => m.id)).toEqual([id]);
  });

  it('a channel that is off fails its messages with why, so the fallback runs', async () => {
    const memory = new MemoryNotifier('sms');
    const id = await queue('push', ['sms']);
    await dispatchDue(database.db, { sms: memory });
    expect(await message(id)).toMatchObject({ state: 'failed', lastError: 'kênh push chưa được cấu hình' });
    await dispatchDue(database.db, { sms: memory });
    expect(memory.sent).toHaveLength(1);
    expect(memory.sent[0].to.phone).toBe('+84912345678');
  });
});

describe('web push', () => {
  it('pushes the encrypted payload with a VAPID signature to the browser’s push service; a gone subscription is forgotten, a failing service retried', async () => {
    const browser = createECDH('prime256v1');
    const p256dh = browser.generateKeys().toString('base64url');
    const auth = randomBytes(16);
    const [{ id: userId }] = await queryRows<{ id: number }>(database.db, sql`insert into users (username, full_name, password_hash, role) values ('push.user', 'Người Nhận', 'x', 'member') returning id`);
    const sub = async (name: string) => (await queryRows<{ id: number }>(database.db, sql`insert into push_subscriptions (user_id, endpoint, p256dh, auth) values (${userId}, ${`${fake.url}/push/${name}`}, ${p256dh}, ${auth.toString('base64url')}) returning id`))[0].id;
    const keys = { ...newVapidKeys(), subject: 'mailto:quantri@sonla.gov.vn' };
    const push = { push: new WebPushNotifier(keys) };
    const queuePush = async (subscriptionId: number) => (await enqueue(database.db, [{ channel: 'push', template: 'directive.new', params: { ...params, subscriptionId: String(subscriptionId), url: '/field/#chi-dao' }, userId }]))[0];
    const ok = await queuePush(await sub('ok-1'));
    expect(await dispatchDue(database.db, push)).toMatchObject({ sent: 1 });
    const got = fake.pushes.at(-1)!;
    expect([got.id, got.headers['content-encoding'], got.headers.ttl, got.headers.urgency]).toEqual(['ok-1', 'aes128gcm', '86400', 'normal']);
    expect(String(got.headers.authorization)).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${keys.publicKey}$`));
    const plain = JSON.parse(ece.decrypt(got.body, { version: 'aes128gcm', privateKey: browser, authSecret: auth }).toString('utf8'));
    expect(plain).toEqual({ title: params.title, body: '[Ngõ Số] UBND tỉnh Sơn La gửi chỉ đạo: Tuyên truyền kích hoạt VNeID mức 2. Hạn 15/11/2026. Xem: https://ngoso.example.vn/chi-dao/abc', url: '/field/#chi-dao' });
    expect((await message(ok)).state).toBe('sent');
    const goneSub = await sub('gone-1');
    const gone = await queuePush(goneSub);
    await dispatchDue(database.db, push);
    expect(await message(gone)).toMatchObject({ state: 'failed', lastError: 'trình duyệt đã hủy đăng ký nhận thông báo (HTTP 410)' });
    expect(await queryRows(database.db, sql`select id from push_subscriptions where id = ${goneSub}`)).toEqual([]);
    const failing = await queuePush(await sub('fail-1'));
    await dispatchDue(database.db, push);
    expect(await message(failing)).toMatchObject({ state: 'queued', attempts: 1, lastError: 'dịch vụ push trả lỗi HTTP 500' });
  });
});
