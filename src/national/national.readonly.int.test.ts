import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, TestClient } from '../../test/auth.js';
import { testApp, testDatabase } from '../../test/db.js';
import type { RouteRule } from '../access/access.plugin.js';
import { ALL, ROLES } from '../access/access.policy.js';
import { createTeamBody } from '../registry/registry.contract.js';
import { createTeam } from '../registry/registry.teams.js';
import { directiveBody } from '../directives/directives.contract.js';
import { issueDirective } from '../directives/directives.service.js';
import { ensureSessionPartitions } from '../sessions/sessions.partitions.js';
import { prepareNational } from './national.subscription.js';
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../db/client.js';

/**
 * The national server (NGOSO_NATIONAL=1) is read-only for province data (issue 18): every write
 * route of the API and every resident's form answers 409 READ_ONLY, whatever the body, the method
 * spelling or the path's form; sign-in, the first-run page and the server's own accounts work.
 */
let database: Database;
let app: Awaited<ReturnType<typeof testApp>>;
const rules: RouteRule[] = [];
let admin: TestClient;

/** What the national server writes itself, by route. */
const OWN_WRITES = new Set([
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'POST /api/auth/password',
  'POST /api/auth/reset',
  'POST /api/setup',
  'POST /api/users',
  'PATCH /api/users/:id',
  'POST /api/users/:id/reset',
]);

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database, { NGOSO_NATIONAL: '1' }, rules);
  admin = await signedInClient(app, database.db, { username: 'quantri_toanquoc', role: 'admin' });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const sample = (url: string) => url.replace(/:token/g, 'a'.repeat(22)).replace(/:code/g, '03664').replace(/:[a-zA-Z]+/g, '1');

