import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, TestClient } from '../../test/auth.js';
import { testApp, testDatabase } from '../../test/db.js';
import { csv, HEADER } from '../../test/fixtures.js';
import { allPhones, AWAY_UNIT, awayCommunePlace, awayPlace, bodyText, buildWorld, communeOf, foreignStrings, has, HOME_UNIT, INSIDE, ok, type Place, PLACES, type Res, type Sample, scopeOfLogin, type World } from '../../test/matrix-fixture.js';
import { buildPortalWorld, portalForeignStrings, portalSamples } from '../../test/matrix-portal.js';
import { changedOutside, placesOf, scopeSnapshot } from '../../test/scope-snapshot.js';
import type { Database } from '../db/client.js';
import { PHONE_ELSEWHERE } from '../imports/imports.plan.js';
import { nameKey, searchKey } from '../text/vietnamese.js';
import { ALL, ROLES, type Role } from './access.policy.js';
import { queryRows } from '../db/client.js';
import { sql } from 'drizzle-orm';
import type { RouteRule } from './access.plugin.js';

/**
 * The authorization matrix: every registered API route, called by every role (and anonymously),
 * in scope and out of scope. A route without a declared rule cannot even register; a route
 * without a sample request below fails this test, so a new route cannot slip through untested.
 * For every role it also proves the scope by its effects: a snapshot of every row outside the
 * caller's scope (a hash per table, province, commune and team) must be the same after all of
 * the role's requests, and no response may hold a name or phone from outside the scope.
 */
let database: Database;
let app: Awaited<ReturnType<typeof testApp>>;
let w: World & { villageHome?: string };
const rules: RouteRule[] = [];
const clients = new Map<Role, TestClient>();

const REFUSALS = ['AUTH_REQUIRED', 'FORBIDDEN', 'OUT_OF_SCOPE', 'PASSWORD_CHANGE_REQUIRED', 'CSRF_INVALID', 'TEAM_NOT_FOUND', 'USER_NOT_FOUND', 'NOT_FOUND'];
const refusal = (res: Res): string | null => {
  if (res.statusCode !== 401 && res.statusCode !== 403 && res.statusCode !== 404) return null;
  const code = res.json().error?.code as string;
  return REFUSALS.includes(code) ? code : null;
};

let seq = 0;

/** Registry-edit samples: the versions to send, new people and villages made by the caller (officers), or fixed ids for the others (refused anyway). */
const teamVersion = async (id: number) => (await queryRows<{ v: number }>(database.db, sql`select version as v from teams where id = ${id}`))[0].v;
const memberVersion = async (id: number) => (await queryRows<{ v: number }>(database.db, sql`select version as v from members where id = ${id}`))[0]?.v ?? 1;
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Giang', 'Hải', 'Khánh', 'Lâm', 'Minh', 'Nam', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Vinh'];
const newName = () => `Lò Văn ${GIVEN[++seq % GIVEN.length]}`;
const newMember = async (c: TestClient): Promise<number> => {
  const res = await c.post(`/api/teams/${w.teams.home}/members`, { person: { fullName: newName() }, role: 'member', joinedOn: '2026-06-01' });
  return res.statusCode === 201 ? res.json().memberId : w.members.home;
};
const homeVillage = async (c: TestClient): Promise<string> => {
  const res = await c.post('/api/villages', { commune: '03664', name: `Bản Mới ${++seq}` });
  return res.statusCode === 201 ? res.json().code : w.villageHome!;
};
/** a village in each away commune (Tiểu khu 6 of Mai Sơn; one made in Ba Đình) */
const awayVillages = {} as Record<Place, string>;
/** A new person without a phone on the home team, straight in the database: each call of the roster-account sample makes an account for someone new. */
const ROSTER_GIVEN = ['Mai', 'Lan', 'Hoa', 'Cúc', 'Huệ', 'Sen', 'Nhung', 'Đào', 'Thơm', 'Vân'];
const rosterPerson = async (): Promise<number> => {
  const name = `Vì Thị ${ROSTER_GIVEN[++seq % ROSTER_GIVEN.length]}`;
  const [m] = await queryRows<{ id: number }>(database.db, sql`insert into members (full_name, name_key, search_key) values (${name}, ${nameKey(name)}, ${searchKey(name)}) returning id`);
  await database.db.execute(sql`insert into team_members (team_id, member_id, role) values (${w.teams.home}, ${m.id}, 'member')`);
  return m.id;
};
const rosterForm = (rows: (string | number)[][]) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(csv([HEADER, ...rows]))]), 'r.csv');
  return form;
};
const populationForm = (code: string) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(csv([['Mã xã', 'Năm', 'Dân số'], [code, 2026, 5000]]))]), 'dan-so.csv');
  return form;
};
// course completions: a completion list of one row (name, phone, unit), no certificate number, so every run stores it anew
const courseForm = (rows: string[][]) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(csv([['Họ và tên', 'Số điện thoại', 'Đơn vị', 'Khóa học', 'Ngày hoàn thành'], ...rows.map((r) => [...r, 'Bình dân học vụ số', '15/08/2025'])]))]), 'hoan-thanh.csv');
  return form;
};
/** A session kept for review (its time in the future) on the place's team, stored as the operator: its id. */
const heldSession = async (p: Place): Promise<string> => {
  const { syncSessions } = await import('../sessions/sessions.sync.js');
  const { DataProtector } = await import('../privacy/protector.js');
  const { TEST_SECRETS } = await import('../../test/db.js');
  const id = crypto.randomUUID();
  const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const [r] = await syncSessions(database.db, new DataProtector(TEST_SECRETS), [{ id, teamId: w.teams[p], memberIds: [w.members[p]], occurredAt: future, kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }] }], { userId: null, scope: ALL });
  if (r.status !== 'accepted' || !r.review) throw new Error(`held session not kept: ${JSON.stringify(r)}`);
  return id;
};
const heldAway = {} as Record<Place, string>;
const session = (p: Place) => ({
  records: [{ id: crypto.randomUUID(), teamId: w.teams[p], memberIds: [w.members[p]], occurredAt: new Date().toISOString(), kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }] }],
});

