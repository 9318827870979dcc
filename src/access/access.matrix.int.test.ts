import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, TestClient } from '../../test/auth.js';
import { testApp, testDatabase } from '../../test/db.js';
import { csv, HEADER } from '../../test/fixtures.js';
import type { Database } from '../db/client.js';
import { ALL, ROLES, type Role } from './access.policy.js';
import type { RouteRule } from './access.plugin.js';
import { createUser } from './users.service.js';
import { importRoster } from '../imports/imports.service.js';
import { listTeams } from '../registry/registry.service.js';
import { membersOfTeam } from '../registry/registry.repo.js';

/**
 * The authorization matrix: every registered API route, called by every role (and anonymously),
 * in scope and out of scope. A route without a declared rule cannot even register; a route
 * without a sample request below fails this test, so a new route cannot slip through untested.
 */
let database: Database;
let app: Awaited<ReturnType<typeof testApp>>;
const rules: RouteRule[] = [];
const clients = new Map<Role, TestClient>();
let teams: { home: number; other: number; far: number };
let users: { home: number; other: number; far: number };
/** the first member of each sample team, for support-session samples */
let teamMember: { home: number; other: number; far: number };
const session = (teamId: number, memberId: number) => ({
  records: [{ id: crypto.randomUUID(), teamId, memberIds: [memberId], occurredAt: new Date().toISOString(), kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }] }],
});
/** province-level roles' "away" is another province */
const far = (r: Role) => r === 'province_officer' || r === 'viewer';

/** What "home" (in scope) and "away" (out of scope) mean for each role. */
const HOME: Record<Role, { unit: string; away: string }> = {
  admin: { unit: '14', away: '14' },
  province_officer: { unit: '14', away: '01' },
  commune_officer: { unit: '03664', away: '04105' },
  team_leader: { unit: '03664', away: '04105' },
  member: { unit: '03664', away: '04105' },
  viewer: { unit: '14', away: '01' },
};

const REFUSALS = ['AUTH_REQUIRED', 'FORBIDDEN', 'OUT_OF_SCOPE', 'PASSWORD_CHANGE_REQUIRED', 'CSRF_INVALID'];
const refusal = (res: LightMyRequestResponse): string | null => {
  if (res.statusCode !== 401 && res.statusCode !== 403 && res.statusCode !== 404) return null;
  const code = res.json().error?.code as string;
  return REFUSALS.includes(code) || ['TEAM_NOT_FOUND', 'USER_NOT_FOUND'].includes(code) ? code : null;
};

let seq = 0;
const rosterForm = (commune: string, province = 'Sơn La') => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(csv([HEADER, [province, commune, '', '', 'Lò Văn Thử', 'Nam', 1990, '', '', '']]))]), 'r.csv');
  return form;
};

const populationForm = (code: string) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(csv([['Mã xã', 'Năm', 'Dân số'], [code, 2026, 5000]]))]), 'dan-so.csv');
  return form;
};

