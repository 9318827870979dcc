import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sign } from '@fastify/cookie';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionsRegistry } from '../../test/sessions.js';
import { TEST_SECRETS, testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { type Database, queryRows } from '../db/client.js';
import { insertSession, insertUser } from './access.repo.js';
import { SYNC_RATE_LIMIT } from './access.plugin.js';

/**
 * Rate limits (issue 13, item 10): authenticated sync counts per account and installation
 * (x-device-id), not per address: a carrier NAT puts hundreds of phones behind one. Requests of
 * signed-out callers still count per address. Accounts are made in the tables (a session row and
 * its signed cookie, as bench/phones.ts does), not by 300 argon2 sign-ins.
 */
let database: Database;
let app: TestAppInstance;
const NAT = '100.64.12.34';
let teamId: number;
let unitId: number;
let seq = 0;

/** A signed-in team leader of the commune team: the session cookie and a CSRF token for it. */
async function phoneAccount(): Promise<{ userId: number; headers: Record<string, string> }> {
  const n = ++seq;
  const user = await insertUser(database.db, { username: `dien-thoai-${n}`, fullName: `Điện thoại ${n}`, passwordHash: 'không dùng', role: 'team_leader', scopeUnitId: unitId, scopeTeamId: teamId });
  const token = randomBytes(24).toString('hex');
  await insertSession(database.db, { tokenHash: createHash('sha256').update(token).digest('hex'), userId: user.id, expiresAt: new Date(Date.now() + 86_400_000), ip: NAT });
  const session = `ngoso_session=${encodeURIComponent(sign(token, TEST_SECRETS.cookieSecret))}`;
  const csrf = await app.inject({ method: 'GET', url: '/api/auth/csrf', headers: { cookie: session }, remoteAddress: NAT });
  const set = csrf.cookies.map((c) => `${c.name}=${c.value}`);
  return { userId: user.id, headers: { cookie: [session, ...set].join('; '), 'x-csrf-token': csrf.json().token } };
}

const sync = (headers: Record<string, string>, device: string) =>
  app.inject({ method: 'POST', url: '/api/support-sessions/sync', remoteAddress: NAT, headers: { ...headers, 'x-device-id': device }, payload: { records: [], deviceNow: new Date().toISOString() } });

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database);
  const { team } = await sessionsRegistry(database.db);
  teamId = team.chiengAn;
  [{ unitId }] = await queryRows<{ unitId: number }>(database.db, sql`select unit_id as "unitId" from teams where id = ${teamId}`);
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('rate limit of authenticated sync', () => {
  it('300 accounts, each its own phone, behind one address all sync', async () => {
    const phones = [];
    for (let i = 0; i < 300; i++) phones.push({ ...(await phoneAccount()), device: randomUUID() });
    const answers = await Promise.all(phones.map((p) => sync(p.headers, p.device)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(300).fill(200));
    // and again: 600 syncs from one address in the minute, none refused
    const again = await Promise.all(phones.map((p) => sync(p.headers, p.device)));
    expect(again.filter((a) => a.statusCode === 200).length).toBe(300);
  }, 120_000);

  it('one account on one phone over its limit gets 429 with the wait in Vietnamese and Retry-After; its other phone and other accounts still sync', async () => {
    expect(SYNC_RATE_LIMIT).toEqual({ max: 120, perAccount: 360 });
    const me = await phoneAccount();
    const device = randomUUID();
    const codes: number[] = [];
    for (let i = 0; i < SYNC_RATE_LIMIT.max; i++) codes.push((await sync(me.headers, device)).statusCode);
    expect(codes).toEqual(Array(SYNC_RATE_LIMIT.max).fill(200));
    const over = await sync(me.headers, device);
    expect(over.statusCode).toBe(429);
    const wait = Number(over.headers['retry-after']);
    expect(Number.isInteger(wait) && wait >= 1 && wait <= 60).toBe(true);
    expect(over.json()).toEqual({ error: { code: 'RATE_LIMITED', message: `Máy này gửi đồng bộ quá nhiều lần trong một phút; hãy đợi ${wait} giây rồi thử lại. Các buổi chưa gửi vẫn được giữ trên máy.` } });
    // another account behind the same address, and the same account on another phone, are counted apart
    const otherSession = await phoneAccount();
    expect((await sync(otherSession.headers, randomUUID())).statusCode).toBe(200);
    expect((await sync(me.headers, randomUUID())).statusCode).toBe(200);
    // nothing about the refusal is written to the audit log (a limit is not a refusal of access)
    const denied = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log where action = 'access.denied'`);
    expect(denied[0].n).toBe(0);
  }, 120_000);

  it('a made-up x-device-id per request does not escape the account’s own cap over all its installations', async () => {
    const me = await phoneAccount();
    const codes: number[] = [];
    for (let i = 0; i < SYNC_RATE_LIMIT.perAccount; i++) codes.push((await sync(me.headers, randomUUID())).statusCode);
    expect(codes).toEqual(Array(SYNC_RATE_LIMIT.perAccount).fill(200));
    const over = await sync(me.headers, randomUUID());
    expect(over.statusCode).toBe(429);
    const wait = Number(over.headers['retry-after']);
    expect(Number.isInteger(wait) && wait >= 1 && wait <= 60).toBe(true);
    expect(over.json()).toEqual({ error: { code: 'RATE_LIMITED', message: `Tài khoản này gửi đồng bộ quá nhiều lần trong một phút (từ mọi máy cộng lại); hãy đợi ${wait} giây rồi thử lại. Các buổi chưa gửi vẫn được giữ trên máy.` } });
    // another account is not held back by it
    expect((await sync((await phoneAccount()).headers, randomUUID())).statusCode).toBe(200);
  }, 120_000);

  it('signed-out requests still count per address', async () => {
    const anon = (ip: string) => app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress: ip });
    const codes: number[] = [];
    for (let i = 0; i < 600; i++) codes.push((await anon('198.51.100.7')).statusCode);
    expect(codes).toEqual(Array(600).fill(200));
    const over = await anon('198.51.100.7');
    expect(over.statusCode).toBe(429);
    expect(over.json().error.message).toBe(`Quá nhiều yêu cầu; hãy đợi ${over.headers['retry-after']} giây rồi thử lại.`);
    expect((await anon('198.51.100.8')).statusCode).toBe(200);
  }, 120_000);
});