/** The trainings world: a bridge point in each place's commune, a session organised there inviting its team (the point hosted by its member), a closed home session the home member attended, and that member's certificate code. */
const tw = { points: {} as Record<Place, number>, sessions: {} as Record<Place, number>, walkIns: {} as Record<Place, string>, closed: 0, code: '' };
const trainingPlan = (unit: string, p: Place) => ({
  unit, title: `Tập huấn ${++seq}`, topic: 'vneid_level2', kind: 'in_person',
  startsAt: new Date(Date.now() - 30 * 60_000).toISOString(), endsAt: new Date(Date.now() + 3 * 3_600_000).toISOString(),
  audience: { teamIds: [w.teams[p]] }, points: [{ pointId: tw.points[p], hostMemberId: w.members[p] }],
});
const trainingVersion = async (id: number) => (await queryRows<{ v: number }>(database.db, sql`select version as v from training_sessions where id = ${id}`))[0].v;
const trainingActor = { userId: null, ip: null, scope: ALL, memberId: null };
/** A new open session at home (made by the operator), for the close sample. */
const homeTraining = async (): Promise<number> => {
  const { createTraining } = await import('../trainings/trainings.service.js');
  const { trainingBody } = await import('../trainings/trainings.contract.js');
  return (await createTraining(database.db, trainingBody.parse(trainingPlan('03664', 'home')), trainingActor)).id;
};
const walkIn = (p: Place) => ({ records: [{ id: crypto.randomUUID(), trainingId: tw.sessions[p], pointId: tw.points[p], method: 'host', walkIn: { fullName: 'Người Ngoài Danh Sách' }, checkedInAt: new Date().toISOString() }] });
/** A walk-in checked in at the place's session by the operator: its id. */
const placeWalkIn = async (p: Place): Promise<string> => {
  const { syncAttendance } = await import('../trainings/trainings.attendance.js');
  const record = walkIn(p).records[0];
  const [r] = await syncAttendance(database.db, [record], trainingActor, new Date());
  if (r.status !== 'accepted') throw new Error(`walk-in not kept: ${JSON.stringify(r)}`);
  return record.id;
};
/** The directives world: a directive of each place's commune to its team, a province directive through each place's commune (to forward), and an attachment of each. */
const dw = { directives: {} as Record<Place, number>, via: {} as Record<Place, number>, attachments: {} as Record<Place, number> };
const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const directivePlan = (unit: string, over: Record<string, unknown>) => ({ unit, issuedOn: '2026-06-01', title: `Chỉ đạo ${++seq}`, body: 'Nội dung chỉ đạo.', target: over.target, ...over });
async function buildDirectives() {
  const { issueDirective } = await import('../directives/directives.service.js');
  const { directiveBody } = await import('../directives/directives.contract.js');
  for (const p of ['home', 'sibling', 'other', 'far'] as Place[]) {
    dw.directives[p] = (await issueDirective(database.db, directiveBody.parse(directivePlan(communeOf(p)!, { target: { teamIds: [w.teams[p]] } })), trainingActor)).id;
    const province = p === 'far' ? '01' : '14';
    dw.via[p] = (await issueDirective(database.db, directiveBody.parse(directivePlan(province, { target: { units: [communeOf(p)!] }, viaCommunes: true })), trainingActor)).id;
    [{ id: dw.attachments[p] }] = await queryRows<{ id: number }>(database.db, sql`insert into directive_attachments (directive_id, name, media_type, bytes, sha256, data) values (${dw.directives[p]}, 'cong-van.pdf', 'application/pdf', ${TINY_PDF.length}, 'x', ${TINY_PDF}) returning id`);
  }
}
const pdfForm = () => {
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(TINY_PDF)]), 'phu-luc.pdf');
  return form;
};
const ackOf = (p: Place) => ({ records: [{ id: crypto.randomUUID(), directiveId: dw.directives[p], teamId: w.teams[p], status: 'read', at: new Date().toISOString() }] });
const pushSub = () => ({ endpoint: `https://fcm.googleapis.com/fcm/send/sub-${++seq}`, keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } });

async function buildTrainings() {
  const { createBridgePoint, createTraining, closeTraining } = await import('../trainings/trainings.service.js');
  const { syncAttendance } = await import('../trainings/trainings.attendance.js');
  const { sessionCertificates } = await import('../trainings/trainings.certify.js');
  for (const p of ['home', 'sibling', 'other', 'far'] as Place[]) {
    tw.points[p] = (await createBridgePoint(database.db, { commune: communeOf(p)!, name: `Điểm cầu ${p}`, placeKind: 'commune_hall' }, trainingActor)).id;
    tw.sessions[p] = (await createTraining(database.db, (await import('../trainings/trainings.contract.js')).trainingBody.parse(trainingPlan(communeOf(p)!, p)), trainingActor)).id;
  }
  for (const p of ['sibling', 'other', 'far'] as Place[]) tw.walkIns[p] = await placeWalkIn(p);
  tw.closed = await homeTraining();
  await syncAttendance(database.db, [{ id: crypto.randomUUID(), trainingId: tw.closed, pointId: tw.points.home, method: 'host', memberId: w.members.home, checkedInAt: new Date().toISOString() }], trainingActor, new Date());
  await closeTraining(database.db, tw.closed, trainingActor, new Date());
  await sessionCertificates(database.db, tw.closed, trainingActor, 'http://localhost');
  tw.code = (await queryRows<{ code: string }>(database.db, sql`select code from training_certificates where training_id = ${tw.closed}`))[0].code;
}