/** One request per route: `home` must be allowed for permitted roles; `away` must be refused (or, for imports, the rows refused). */
type Sample = { home: (c: TestClient, role: Role) => Promise<LightMyRequestResponse>; away?: (c: TestClient, role: Role) => Promise<LightMyRequestResponse> };
const SAMPLES: Record<string, Sample> = {
  'GET /api/health': { home: (c) => c.get('/api/health') },
  'GET /api/openapi.json': { home: (c) => c.get('/api/openapi.json') },
  'GET /api/units': { home: (c) => c.get('/api/units?parent=14') },
  'GET /api/units/resolve': { home: (c) => c.get('/api/units/resolve?name=Mai%20S%C6%A1n&province=14') },
  'GET /api/units/:code': { home: (c) => c.get('/api/units/03664') },
  'GET /api/catalogue/issues': { home: (c) => c.get('/api/catalogue/issues') },
  'GET /api/setup': { home: (c) => c.get('/api/setup') },
  'POST /api/setup': { home: (c) => c.post('/api/setup', { fullName: 'Ai Đó', username: 'aido', password: 'mot-mat-khau-dai' }) },
  'GET /api/auth/csrf': { home: (c) => c.get('/api/auth/csrf') },
  'POST /api/auth/login': { home: (c) => c.post('/api/auth/login', { login: 'khong-co', password: 'sai-mat-khau' }) },
  'POST /api/auth/reset': { home: (c) => c.post('/api/auth/reset', { login: 'khong-co', code: '12345678', newPassword: 'mot-mat-khau-dai' }) },
  'POST /api/auth/logout': { home: (c) => c.post('/api/auth/logout') },
  'GET /api/auth/me': { home: (c) => c.get('/api/auth/me') },
  'POST /api/auth/password': { home: (c) => c.post('/api/auth/password', { currentPassword: 'sai-mat-khau', newPassword: 'mot-mat-khau-dai' }) },
  'GET /api/users': { home: (c) => c.get('/api/users') },
  'POST /api/users': {
    home: (c) => c.post('/api/users', { fullName: 'Thành Viên Mới', username: `tv.moi.${++seq}`, password: 'mot-mat-khau-dai', role: 'member', teamId: teams.home }),
    away: (c, r) => c.post('/api/users', { fullName: 'Thành Viên Xa', username: `tv.xa.${++seq}`, password: 'mot-mat-khau-dai', role: 'member', teamId: far(r) ? teams.far : teams.other }),
  },
  'POST /api/users/:id/reset': { home: (c) => c.post(`/api/users/${users.home}/reset`), away: (c, r) => c.post(`/api/users/${far(r) ? users.far : users.other}/reset`) },
  'GET /api/teams': { home: (c, r) => c.get(`/api/teams?unit=${HOME[r].unit}`), away: (c, r) => c.get(`/api/teams?unit=${HOME[r].away}`) },
  'GET /api/teams/:id': { home: (c) => c.get(`/api/teams/${teams.home}`), away: (c, r) => c.get(`/api/teams/${far(r) ? teams.far : teams.other}`) },
  'GET /api/search': { home: (c) => c.get('/api/search?q=thu') },
  'POST /api/imports': {
    home: (c) => c.request({ method: 'POST', url: '/api/imports?province=14', payload: rosterForm('Chiềng An') }),
    away: (c, r) => c.request({ method: 'POST', url: '/api/imports', payload: far(r) ? rosterForm('Ba Đình', 'Hà Nội') : rosterForm('Mai Sơn') }),
  },
  'GET /api/imports': { home: (c) => c.get('/api/imports') },
  'GET /api/imports/limits': { home: (c) => c.get('/api/imports/limits') },
  'POST /api/imports/mappings': { home: (c) => c.post('/api/imports/mappings', { headers: ['Họ và tên', 'Điện thoại liên lạc'], mapping: { 0: 'fullName', 1: 'phone' } }) },
  'GET /api/reports/network': { home: (c, r) => c.get(`/api/reports/network?unit=${HOME[r].unit}`), away: (c, r) => c.get(`/api/reports/network?unit=${HOME[r].away}`) },
  'POST /api/residents': {
    home: (c, r) => c.post('/api/residents', { unit: HOME[r].unit.length === 2 ? '03664' : HOME[r].unit, birthYear: 1960 }),
    away: (c, r) => c.post('/api/residents', { unit: far(r) ? '00004' : HOME[r].away.length === 2 ? '00004' : HOME[r].away, birthYear: 1960 }),
  },
  'GET /api/residents': { home: (c, r) => c.get(`/api/residents?commune=${HOME[r].unit.length === 2 ? '03664' : HOME[r].unit}`), away: (c, r) => c.get(`/api/residents?commune=${far(r) ? '00004' : HOME[r].away}`) },
  'GET /api/reports/roster': { home: (c, r) => c.get(`/api/reports/roster?unit=${HOME[r].unit}`), away: (c, r) => c.get(`/api/reports/roster?unit=${HOME[r].away}`) },
  'POST /api/support-sessions/sync': {
    home: (c) => c.post('/api/support-sessions/sync', session(teams.home, teamMember.home)),
    away: (c, r) => c.post('/api/support-sessions/sync', far(r) ? session(teams.far, teamMember.far) : session(teams.other, teamMember.other)),
  },
  'GET /api/field/context': { home: (c) => c.get('/api/field/context') },
  'POST /api/support-services': {
    home: (c) => c.post('/api/support-services', { code: `dv_tinh_${++seq}`, name: 'Dịch vụ của tỉnh', icon: '⭐', province: '14' }),
    away: (c) => c.post('/api/support-services', { code: `dv_xa_${++seq}`, name: 'Dịch vụ tỉnh khác', icon: '⭐', province: '01' }),
  },
  'GET /api/support-services': { home: (c) => c.get('/api/support-services?province=14') },
  'POST /api/population': {
    home: (c) => c.post('/api/population', { rows: [{ unit: '03664', year: 2026, population: 5000 }] }),
    away: (c, r) => c.post('/api/population', { rows: [{ unit: far(r) ? '00004' : '04105', year: 2026, population: 5000 }] }),
  },
  'POST /api/population/import': {
    home: (c) => c.request({ method: 'POST', url: '/api/population/import', payload: populationForm('03664') }),
    away: (c, r) => c.request({ method: 'POST', url: '/api/population/import', payload: populationForm(far(r) ? '00004' : '04105') }),
  },
  'GET /api/reports/support': { home: (c, r) => c.get(`/api/reports/support?unit=${HOME[r].unit}`), away: (c, r) => c.get(`/api/reports/support?unit=${HOME[r].away}`) },
  'GET /api/audit': { home: (c, r) => c.get(`/api/audit?unit=${HOME[r].unit}`), away: (c, r) => c.get(`/api/audit?unit=${HOME[r].away}`) },
};

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database, {}, rules);
  const roster = csv([
    HEADER,
    ['Sơn La', 'Chiềng An', '', '', 'Lò Văn Thủ', 'Nam', 1990, '0912000001', 'Tổ trưởng', ''],
    ['Sơn La', 'Mai Sơn', '', '', 'Cầm Văn Thú', 'Nam', 1991, '0912000002', 'Tổ trưởng', ''],
    ['Hà Nội', 'Ba Đình', '', '', 'Nguyễn Văn Xa', 'Nam', 1992, '0912000003', 'Tổ trưởng', ''],
  ]);
  await importRoster(database.db, { name: 'r.csv', data: roster }, { commit: true, maxBytes: 1e7 });
  const [home] = await listTeams(database.db, '03664', ALL);
  const [other] = await listTeams(database.db, '04105', ALL);
  const [farTeam] = await listTeams(database.db, '00004', ALL);
  teams = { home: home.id, other: other.id, far: farTeam.id };
  const firstMember = async (id: number) => (await membersOfTeam(database.db, id))[0].memberId;
  teamMember = { home: await firstMember(teams.home), other: await firstMember(teams.other), far: await firstMember(teams.far) };
  const mk = (username: string, teamId: number) => createUser(database.db, { fullName: username, username, password: 'mot-mat-khau-dai', role: 'member', teamId, mustChangePassword: false }, null);
  users = { home: (await mk('tv.nha', teams.home)).id, other: (await mk('tv.xa', teams.other)).id, far: (await mk('tv.hanoi', teams.far)).id };
  for (const role of ROLES) {
    clients.set(role, await signedInClient(app, database.db, { username: `u.${role}`, role, ...(role === 'team_leader' || role === 'member' ? { teamId: teams.home } : { unit: role === 'admin' ? undefined : HOME[role].unit }) }));
  }
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('authorization matrix', () => {
  it('every API route declares a rule and has a sample request here', () => {
    const keys = rules.map((r) => `${r.method} ${r.url}`);
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((k) => !SAMPLES[k])).toEqual([]);
    expect(Object.keys(SAMPLES).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('anonymous callers reach only public routes', async () => {
    for (const rule of rules) {
      const res = await SAMPLES[`${rule.method} ${rule.url}`].home(new TestClient(app), 'admin');
      const code = refusal(res);
      if ('public' in rule.access) expect([rule.url, code]).toEqual([rule.url, null]);
      else expect([rule.url, code]).toEqual([rule.url, 'AUTH_REQUIRED']);
    }
  });

  for (const role of ROLES) {
    it(`${role}: allowed routes work in scope, refused routes say so, out-of-scope is refused`, async () => {
      const outcome: string[] = [];
      for (const rule of rules) {
        if (rule.url === '/api/auth/logout') continue; // would end the session the matrix uses; covered below
        const sample = SAMPLES[`${rule.method} ${rule.url}`];
        const client = clients.get(role)!;
        const allowed = 'public' in rule.access || rule.access.roles.includes(role);
        const home = await sample.home(client, role);
        outcome.push(`${rule.method} ${rule.url} home ${allowed ? (refusal(home) === null ? 'ok' : `WRONGLY ${refusal(home)}`) : refusal(home) === 'FORBIDDEN' ? 'ok' : `NOT REFUSED ${home.statusCode}`}`);
        if (allowed && sample.away && !(role === 'admin')) {
          const away = await sample.away(client, role);
          const refused =
            rule.url === '/api/imports'
              ? away.json().files?.[0]?.problems?.some((p: { message: string }) => p.message.includes('ngoài phạm vi'))
              : rule.url === '/api/support-sessions/sync'
                ? away.json().results?.[0]?.reason?.includes('ngoài phạm vi')
                : refusal(away) !== null;
          outcome.push(`${rule.method} ${rule.url} away ${refused ? 'ok' : `NOT REFUSED ${away.statusCode}`}`);
        }
      }
      expect(outcome.filter((o) => !o.endsWith(' ok'))).toEqual([]);
    });
  }

  it('logout ends the session', async () => {
    const client = await signedInClient(app, database.db, { username: 'u.logout', role: 'viewer', unit: '14' });
    expect((await client.post('/api/auth/logout')).statusCode).toBe(200);
    expect((await client.get('/api/auth/me')).json()).toEqual({ user: null, scope: null, unit: null, team: null });
  });

  it('lists are filtered to the scope', async () => {
    const commune = clients.get('commune_officer')!;
    const hits = (await commune.get('/api/search?q=lo%20van')).json();
    expect(hits.members.map((m: { fullName: string }) => m.fullName)).toEqual(['Lò Văn Thủ']);
    const province = (await clients.get('province_officer')!.get('/api/search?q=van%20thu')).json();
    expect(province.members.map((m: { fullName: string }) => m.fullName).sort()).toEqual(['Cầm Văn Thú', 'Lò Văn Thủ']);
    const leader = (await clients.get('team_leader')!.get('/api/teams?unit=14')).json();
    expect(leader.teams.map((t: { id: number }) => t.id)).toEqual([teams.home]);
  });

  it('the import log shows each officer only imports into their units', async () => {
    const commit = (name: string, row: (string | number)[]) => importRoster(database.db, { name, data: csv([HEADER, row]) }, { commit: true, maxBytes: 1e7 });
    await commit('mai-son.csv', ['Sơn La', 'Mai Sơn', '', '', 'Lò Văn Nhật', 'Nam', 1990, '', '', '']);
    await commit('ba-dinh.csv', ['Hà Nội', 'Ba Đình', '', '', 'Trần Văn Ký', 'Nam', 1990, '', '', '']);
    const names = async (role: Role) => (await clients.get(role)!.get('/api/imports')).json().imports.map((l: { fileName: string }) => l.fileName);
    expect(await names('admin')).toEqual(['ba-dinh.csv', 'mai-son.csv', 'r.csv']);
    expect(await names('province_officer')).toEqual(['mai-son.csv', 'r.csv']);
    expect(await names('commune_officer')).toEqual(['r.csv']);
  });

  it('read-only inspectors see members’ phones masked', async () => {
    const viewer = (await clients.get('viewer')!.get(`/api/teams/${teams.home}`)).json();
    const officer = (await clients.get('commune_officer')!.get(`/api/teams/${teams.home}`)).json();
    expect([viewer.members[0].phone, officer.members[0].phone]).toEqual(['09•••••001', '0912 000 001']);
  });

  it('refusals are written to the audit log', async () => {
    const officer = clients.get('commune_officer')!;
    expect((await officer.get('/api/reports/network?unit=04105')).statusCode).toBe(403);
    const log = (await clients.get('admin')!.get('/api/audit')).json().entries;
    expect(log.find((e: { action: string; entityId: string }) => e.action === 'access.denied' && e.entityId === 'GET /api/reports/network')).toMatchObject({ after: { code: 'OUT_OF_SCOPE' } });
  });
});
