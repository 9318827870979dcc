import { randomBytes } from 'node:crypto';
import { sign } from '@fastify/cookie';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, TestClient } from '../../test/auth.js';
import { TEST_SECRETS, testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { type Database, queryRows } from '../db/client.js';

/**
 * Which refusals reach the audit log (issue 13, item 9; access.plugin.ts refusalWorthAuditing):
 * those of a caller who showed a credential, not the background calls of a signed-out page.
 */
let database: Database;
let app: TestAppInstance;

const deniedRows = async () =>
  queryRows<{ userId: number | null; entityId: string; after: { code: string; credential?: string; requester: unknown } }>(database.db, sql`select user_id as "userId", entity_id as "entityId", after from audit_log where action = 'access.denied' order by id`);

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database);
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('refusals in the audit log', () => {
  it('10 background calls of the signed-out field app are refused or answered, and write nothing to the audit log', async () => {
    const phone = new TestClient(app, '10.20.0.1');
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) {
      answers.push((await phone.get('/api/auth/me')).statusCode, (await phone.get('/api/field/context')).statusCode);
    }
    answers.push((await phone.post('/api/support-sessions/sync', { records: [] })).statusCode);
    expect(answers).toEqual([...Array(10).fill([200, 401]).flat(), 401]);
    expect(await deniedRows()).toEqual([]);
  });

  it('a cookie that is not the server’s, or of a session that has ended, is audited once per call, naming what it was', async () => {
    const forged = new TestClient(app, '10.20.0.2');
    forged.setCookie('ngoso_session', 's%3Aabc.def');
    expect((await forged.get('/api/field/context')).statusCode).toBe(401);
    const ended = new TestClient(app, '10.20.0.3');
    ended.setCookie('ngoso_session', encodeURIComponent(sign(randomBytes(32).toString('base64url'), TEST_SECRETS.cookieSecret)));
    expect((await ended.get('/api/field/context')).statusCode).toBe(401);
    // the CSRF cookie's value (signed with the same secret) replayed as the session cookie: not a session token, so 'forged'
    const replayed = new TestClient(app, '10.20.0.4');
    replayed.setCookie('ngoso_session', encodeURIComponent(sign(randomBytes(18).toString('base64'), TEST_SECRETS.cookieSecret)));
    expect((await replayed.get('/api/field/context')).statusCode).toBe(401);
    expect((await deniedRows()).map((r) => [r.userId, r.entityId, r.after.code, r.after.credential, r.after.requester])).toEqual([
      [null, 'GET /api/field/context', 'AUTH_REQUIRED', 'forged', null],
      [null, 'GET /api/field/context', 'AUTH_REQUIRED', 'ended', null],
      [null, 'GET /api/field/context', 'AUTH_REQUIRED', 'forged', null],
    ]);
  });

  it('a signed-in read-only viewer refused by role is audited with who they are', async () => {
    const inspector = await signedInClient(app, database.db, { username: 'thanh-tra', role: 'viewer', unit: '14' });
    expect((await inspector.get('/api/field/context')).statusCode).toBe(403);
    const rows = await deniedRows();
    expect(rows.length).toBe(4);
    expect(rows[3]).toMatchObject({ entityId: 'GET /api/field/context', after: { code: 'FORBIDDEN', requester: { role: 'viewer', unit: '14' } } });
    expect(rows[3].after.credential).toBeUndefined();
  });
});