describe('the national server refuses writes of province data', () => {
  it('refuses every write route of the API, whatever the body, with 409 READ_ONLY; its own accounts and sign-in are not refused', async () => {
    const writes = rules.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
    expect(writes.length).toBeGreaterThan(50);
    const wrong: string[] = [];
    for (const r of writes) {
      const key = `${r.method} ${r.url}`;
      const res = await admin.request({ method: r.method as 'POST', url: sample(r.url), payload: {} });
      const code = String(res.headers['content-type']).includes('json') ? res.json().error?.code : res.statusCode;
      if (OWN_WRITES.has(key) ? code === 'READ_ONLY' : res.statusCode !== 409 || code !== 'READ_ONLY') wrong.push(`${key} → ${res.statusCode} ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses the residents’ forms with a page', async () => {
    const wrong: string[] = [];
    for (const url of ['/nho-ho-tro', `/yeu-cau/${'a'.repeat(22)}`, '/tin/1/binh-luan', '/binh-luan/1/bao-cao', `/chi-dao/${'a'.repeat(22)}`]) {
      const res = await admin.request({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'x=1' });
      if (res.statusCode !== 409 || !res.body.includes('Máy chủ toàn quốc chỉ đọc')) wrong.push(`${url} → ${res.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });

  it('is not escaped by method or path tricks', async () => {
    const tricks: { method: NonNullable<InjectOptions['method']>; url: string; headers?: Record<string, string> }[] = [
      { method: 'POST', url: '/api/teams?x=/api/users' },
      { method: 'POST', url: '/api/teams/' },
      { method: 'POST', url: '/API/TEAMS' },
      { method: 'POST', url: '/api/auth/..%2Fteams' },
      { method: 'POST', url: '/api/auth/../teams' },
      { method: 'POST', url: '/api/users/../teams' },
      { method: 'POST', url: '/api//teams' },
      { method: 'POST', url: '/api/teams', headers: { 'x-http-method-override': 'GET' } },
      { method: 'GET', url: '/api/teams', headers: { 'x-http-method-override': 'POST' } },
      { method: 'HEAD', url: '/api/teams' },
      { method: 'OPTIONS', url: '/api/teams' },
    ];
    const out: string[] = [];
    for (const t of tricks) {
      const res = await admin.request({ ...t, payload: t.method === 'GET' || t.method === 'HEAD' ? undefined : { level: 'commune', unit: '03664', name: 'Tổ thử' } });
      out.push(`${t.method} ${t.url} → ${res.statusCode}`);
    }
    // every write is refused (an unknown route too: the refusal comes before the route is looked at); reads are reads (GET /api/teams needs ?unit=)
    expect(out).toEqual([
      ...tricks.slice(0, 8).map((t) => `${t.method} ${t.url} → 409`),
      'GET /api/teams → 400',
      'HEAD /api/teams → 400',
      'OPTIONS /api/teams → 404',
    ]);
    expect((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from teams`))[0].n).toBe(0);
  });

  it('lets the first-run page make the national server’s first administrator', async () => {
    const fresh = await testDatabase();
    const nationalApp = await testApp(fresh, { NGOSO_NATIONAL: '1' });
    try {
      const c = new TestClient(nationalApp);
      const res = await c.post('/api/setup', { fullName: 'Quản trị toàn quốc', username: 'quantri', password: 'mat-khau-du-dai-123' });
      expect([res.statusCode, res.json().user?.username]).toEqual([200, 'quantri']);
    } finally {
      await nationalApp.close();
      await fresh.close();
    }
  });

  it('shows the replication page and the nation’s report to administrators only', async () => {
    // a province's team, as replication would have brought it (straight in the database)
    const team = await createTeam(database.db, createTeamBody.parse({ level: 'commune', unit: '03664', name: 'Tổ công nghệ số cộng đồng thử', establishedOn: '2025-08-01' }), { userId: null, ip: null, scope: ALL });
    const out: string[] = [];
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const c = await signedInClient(app, database.db, { username: `vt_${role}`, role, ...(role === 'team_leader' || role === 'member' ? { teamId: team.id } : role === 'province_officer' ? { unit: '14' } : { unit: '03664' }) });
      for (const url of ['/api/national/replication', '/api/national/network']) {
        const res = await c.get(url);
        out.push(`${role} ${url} ${res.statusCode} ${res.json().error?.code} ${Object.keys(res.json()).join(',')}`);
      }
    }
    for (const url of ['/api/national/replication', '/api/national/network']) {
      const res = await app.inject({ method: 'GET', url });
      out.push(`anonymous ${url} ${res.statusCode} ${res.json().error?.code} ${Object.keys(res.json()).join(',')}`);
    }
    expect(out).toEqual([
      ...ROLES.filter((r) => r !== 'admin').flatMap((r) => ['replication', 'network'].map((u) => `${r} /api/national/${u} 403 FORBIDDEN error`)),
      ...['replication', 'network'].map((u) => `anonymous /api/national/${u} 401 AUTH_REQUIRED error`),
    ]);
    // (the sweep above signed the first administrator out)
    const admin2 = await signedInClient(app, database.db, { username: 'quantri_toanquoc_2', role: 'admin' });
    expect((await admin2.get('/api/national/replication')).json()).toEqual(database.kind === 'postgres' ? { server: 'national', subscriptions: [] } : { server: 'embedded', province: null });
  });

  it('lets no read write province data: the database refuses this server’s own writes of published tables, the API answers READ_ONLY', async () => {
    // a province's team with a directive not yet fetched by its phone, as replication brings them (before the guard)
    const team = await createTeam(database.db, createTeamBody.parse({ level: 'commune', unit: '03664', name: 'Tổ công nghệ số cộng đồng nhận chỉ đạo', establishedOn: '2025-08-01' }), { userId: null, ip: null, scope: ALL });
    await issueDirective(database.db, directiveBody.parse({ unit: '14', issuedOn: '2026-06-01', title: 'Tuyên truyền VNeID', body: 'Nội dung', target: { teamIds: [team.id] } }), { userId: null, ip: null, scope: ALL });
    await prepareNational(database.db);
    // the field app's inbox marks a directive received on first fetch: on this server, refused
    const leader = await signedInClient(app, database.db, { username: 'totruong_nhan', role: 'team_leader', teamId: team.id });
    const inbox = await leader.get('/api/directives/inbox');
    expect([inbox.statusCode, inbox.json().error.code]).toEqual([409, 'READ_ONLY']);
    expect(await queryRows(database.db, sql`select received_at as "receivedAt" from directive_teams where team_id = ${team.id}`)).toEqual([{ receivedAt: null }]);
    expect((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from directive_events where kind = 'received'`))[0].n).toBe(0);
    // any other write of a published table, and a truncate; the time-partitioned tables through
    // their parent, through a partition, and through a partition made after the guard
    await ensureSessionPartitions(database.db, '2028-06-01');
    expect(await queryRows(database.db, sql`select to_regclass('support_daily_2029q2')::text as made`)).toEqual([{ made: 'support_daily_2029q2' }]);
    for (const statement of [
      sql`insert into support_daily (unit_id, day, service_id, outcome, sessions, residents) values (1, '2026-11-02', 0, '', 1, 1)`,
      sql`insert into support_daily_2026q4 (unit_id, day, service_id, outcome, sessions, residents) values (1, '2026-11-02', 0, '', 1, 1)`,
      sql`insert into support_daily_2029q2 (unit_id, day, service_id, outcome, sessions, residents) values (1, '2029-05-02', 0, '', 1, 1)`,
      sql`insert into training_certificates (code, training_id, member_id, full_name) values ('AAAA-BBBB-CCCC', 1, 1, 'Lò Văn Thắng')`,
      sql`update teams set name = 'Tổ khác' where id = ${team.id}`,
      sql`delete from directive_teams`,
      sql`truncate support_daily`,
    ]) {
      await expect(database.db.execute(statement)).rejects.toMatchObject({ cause: { code: '25006' } });
    }
    // reads still work, and the server's own tables are its own
    expect((await leader.get('/api/auth/me')).statusCode).toBe(200);
    await database.db.execute(sql`update registry_state set revision = revision + 1 where id = 1`);
  });
});