const SAMPLES: Record<string, Sample> = {
  'GET /api/health': { home: (c) => c.get('/api/health'), expect: ok((j) => has(j.status === 'ok', 'status ok')) },
  'GET /api/openapi.json': { home: (c) => c.get('/api/openapi.json'), expect: ok((j) => has(!!j.paths['/api/teams'], 'paths')) },
  'GET /api/maps/boundaries/:code': { home: (c) => c.get('/api/maps/boundaries/14'), expect: ok((j) => has(j.topology.objects.communes.geometries.length === 75, 'the 75 communes of Sơn La')) },
  // the national module (issue 18): the operator's replication page (a test server is neither province nor national) and the nation's report
  'GET /api/national/replication': { home: (c) => c.get('/api/national/replication'), expect: ok((j) => has(['standalone', 'embedded'].includes(j.server), 'neither province nor national')) },
  'GET /api/national/support': { home: (c) => c.get('/api/national/support?period=year&date=2026-06-01'), expect: ok((j) => has(j.target.kind === 'nation' && j.children.length === 34 && j.sessions === j.children.reduce((n: number, c: { sessions: number }) => n + c.sessions, 0), 'the 34 provinces, summed')) },
  'GET /api/national/network': { home: (c) => c.get('/api/national/network'), expect: ok((j) => has(j.children.length === 34 && j.teams.total === j.children.reduce((n: number, c: { teams: { total: number } }) => n + c.teams.total, 0), 'the 34 provinces, summed')) },
  'GET /api/units': { home: (c) => c.get('/api/units?parent=14'), expect: ok((j) => has(JSON.stringify(j).includes('03664'), 'commune 03664 listed')) },
  'GET /api/units/resolve': { home: (c) => c.get('/api/units/resolve?name=Mai%20S%C6%A1n&province=14'), expect: ok() },
  'GET /api/units/:code': { home: (c) => c.get('/api/units/03664'), expect: ok((j) => has(JSON.stringify(j).includes('Chiềng An'), 'the unit')) },
  'GET /api/catalogue/issues': { home: (c) => c.get('/api/catalogue/issues'), expect: ok((j) => has(j.issues.length > 1000, 'issues')) },
  'GET /api/setup': { home: (c) => c.get('/api/setup'), expect: ok((j) => has(j.needed === false, 'setup done')) },
  'POST /api/setup': { home: (c) => c.post('/api/setup', { fullName: 'Ai Đó', username: 'aido', password: 'mot-mat-khau-dai' }), expect: { status: 409 } },
  'GET /api/auth/csrf': { home: (c) => c.get('/api/auth/csrf'), expect: ok((j) => has(typeof j.token === 'string', 'token')) },
  'POST /api/auth/login': { home: (c) => c.post('/api/auth/login', { login: 'khong-co', password: 'sai-mat-khau' }), expect: { status: 401 } },
  'POST /api/auth/reset': { home: (c) => c.post('/api/auth/reset', { login: 'khong-co', code: '12345678', newPassword: 'mot-mat-khau-dai' }), expect: { status: 400 } },
  'POST /api/auth/logout': { home: (c) => c.post('/api/auth/logout'), expect: ok() },
  'GET /api/auth/me': { home: (c) => c.get('/api/auth/me'), expect: ok((j, r) => has(j.user?.username === `u.${r}`, 'the caller')) },
  'POST /api/auth/password': { home: (c) => c.post('/api/auth/password', { currentPassword: 'sai-mat-khau', newPassword: 'mot-mat-khau-dai' }), expect: { status: 401 } },
  'GET /api/users': {
    home: (c) => c.get('/api/users'),
    expect: ok((j) => has(j.users.some((u: { fullName: string }) => u.fullName === 'Tài Khoản Nhà'), 'the home account listed')),
    away: [(c) => c.get('/api/users'), (c) => c.get('/api/users?q=tai%20khoan'), (c) => c.get('/api/users?q=0912')],
    refused: () => true, // the list itself: checked for other units' names below
  },
  'POST /api/users': {
    home: (c) => c.post('/api/users', { fullName: 'Thành Viên Mới', username: `tv.moi.${++seq}`, password: 'mot-mat-khau-dai', role: 'member', teamId: w.teams.home }),
    expect: ok((j) => has(j.user?.fullName === 'Thành Viên Mới', 'the new account')),
    away: [(c, r) => c.post('/api/users', { fullName: 'Thành Viên Xa', username: `tv.xa.${++seq}`, password: 'mot-mat-khau-dai', role: 'member', teamId: w.teams[awayPlace(r)] })],
  },
  'POST /api/users/:id/reset': {
    home: (c) => c.post(`/api/users/${w.users.home}/reset`),
    expect: ok((j) => has(/^\d{8}$/.test(j.code), 'a code')),
    away: [(c, r) => c.post(`/api/users/${w.users[awayPlace(r)]}/reset`)],
  },
  // accounts from the roster and account changes (users.routes.ts): officers only, each in scope
  'PATCH /api/users/:id': {
    home: (c) => c.request({ method: 'PATCH', url: `/api/users/${w.users.home}`, payload: { role: 'member', teamId: w.teams.home, disabled: false } }),
    expect: ok((j) => has(j.user?.id === w.users.home && j.user.role === 'member' && j.user.disabled === false, 'the home account')),
    away: [
      (c, r) => c.request({ method: 'PATCH', url: `/api/users/${w.users[awayPlace(r)]}`, payload: { disabled: true } }),
      (c, r) => c.request({ method: 'PATCH', url: `/api/users/${w.users.home}`, payload: { teamId: w.teams[awayPlace(r)] } }),
    ],
  },
  'POST /api/members/:id/account': {
    home: async (c) => c.post(`/api/members/${await rosterPerson()}/account`, {}),
    expect: ok((j) => has(j.teamId === w.teams.home && /^\d{8}$/.test(j.code) && /^vi\.thi\.[a-z]+\.\d{4}$/.test(j.username), 'an account with a code')),
    away: [(c, r) => c.post(`/api/members/${w.members[awayPlace(r)]}/account`, {})],
  },
  'POST /api/teams/:id/accounts': {
    home: (c) => c.post(`/api/teams/${w.teams.home}/accounts`, {}),
    expect: ok((j) => has(j.team?.id === w.teams.home && Array.isArray(j.created) && j.created.every((a: { code: string }) => /^\d{8}$/.test(a.code)), 'the sheet')),
    away: [(c, r) => c.post(`/api/teams/${w.teams[awayPlace(r)]}/accounts`, {})],
  },
  'GET /api/teams/:id/accounts': {
    home: (c) => c.get(`/api/teams/${w.teams.home}/accounts`),
    expect: ok((j) => has(j.members?.some((m: { fullName: string }) => m.fullName === 'Lò Văn Nhà'), 'the home members')),
    away: [(c, r) => c.get(`/api/teams/${w.teams[awayPlace(r)]}/accounts`)],
  },
  'GET /api/teams': {
    home: (c, r) => c.get(`/api/teams?unit=${HOME_UNIT[r]}`),
    expect: ok((j, r) => {
      const world = Object.values(w.teams);
      const ids = j.teams.map((t: { id: number }) => t.id).filter((id: number) => world.includes(id)).sort(); // teams the samples below made in scope come and go
      const want = (r === 'team_leader' || r === 'member' ? [w.teams.home] : r === 'commune_officer' ? [w.teams.home, w.teams.sibling] : [w.teams.home, w.teams.sibling, w.teams.other, w.teams.other2]).sort();
      return has(JSON.stringify(ids) === JSON.stringify(want), `teams ${JSON.stringify(want)}, got ${JSON.stringify(ids)}`);
    }),
    away: [(c, r) => c.get(`/api/teams?unit=${AWAY_UNIT[r]}`)],
  },
  'GET /api/teams/:id': {
    home: (c) => c.get(`/api/teams/${w.teams.home}`),
    expect: ok((j) => has(j.id === w.teams.home && j.members.some((m: { fullName: string }) => m.fullName === 'Lò Văn Nhà'), 'the home team and its members')),
    away: [(c, r) => c.get(`/api/teams/${w.teams[awayPlace(r)]}`)],
  },
  'GET /api/search': {
    home: (c) => c.get('/api/search?q=nha'),
    expect: ok((j) => has(j.members.some((m: { fullName: string }) => m.fullName === 'Lò Văn Nhà'), 'a home member found')),
    away: [(c) => c.get('/api/search?q=xa'), (c) => c.get('/api/search?q=thu%20do'), (c) => c.get('/api/search?q=canh'), (c) => c.get('/api/search?q=van')],
    refused: () => true,
  },
  'POST /api/imports': {
    home: (c) => c.request({ method: 'POST', url: '/api/imports?province=14', payload: rosterForm([['Sơn La', 'Chiềng An', '', '', 'Lò Văn Thử', 'Nam', 1990, '', '', '']]) }),
    expect: ok((j) => has(j.files[0].counts.new === 1 && j.files[0].counts.invalid === 0, 'one new row')),
    away: [
      // rows of a unit outside the scope
      (c, r) => c.request({ method: 'POST', url: '/api/imports?commit=true', payload: rosterForm([[PLACES[awayCommunePlace(r)].province, PLACES[awayCommunePlace(r)].commune, '', '', 'Lò Văn Lạc', 'Nam', 1990, '', '', '']]) }),
      // a row on one's own team carrying another unit's member's name and phone, other gender and year
      (c, r) => {
        const [name, phone] = PLACES[awayCommunePlace(r)].members[0];
        return c.request({ method: 'POST', url: '/api/imports?commit=true', payload: rosterForm([['Sơn La', 'Chiềng An', '', '', name, 'Nữ', 2001, phone, 'Thành viên', '']]) });
      },
      // a dry run probing who owns a phone: another name with another unit's member's phone
      (c, r) => {
        const [, phone] = PLACES[awayCommunePlace(r)].members[0];
        return c.request({ method: 'POST', url: '/api/imports', payload: rosterForm([['Sơn La', 'Chiềng An', '', '', 'Lò Văn Dò', 'Nam', 1990, phone, '', '']]) });
      },
    ],
    echoes: (r) => [PLACES[awayCommunePlace(r)].members[0][0]],
    refused: (res) => {
      const report = res.statusCode === 200 ? res.json().files[0] : res.json().error?.details;
      return !!report?.problems?.some((p: { message: string }) => p.message.includes('ngoài phạm vi') || p.message === PHONE_ELSEWHERE);
    },
  },
  'GET /api/imports': { home: (c) => c.get('/api/imports'), expect: ok((j) => has(Array.isArray(j.imports), 'the log')) },
  'GET /api/imports/limits': { home: (c) => c.get('/api/imports/limits'), expect: ok((j) => has(j.maxFiles > 0, 'limits')) },
  'POST /api/imports/mappings': { home: (c) => c.post('/api/imports/mappings', { headers: ['Họ và tên', 'Điện thoại liên lạc'], mapping: { 0: 'fullName', 1: 'phone' } }), expect: ok((j) => has(!!j.shapeKey, 'saved')) },
  'GET /api/reports/network': {
    home: (c, r) => c.get(`/api/reports/network?unit=${HOME_UNIT[r]}`),
    expect: ok((j, r) => has(j.unit.code === HOME_UNIT[r] && j.teams.total > 0, 'the home report')),
    away: [(c, r) => c.get(`/api/reports/network?unit=${AWAY_UNIT[r]}`), (c, r) => c.get(`/api/reports/network?unit=${AWAY_UNIT[r]}&format=xlsx`)],
  },
  'POST /api/residents': {
    home: (c) => c.post('/api/residents', { unit: '03664', birthYear: 1960 }),
    expect: ok((j) => has(typeof j.id === 'number', 'an id')),
    away: [(c, r) => c.post('/api/residents', { unit: communeOf(awayCommunePlace(r)), birthYear: 1960 })],
  },
  'GET /api/residents': {
    home: (c) => c.get('/api/residents?commune=03664'),
    expect: ok((j) => has(Array.isArray(j.residents), 'residents')),
    away: [(c, r) => c.get(`/api/residents?commune=${communeOf(awayPlace(r))}`)],
  },
  'GET /api/reports/roster': {
    home: (c, r) => c.get(`/api/reports/roster?unit=${HOME_UNIT[r]}`),
    expect: { status: 200 },
    away: [(c, r) => c.get(`/api/reports/roster?unit=${AWAY_UNIT[r]}`)],
  },
  'POST /api/support-sessions/sync': {
    home: (c) => c.post('/api/support-sessions/sync', session('home')),
    expect: ok((j) => has(j.results[0].status === 'accepted', 'accepted')),
    away: [(c, r) => c.post('/api/support-sessions/sync', session(awayPlace(r)))],
    refused: (res) => /^Không có tổ mã \d+ trong phạm vi/.test(res.json().results?.[0]?.reason ?? ''),
  },
  'GET /api/support-sessions/reviews': {
    home: (c) => c.get('/api/support-sessions/reviews'),
    expect: ok((j) => has(Array.isArray(j.reviews), 'reviews')),
    away: [(c) => c.get('/api/support-sessions/reviews'), (c) => c.get('/api/support-sessions/reviews?status=deleted')],
    refused: (res, r) => res.statusCode === 200 && !(res.json().reviews as { id: string }[]).some((x) => x.id === heldAway[awayPlace(r)]),
  },
  'POST /api/support-sessions/reviews/:id': {
    home: async (c) => c.post(`/api/support-sessions/reviews/${await heldSession('home')}`, { action: 'delete' }),
    expect: ok((j) => has(j.status === 'deleted', 'deleted')),
    away: [(c, r) => c.post(`/api/support-sessions/reviews/${heldAway[awayPlace(r)]}`, { action: 'accept' }), (c, r) => c.post(`/api/support-sessions/reviews/${heldAway[awayPlace(r)]}`, { action: 'delete' })],
  },
  'GET /api/field/context': {
    home: (c) => c.get('/api/field/context'),
    expect: ok((j) => has(j.teams.some((t: { id: number }) => t.id === w.teams.home), 'the home team')),
    away: [(c) => c.get('/api/field/context?commune=04105'), (c) => c.get('/api/field/context?commune=00004'), (c) => c.get('/api/field/context')],
    refused: () => true,
  },
  'POST /api/support-services': {
    home: (c) => c.post('/api/support-services', { code: `dv_tinh_${++seq}`, name: 'Dịch vụ của tỉnh', icon: '⭐', province: '14' }),
    expect: ok((j) => has(j.name === 'Dịch vụ của tỉnh' && j.provinceCode === '14', 'the service')),
    away: [(c) => c.post('/api/support-services', { code: `dv_xa_${++seq}`, name: 'Dịch vụ tỉnh khác', icon: '⭐', province: '01' })],
  },
  'GET /api/support-services': {
    home: (c) => c.get('/api/support-services?province=14'),
    expect: ok((j) => has(j.services.some((s: { code: string }) => s.code === 'vneid'), 'national services')),
    away: [(c) => c.get('/api/support-services?province=01')],
  },
  'POST /api/population': {
    home: (c) => c.post('/api/population', { rows: [{ unit: '03664', year: 2026, population: 5000 }] }),
    expect: ok((j) => has(j.saved === 1, 'saved')),
    away: [(c, r) => c.post('/api/population', { rows: [{ unit: communeOf(awayCommunePlace(r)), year: 2026, population: 5000 }] })],
  },
  'POST /api/population/import': {
    home: (c) => c.request({ method: 'POST', url: '/api/population/import', payload: populationForm('03664') }),
    expect: ok((j) => has(j.saved === 1, 'saved')),
    away: [(c, r) => c.request({ method: 'POST', url: '/api/population/import', payload: populationForm(communeOf(awayCommunePlace(r))) })],
  },
  'GET /api/reports/support': {
    home: (c, r) => c.get(r === 'team_leader' || r === 'member' ? `/api/reports/support?team=${w.teams.home}` : `/api/reports/support?unit=${HOME_UNIT[r]}`),
    expect: ok((j) => has(j.sessions >= 0 && !!j.target, 'a report')),
    away: [
      (c, r) => c.get(`/api/reports/support?unit=${AWAY_UNIT[r]}`),
      (c, r) => c.get(`/api/reports/support?team=${w.teams[awayPlace(r)]}`),
      (c, r) => c.get(`/api/reports/support?member=${w.members[awayPlace(r)]}`),
      (c, r) => c.get(`/api/reports/support?team=${w.teams[awayPlace(r)]}&format=xlsx`),
    ],
  },
  // the registry by hand (registry/registry.edit.routes.ts): officers only, each in scope
  'POST /api/teams': {
    home: (c) => c.post('/api/teams', { level: 'commune', unit: '03664', name: `Tổ thử số ${++seq}` }),
    expect: { status: 201, body: (j) => has(j.unit?.code === '03664', 'the new team') },
    away: [(c, r) => c.post('/api/teams', { level: 'commune', unit: communeOf(awayCommunePlace(r)), name: `Tổ thử số ${++seq}` })],
  },
  'PATCH /api/teams/:id': {
    home: async (c) => c.request({ method: 'PATCH', url: `/api/teams/${w.teams.home}`, payload: { version: await teamVersion(w.teams.home), establishedOn: '2026-01-01' } }),
    expect: ok((j) => has(j.establishedOn === '2026-01-01', 'dated')),
    away: [(c, r) => c.request({ method: 'PATCH', url: `/api/teams/${w.teams[awayPlace(r)]}`, payload: { version: 1, name: 'Tên lạ' } })],
  },
  'POST /api/teams/:id/status': {
    home: async (c) => {
      const made = await c.post('/api/teams', { level: 'commune', unit: '03664', name: `Tổ tạm ngừng ${++seq}` });
      const id = made.statusCode === 201 ? made.json().id : w.teams.home;
      return c.post(`/api/teams/${id}/status`, { version: made.statusCode === 201 ? made.json().version : 1, status: 'suspended', since: '2026-06-01', reason: 'Thử' });
    },
    expect: ok((j) => has(j.status === 'suspended', 'suspended')),
    away: [(c, r) => c.post(`/api/teams/${w.teams[awayPlace(r)]}/status`, { version: 1, status: 'dissolved', since: '2026-06-01', reason: 'Lạ' })],
  },
  'GET /api/teams/:id/history': {
    home: (c) => c.get(`/api/teams/${w.teams.home}/history`),
    expect: ok((j) => has(Array.isArray(j.history) && Array.isArray(j.former), 'history')),
    away: [(c, r) => c.get(`/api/teams/${w.teams[awayPlace(r)]}/history`)],
  },
  'POST /api/teams/:id/members': {
    home: (c) => c.post(`/api/teams/${w.teams.home}/members`, { person: { fullName: newName() }, role: 'member', joinedOn: '2026-06-01' }),
    expect: { status: 201, body: (j) => has(typeof j.memberId === 'number', 'the new member') },
    away: [(c, r) => c.post(`/api/teams/${w.teams[awayPlace(r)]}/members`, { person: { fullName: newName() }, role: 'member', joinedOn: '2026-06-01' })],
  },
  'PATCH /api/teams/:teamId/members/:memberId': {
    home: async (c) => c.request({ method: 'PATCH', url: `/api/teams/${w.teams.home}/members/${w.members.home}`, payload: { version: await memberVersion(w.members.home), position: 'Trưởng bản' } }),
    expect: ok((j) => has(typeof j.version === 'number', 'a version')),
    away: [(c, r) => c.request({ method: 'PATCH', url: `/api/teams/${w.teams[awayPlace(r)]}/members/${w.members[awayPlace(r)]}`, payload: { version: 1, position: 'Lạ' } })],
  },
  'POST /api/teams/:teamId/members/:memberId/leave': {
    home: async (c) => {
      const id = await newMember(c);
      return c.post(`/api/teams/${w.teams.home}/members/${id}/leave`, { version: await memberVersion(id), on: '2026-07-01', reason: 'resigned' });
    },
    expect: ok((j) => has(typeof j.version === 'number', 'a version')),
    away: [(c, r) => c.post(`/api/teams/${w.teams[awayPlace(r)]}/members/${w.members[awayPlace(r)]}/leave`, { version: 1, on: '2026-07-01', reason: 'resigned' })],
  },
  'GET /api/members/:id': {
    home: (c) => c.get(`/api/members/${w.members.home}`),
    expect: ok((j) => has(j.fullName === 'Lò Văn Nhà', 'the home member')),
    away: [(c, r) => c.get(`/api/members/${w.members[awayPlace(r)]}`)],
  },
  'PATCH /api/members/:id': {
    home: async (c) => c.request({ method: 'PATCH', url: `/api/members/${w.members.home}`, payload: { version: await memberVersion(w.members.home), birthYear: 1981 } }),
    expect: ok((j) => has(j.id === w.members.home, 'edited')),
    away: [(c, r) => c.request({ method: 'PATCH', url: `/api/members/${w.members[awayPlace(r)]}`, payload: { version: 1, birthYear: 1970 } })],
  },
  'POST /api/members/:id/move': {
    home: async (c) => {
      const id = await newMember(c);
      return c.post(`/api/members/${id}/move`, { version: await memberVersion(id), fromTeamId: w.teams.home, toTeamId: w.teams.sibling, on: '2026-07-01' });
    },
    expect: ok((j) => has(typeof j.version === 'number', 'moved')),
    away: [async (c, r) => c.post(`/api/members/${w.members.home}/move`, { version: await memberVersion(w.members.home), fromTeamId: w.teams.home, toTeamId: w.teams[awayCommunePlace(r)], on: '2026-07-01' })],
  },
  'POST /api/members/:id/merge': {
    home: async (c) => {
      const [a, b] = [await newMember(c), await newMember(c)];
      return c.post(`/api/members/${a}/merge`, { version: await memberVersion(a), into: b, intoVersion: await memberVersion(b) });
    },
    expect: ok((j) => has(typeof j.periodsDropped === 'number', 'merged')),
    away: [async (c, r) => c.post(`/api/members/${w.members[awayPlace(r)]}/merge`, { version: 1, into: w.members.home, intoVersion: await memberVersion(w.members.home) })],
  },
  'GET /api/duplicates': {
    home: (c) => c.get('/api/duplicates?commune=03664'),
    expect: ok((j) => has(Array.isArray(j.pairs), 'pairs')),
    away: [(c, r) => c.get(`/api/duplicates?commune=${communeOf(awayCommunePlace(r))}`)],
  },
  'POST /api/duplicates/distinct': {
    home: (c) => c.post('/api/duplicates/distinct', { a: w.members.home, b: w.members.sibling }),
    expect: { status: 204 },
    away: [(c, r) => c.post('/api/duplicates/distinct', { a: w.members.home, b: w.members[awayPlace(r)] })],
  },
  'POST /api/villages': {
    home: (c) => c.post('/api/villages', { commune: '03664', name: `Bản Thử ${++seq}` }),
    expect: { status: 201, body: (j) => has(j.code?.startsWith('03664.'), 'a village of the commune') },
    away: [(c, r) => c.post('/api/villages', { commune: communeOf(awayCommunePlace(r)), name: `Bản Thử ${++seq}` })],
  },
  'PATCH /api/villages/:code': {
    home: async (c) => c.request({ method: 'PATCH', url: `/api/villages/${await homeVillage(c)}`, payload: { name: `Bản Đổi Tên ${++seq}`, on: '2026-07-01' } }),
    expect: ok((j) => has(j.name?.startsWith('Bản Đổi Tên'), 'renamed')),
    away: [(c, r) => c.request({ method: 'PATCH', url: `/api/villages/${awayVillages[awayCommunePlace(r)]}`, payload: { name: 'Bản Lạ', on: '2026-07-01' } })],
  },
  'POST /api/villages/:code/merge': {
    home: async (c) => c.post(`/api/villages/${await homeVillage(c)}/merge`, { into: await homeVillage(c), on: '2026-07-01' }),
    expect: ok((j) => has(j.into?.startsWith('03664.'), 'merged')),
    away: [async (c, r) => c.post(`/api/villages/${awayVillages[awayCommunePlace(r)]}/merge`, { into: w.villageHome, on: '2026-07-01' })],
  },
  // trainings (issue 14): sessions organised by each place's commune, points hosted by its member
  'GET /api/training-topics': { home: (c) => c.get('/api/training-topics'), expect: ok((j) => has(j.topics.length >= 9, 'topics')) },
  'GET /api/bridge-points': {
    home: (c) => c.get('/api/bridge-points'),
    expect: ok((j) => has(j.points.some((p: { id: number }) => p.id === tw.points.home), 'the home point')),
    away: [(c, r) => c.get(`/api/bridge-points?commune=${communeOf(awayCommunePlace(r))}`), (c) => c.get('/api/bridge-points')],
    refused: (res, r) => res.statusCode === 200 && !(res.json().points as { id: number }[]).some((p) => p.id === tw.points[awayCommunePlace(r)]),
  },
  'POST /api/bridge-points': {
    home: (c) => c.post('/api/bridge-points', { commune: '03664', name: `Điểm cầu mới ${++seq}`, placeKind: 'school' }),
    expect: { status: 201 },
    away: [(c, r) => c.post('/api/bridge-points', { commune: communeOf(awayCommunePlace(r)), name: `Điểm cầu xa ${++seq}`, placeKind: 'school' })],
  },
  'GET /api/trainings': {
    home: (c) => c.get('/api/trainings'),
    expect: ok((j) => has(j.trainings.some((t: { id: number }) => t.id === tw.sessions.home), 'the home session')),
    away: [(c) => c.get('/api/trainings?from=2026-01-01&to=2026-12-31')],
    refused: (res, r) => res.statusCode === 200 && !(res.json().trainings as { id: number }[]).some((t) => t.id === tw.sessions[awayPlace(r)]),
  },
  'POST /api/trainings': {
    home: (c, r) => c.post('/api/trainings', trainingPlan(HOME_UNIT[r], 'home')),
    expect: { status: 201 },
    away: [(c, r) => c.post('/api/trainings', trainingPlan(AWAY_UNIT[r], awayCommunePlace(r)))],
  },
  'GET /api/trainings/:id': {
    home: (c) => c.get(`/api/trainings/${tw.sessions.home}`),
    expect: ok((j) => has(j.id === tw.sessions.home, 'the session')),
    away: [(c, r) => c.get(`/api/trainings/${tw.sessions[awayPlace(r)]}`)],
  },
  'PUT /api/trainings/:id': {
    home: async (c) => c.request({ method: 'PUT', url: `/api/trainings/${tw.sessions.home}`, payload: { ...trainingPlan('03664', 'home'), version: await trainingVersion(tw.sessions.home) } }),
    expect: ok((j) => has(j.id === tw.sessions.home, 'the session')),
    away: [async (c, r) => c.request({ method: 'PUT', url: `/api/trainings/${tw.sessions[awayPlace(r)]}`, payload: { ...trainingPlan(communeOf(awayCommunePlace(r)), awayCommunePlace(r)), version: await trainingVersion(tw.sessions[awayPlace(r)]) } })],
  },
  'POST /api/trainings/:id/close': {
    home: async (c) => c.post(`/api/trainings/${await homeTraining()}/close`),
    expect: ok((j) => has(typeof j.closedAt === 'string', 'closed')),
    away: [(c, r) => c.post(`/api/trainings/${tw.sessions[awayPlace(r)]}/close`)],
  },
  'GET /api/trainings/:id/points/:pointId/code': {
    home: (c) => c.get(`/api/trainings/${tw.sessions.home}/points/${tw.points.home}/code`),
    expect: ok((j) => has(/^\d{6}$/.test(j.code), 'a code')),
    away: [(c, r) => c.get(`/api/trainings/${tw.sessions[awayPlace(r)]}/points/${tw.points[awayPlace(r)]}/code`)],
  },
  'GET /api/trainings/hosting': { home: (c) => c.get('/api/trainings/hosting'), expect: ok((j) => has(Array.isArray(j.sessions), 'sessions')), away: [(c) => c.get('/api/trainings/hosting')], refused: () => true },
  'GET /api/trainings/walk-ins': {
    home: (c) => c.get('/api/trainings/walk-ins'),
    expect: ok((j) => has(Array.isArray(j.walkIns), 'walk-ins')),
    away: [(c) => c.get('/api/trainings/walk-ins'), (c) => c.get('/api/trainings/walk-ins?status=dismissed')],
    refused: (res, r) => res.statusCode === 200 && !(res.json().walkIns as { id: string }[]).some((x) => x.id === tw.walkIns[awayCommunePlace(r)]),
  },
  'POST /api/trainings/walk-ins/:id': {
    home: async (c) => c.post(`/api/trainings/walk-ins/${await placeWalkIn('home')}`, { action: 'dismiss' }),
    expect: ok((j) => has(j.status === 'dismissed', 'dismissed')),
    away: [(c, r) => c.post(`/api/trainings/walk-ins/${tw.walkIns[awayCommunePlace(r)]}`, { action: 'dismiss' })],
  },
  'GET /api/trainings/mine': { home: (c) => c.get('/api/trainings/mine'), expect: ok((j) => has(Array.isArray(j.trainings), 'trainings')) },
  'POST /api/trainings/attendance/sync': {
    home: (c) => c.post('/api/trainings/attendance/sync', walkIn('home')),
    expect: ok((j) => has(j.results[0].status === 'accepted', `accepted: ${JSON.stringify(j.results[0])}`)),
    away: [(c, r) => c.post('/api/trainings/attendance/sync', walkIn(awayPlace(r)))],
    refused: (res) => res.json().results?.[0]?.status === 'rejected',
  },
  'GET /api/trainings/:id/certificates.pdf': {
    home: (c) => c.get(`/api/trainings/${tw.closed}/certificates.pdf`),
    expect: { status: 200 },
    away: [(c, r) => c.get(`/api/trainings/${tw.sessions[awayPlace(r)]}/certificates.pdf`)],
  },
  'GET /api/trainings/:id/certificates/mine.pdf': {
    home: (c) => c.get(`/api/trainings/${tw.closed}/certificates/mine.pdf`),
    // the team accounts stand for the home member, who attended; the officers are no one's member
    expect: (r) => ({ status: r === 'team_leader' || r === 'member' ? 200 : 404 }),
  },
  'GET /api/verify/:code': { home: (c) => c.get(`/api/verify/${tw.code}`), expect: ok((j) => has(j.initials === 'L. V. N.', 'initials only')) },
  'GET /api/reports/trainings/untrained': {
    home: (c, r) => c.get(`/api/reports/trainings/untrained?unit=${HOME_UNIT[r]}`),
    expect: ok((j) => has(Array.isArray(j.members), 'members')),
    away: [(c, r) => c.get(`/api/reports/trainings/untrained?unit=${AWAY_UNIT[r]}`)],
  },
  'GET /api/reports/trainings': {
    home: (c, r) => c.get(`/api/reports/trainings?unit=${HOME_UNIT[r]}&from=2026-01-01&to=2026-12-31`),
    expect: ok((j) => has(typeof j.sentence === 'string', 'the report')),
    away: [(c, r) => c.get(`/api/reports/trainings?unit=${AWAY_UNIT[r]}&from=2026-01-01&to=2026-12-31`)],
  },
  // directives (issue 15): each place's commune's directive to its team; province directives through each commune
  'GET /api/directives': {
    home: (c) => c.get('/api/directives?from=2026-01-01&to=2026-12-31'),
    expect: ok((j, r) => has(r === 'viewer' || r === 'admin' || r === 'province_officer' || r === 'commune_officer' || j.directives.some((d: { id: number }) => d.id === dw.directives.home), 'the home directive')),
    away: [(c) => c.get('/api/directives?from=2026-01-01&to=2026-12-31')],
    refused: (res, r) => res.statusCode === 200 && !(res.json().directives as { id: number }[]).some((d) => d.id === dw.directives[awayPlace(r)]),
  },
  'POST /api/directives': {
    home: (c, r) => c.post('/api/directives', directivePlan(HOME_UNIT[r], { target: { teamIds: [w.teams.home] } })),
    expect: { status: 201 },
    away: [(c, r) => c.post('/api/directives', directivePlan(AWAY_UNIT[r], { target: { teamIds: [w.teams[awayCommunePlace(r)]] } })), (c, r) => c.post('/api/directives', directivePlan(HOME_UNIT[r], { target: { teamIds: [w.teams[awayCommunePlace(r)]] } }))],
  },
  'GET /api/directives/inbox': { home: (c) => c.get('/api/directives/inbox'), expect: ok((j, r) => has(r !== 'team_leader' && r !== 'member' ? Array.isArray(j.directives) : j.directives.some((d: { id: number }) => d.id === dw.directives.home), 'the inbox')) },
  'POST /api/directives/acks/sync': {
    home: (c) => c.post('/api/directives/acks/sync', ackOf('home')),
    expect: ok((j) => has(j.results[0].status === 'accepted', `accepted: ${JSON.stringify(j.results[0])}`)),
    away: [(c, r) => c.post('/api/directives/acks/sync', ackOf(awayPlace(r)))],
    refused: (res) => res.json().results?.[0]?.status === 'rejected',
  },
  'GET /api/directives/:id/board': {
    home: (c) => c.get(`/api/directives/${dw.directives.home}/board`),
    expect: ok((j) => has(j.directive.id === dw.directives.home && j.totals.teams === 1, 'the board')),
    away: [(c, r) => c.get(`/api/directives/${dw.directives[awayPlace(r)]}/board`)],
  },
  'POST /api/directives/:id/forward': {
    home: (c, r) => c.post(`/api/directives/${dw.via.home}/forward`, r === 'commune_officer' ? {} : { commune: '03664' }),
    expect: ok((j) => has(typeof j.teams === 'number', 'forwarded')),
    away: [(c, r) => c.post(`/api/directives/${dw.via[awayCommunePlace(r)]}/forward`, { commune: communeOf(awayCommunePlace(r)) })],
  },
  'POST /api/directives/:id/remind': {
    home: (c) => c.post(`/api/directives/${dw.directives.home}/remind`, { channels: ['sms'] }),
    // a team reminded by an earlier role within 6 hours is skipped
    expect: ok((j) => has(j.teams + j.skipped === 1, 'reminded or skipped')),
    away: [(c, r) => c.post(`/api/directives/${dw.directives[awayCommunePlace(r)]}/remind`, { channels: ['sms'] })],
  },
  'POST /api/directives/:id/attachments': {
    home: (c) => c.request({ method: 'POST', url: `/api/directives/${dw.directives.home}/attachments`, payload: pdfForm() }),
    expect: { status: 201 },
    away: [(c, r) => c.request({ method: 'POST', url: `/api/directives/${dw.directives[awayCommunePlace(r)]}/attachments`, payload: pdfForm() })],
  },
  'GET /api/directives/:id/attachments/:attachmentId': {
    home: (c) => c.get(`/api/directives/${dw.directives.home}/attachments/${dw.attachments.home}`),
    expect: { status: 200 },
    away: [(c, r) => c.get(`/api/directives/${dw.directives[awayPlace(r)]}/attachments/${dw.attachments[awayPlace(r)]}`)],
  },
  // outside channels (notify/): off in tests, so the providers' callbacks find nothing; browsers' push subscriptions
  'GET /api/notify/esms/:token': { home: (c) => c.get('/api/notify/esms/any-token-0123456789?SMSID=x&SendStatus=5&SendSuccess=1'), expect: { status: 404 } },
  'POST /api/notify/zalo/webhook': { home: (c) => c.post('/api/notify/zalo/webhook', { event_name: 'user_received_message' }), expect: { status: 404 } },
  'GET /api/push/key': { home: (c) => c.get('/api/push/key'), expect: { status: 404 } },
  'POST /api/push/subscriptions': { home: (c) => c.post('/api/push/subscriptions', pushSub()), expect: { status: 201 } },
  'DELETE /api/push/subscriptions': { home: (c) => c.request({ method: 'DELETE', url: '/api/push/subscriptions', payload: { endpoint: 'https://push.example.com/none' } }), expect: ok((j) => has(j.removed === 0, 'nothing removed')) },
  'GET /api/audit': {
    home: (c, r) => c.get(`/api/audit?unit=${HOME_UNIT[r]}`),
    expect: ok((j) => has(Array.isArray(j.entries), 'entries')),
    away: [(c, r) => c.get(`/api/audit?unit=${AWAY_UNIT[r]}`)],
  },
  // course completions (trainings/courses.routes.ts): officers import lists matched only within their scope; readers see their units' counts
  'POST /api/course-completions/import': {
    home: (c) => c.request({ method: 'POST', url: '/api/course-completions/import?commit=true&province=14', payload: courseForm([['Lò Văn Nhà', '0912000001', 'Phường Chiềng An']]) }),
    expect: ok((j) => has(j.completions === 1 && j.matched.phone === 1 && j.refused === 0 && j.committed === true, 'one completion, matched by phone')),
    away: [
      // another unit's member's name and phone: no match, nobody named
      (c, r) => {
        const [name, phone] = PLACES[awayCommunePlace(r)].members[0];
        return c.request({ method: 'POST', url: '/api/course-completions/import?commit=true&province=14', payload: courseForm([[name, phone, '']]) });
      },
      // a row of another commune (a commune officer), a list of another province (a province officer)
      (c, r) => c.request({ method: 'POST', url: `/api/course-completions/import?commit=true&province=${r === 'province_officer' ? '01' : '14'}`, payload: courseForm([['Lò Văn Lạc', '', 'Xã Mai Sơn']]) }),
    ],
    echoes: (r) => [PLACES[awayCommunePlace(r)].members[0][0]],
    refused: (res) => {
      const report = res.statusCode === 200 ? res.json() : res.json().error?.details;
      if (!report?.matched) return refusal(res) !== null;
      return report.matched.phone + report.matched.nameBirthCommune === 0 && (report.unmatched.count === 1 || report.problems.some((p: { message: string }) => p.message.includes('ngoài phạm vi')));
    },
  },
  'GET /api/course-completions': {
    home: (c, r) => c.get(`/api/course-completions?unit=${HOME_UNIT[r]}`),
    expect: ok((j, r) => has(j.unit?.code === HOME_UNIT[r] && j.communes.some((x: { code: string }) => x.code === '03664'), 'the unit’s communes')),
    away: [(c, r) => c.get(`/api/course-completions?unit=${AWAY_UNIT[r]}`)],
  },
  // the residents' portal and help requests (issue 16): test/matrix-portal.ts
  ...portalSamples(() => ({ db: database.db, w })),
};

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database, {}, rules);
  w = await buildWorld(database.db);
  const villageCode = async (commune: string, name: string) => (await queryRows<{ code: string }>(database.db, sql`select v.code from admin_units v join admin_units c on c.id = v.parent_id where c.code = ${commune} and c.valid_to is null and v.name = ${name}`))[0].code;
  const { createVillage } = await import('../catalogue/catalogue.villages.js');
  await createVillage(database.db, { commune: '00004', name: 'Tổ dân phố 1' }, { userId: null, ip: null, scope: ALL });
  awayVillages.other = await villageCode('04105', 'Tiểu khu 6');
  awayVillages.far = await villageCode('00004', 'Tổ dân phố 1');
  awayVillages.sibling = awayVillages.other;
  w.villageHome = await villageCode('03664', 'Bản Hụm');
  for (const p of ['far', 'other', 'sibling'] as Place[]) heldAway[p] = await heldSession(p);
  await buildTrainings();
  await buildDirectives();
  await buildPortalWorld(database.db, w);
  for (const role of ROLES) {
    clients.set(role, await signedInClient(app, database.db, { username: `u.${role}`, role, ...(role === 'team_leader' || role === 'member' ? { teamId: w.teams.home } : { unit: role === 'admin' ? undefined : HOME_UNIT[role] }) }));
  }
  // the team accounts are the home member's own (users.member_id): they host the home point and hold her certificate
  await database.db.execute(sql`update users set member_id = ${w.members.home} where username in ('u.team_leader', 'u.member')`);
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
    it(`${role}: allowed routes answer as expected, refused routes say so, out of scope nothing is seen or changed`, async () => {
      const client = clients.get(role)!;
      const places = placesOf(await scopeOfLogin(database.db, `u.${role}`));
      const foreign = [...foreignStrings(w, INSIDE[role]), ...portalForeignStrings(role)];
      const before = await scopeSnapshot(database.db);
      const outcome: string[] = [];
      const leaks = async (label: string, res: Res, echoes: string[] = []) => {
        const text = await bodyText(res);
        const seen = foreign.filter((f) => text.includes(f) && !echoes.includes(f));
        if (seen.length) outcome.push(`${label} LEAKS ${seen.join(', ')}`);
      };
      for (const rule of rules) {
        if (rule.url === '/api/auth/logout') continue; // would end the session the matrix uses; covered below
        const key = `${rule.method} ${rule.url}`;
        const sample = SAMPLES[key];
        const allowed = 'public' in rule.access || rule.access.roles.includes(role);
        const home = await sample.home(client, role);
        await leaks(`${key} home`, home);
        if (!allowed) {
          outcome.push(`${key} home ${refusal(home) === 'FORBIDDEN' ? 'ok' : `NOT REFUSED ${home.statusCode}`}`);
          continue;
        }
        const expect_ = typeof sample.expect === 'function' ? sample.expect(role) : sample.expect;
        const wrong = home.statusCode !== expect_.status ? `status ${home.statusCode} ${home.body.slice(0, 200)}` : expect_.body?.(home.json(), role);
        outcome.push(`${key} home ${wrong ? `WRONG: ${wrong}` : 'ok'}`);
        if (role === 'admin') continue;
        for (const [i, away] of (sample.away ?? []).entries()) {
          const res = await away(client, role);
          await leaks(`${key} away#${i}`, res, sample.echoes?.(role));
          const refused = sample.refused ? sample.refused(res, role) : refusal(res) !== null;
          outcome.push(`${key} away#${i} ${refused ? 'ok' : `NOT REFUSED ${res.statusCode} ${res.body.slice(0, 200)}`}`);
        }
      }
      const changed = changedOutside(before, await scopeSnapshot(database.db), places);
      expect({ wrong: outcome.filter((o) => !o.endsWith(' ok')), changedOutsideScope: changed }).toEqual({ wrong: [], changedOutsideScope: [] });
    });
  }

  it('logout ends the session', async () => {
    const client = await signedInClient(app, database.db, { username: 'u.logout', role: 'viewer', unit: '14' });
    expect((await client.post('/api/auth/logout')).statusCode).toBe(200);
    expect((await client.get('/api/auth/me')).json()).toEqual({ user: null, scope: null, unit: null, team: null });
  });
});
