import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { ALL, type Role } from '../src/access/access.policy.js';
import { type Db, queryRows } from '../src/db/client.js';
import { createHelpRequest } from '../src/help/help.service.js';
import { postComment } from '../src/portal/portal.comments.js';
import { createArticle } from '../src/portal/portal.content.js';
import { articleBody } from '../src/portal/portal.contract.js';
import { DataProtector } from '../src/privacy/protector.js';
import type { TestClient } from './auth.js';
import { TEST_SECRETS } from './db.js';
import { AWAY_UNIT, awayCommunePlace, awayPlace, communeOf, has, HOME_UNIT, INSIDE, ok, type Place, type Res, type Sample, type World } from './matrix-fixture.js';

/**
 * The residents' portal and help requests (issue 16) in the authorization matrix: a published news
 * article with one comment on the site of each province and commune of the world, and a help
 * request routed to the team of each place but other2 (made through the services, as the operator);
 * the samples of /api/portal/* and /api/help-requests*. Titles, commenters' and residents' names
 * and phones are unique, so the matrix searches every answer for those outside the caller's scope.
 */
const SITES = ['14', '03664', '04105', '01', '00004'] as const;
type Site = (typeof SITES)[number];
/** The sites in each role's scope (the team roles reach no office page of a site; their commune's counts as theirs). */
const SITES_INSIDE: Record<Role, readonly Site[]> = { admin: SITES, province_officer: ['14', '03664', '04105'], viewer: ['14', '03664', '04105'], commune_officer: ['03664'], team_leader: ['03664'], member: ['03664'] };
/** Two sites outside each officer's scope: another province's commune and that province; for a commune officer another commune and their own province. */
const awaySites = (r: Role): [Site, Site] => (r === 'commune_officer' || r === 'team_leader' || r === 'member' ? ['04105', '14'] : ['00004', '01']);
const HELP_PLACES = ['home', 'sibling', 'other', 'far'] as const satisfies readonly Place[];
type HelpPlace = (typeof HELP_PLACES)[number];

const title = (s: Site) => `Bản tin Ngõ Số ${s}`;
const commenter = (s: Site) => `Độc Giả ${s}`;
const commentPhone = (s: Site) => `0914${100001 + SITES.indexOf(s)}`;
const resident = (p: HelpPlace) => `Người Nhờ ${{ home: 'Nhà', sibling: 'Cạnh', other: 'Xa', far: 'Thủ Đô' }[p]}`;
const residentPhone = (p: HelpPlace) => `0913${100001 + HELP_PLACES.indexOf(p)}`;
const phoneForms = (phone: string) => [phone, `+84${phone.slice(1)}`, `${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`];
const BODY = 'Các tổ **hướng dẫn** bà con cài VNeID tại nhà.';

/** The portal's world: article and comment ids by site, help request ids by place, an image to upload. */
export const pw = { articles: {} as Record<Site, number>, comments: {} as Record<Site, number>, help: {} as Record<HelpPlace, number>, png: Buffer.alloc(0) as Buffer };
const operator = { userId: null, ip: null, scope: ALL };
const protector = new DataProtector(TEST_SECRETS);
let seq = 0;

/** A help request of the place's commune (the sibling's: of its village) → its id; routed, as the service does, to the place's team. */
async function helpRequest(db: Db, w: World, p: HelpPlace, name: string, phone: string): Promise<number> {
  const [village] = p === 'sibling' ? await queryRows<{ code: string }>(db, sql`select u.code from teams t join admin_units u on u.id = t.unit_id where t.id = ${w.teams.sibling}`) : [];
  const r = await createHelpRequest(db, protector, { province: p === 'far' ? '01' : '14', commune: communeOf(p)!, village: village?.code, service: 'vneid', problem: 'Không nhận được mã OTP khi kích hoạt VNeID', name, phone, consent: true });
  if ('problems' in r || r.team !== w.teamNames[p]) throw new Error(`help request of ${p} not routed to its team: ${JSON.stringify(r)}`);
  return r.id;
}

export async function buildPortalWorld(db: Db, w: World): Promise<void> {
  for (const [i, s] of SITES.entries()) {
    pw.articles[s] = (await createArticle(db, articleBody.parse({ unit: s, kind: 'news', title: title(s), body: BODY, status: 'published' }), operator)).id;
    const c = await postComment(db, protector, pw.articles[s], { name: commenter(s), phone: commentPhone(s), body: 'Cảm ơn tổ đã đến tận nhà hướng dẫn.' }, `198.51.100.${i + 1}`);
    if (c.status !== 'published') throw new Error(`comment on ${s} not published: ${JSON.stringify(c)}`);
    pw.comments[s] = c.id;
  }
  for (const p of HELP_PLACES) pw.help[p] = await helpRequest(db, w, p, resident(p), residentPhone(p));
  pw.png = await sharp({ create: { width: 4, height: 3, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
}

/** Titles, commenters and residents (names, phones) of the sites and places outside the role's scope. */
export function portalForeignStrings(role: Role): string[] {
  const out: string[] = [];
  for (const s of SITES) if (!SITES_INSIDE[role].includes(s)) out.push(title(s), commenter(s), ...phoneForms(commentPhone(s)));
  for (const p of HELP_PLACES) if (!INSIDE[role].includes(p)) out.push(resident(p), ...phoneForms(residentPhone(p)));
  return out;
}

const imageForm = () => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(pw.png)]), 'anh.png');
  return form;
};
const ids = (list: { id: number }[]) => list.map((x) => x.id);
/** A 200 list that holds none of the ids. */
const without = (res: Res, key: string, away: number[]) => res.statusCode === 200 && !ids(res.json()[key]).some((id) => away.includes(id));

/** The samples of the portal's and help requests' API routes; `get` gives the database and the world once they are built. */
export function portalSamples(get: () => { db: Db; w: World }): Record<string, Sample> {
  const version = async (id: number) => (await queryRows<{ v: number }>(get().db, sql`select version as v from portal_articles where id = ${id}`))[0].v;
  /** a new open request of the home commune (its commune-level team), from a new phone (at most 3 open per phone) */
  const freshHelp = () => helpRequest(get().db, get().w, 'home', 'Người Nhờ Mới', `0915${100000 + ++seq}`);
  const put = (c: TestClient, url: string, payload: object) => c.request({ method: 'PUT', url, payload });
  const awayArticles = (r: Role) => awaySites(r).map((s) => pw.articles[s]);
  const awayHelp = (r: Role) => [pw.help[awayPlace(r) as HelpPlace]];
  return {
    'GET /api/portal/articles': {
      home: (c) => c.get('/api/portal/articles'),
      expect: ok((j) => has(ids(j.articles).includes(pw.articles['03664']), 'the home commune’s article')),
      away: [(c) => c.get('/api/portal/articles')],
      refused: (res, r) => without(res, 'articles', awayArticles(r)),
    },
    'GET /api/portal/articles/:id': {
      home: (c) => c.get(`/api/portal/articles/${pw.articles['03664']}`),
      expect: ok((j) => has(j.id === pw.articles['03664'] && j.title === title('03664') && j.body === BODY && j.comments === 1, 'the home article with its Markdown')),
      away: [(c, r) => c.get(`/api/portal/articles/${awayArticles(r)[0]}`), (c, r) => c.get(`/api/portal/articles/${awayArticles(r)[1]}`)],
    },
    'POST /api/portal/articles': {
      home: (c, r) => c.post('/api/portal/articles', { unit: HOME_UNIT[r], kind: 'news', title: `Tin mới ${++seq}`, body: BODY }),
      expect: { status: 201, body: (j) => has(Number.isInteger(j.id), 'the new id') },
      away: [(c, r) => c.post('/api/portal/articles', { unit: awaySites(r)[0], kind: 'news', title: 'Tin ngoài phạm vi', body: BODY }), (c, r) => c.post('/api/portal/articles', { unit: awaySites(r)[1], kind: 'news', title: 'Tin ngoài phạm vi', body: BODY })],
    },
    'PUT /api/portal/articles/:id': {
      home: async (c) => put(c, `/api/portal/articles/${pw.articles['03664']}`, { kind: 'news', title: title('03664'), body: BODY, status: 'published', version: await version(pw.articles['03664']) }),
      expect: ok((j) => has(j.id === pw.articles['03664'] && j.version > 1, 'the new version')),
      away: [0, 1].map((i) => async (c: TestClient, r: Role) => put(c, `/api/portal/articles/${awayArticles(r)[i]}`, { kind: 'news', title: 'Sửa ngoài phạm vi', body: BODY, status: 'withdrawn', version: await version(awayArticles(r)[i]) })),
    },
    'POST /api/portal/preview': {
      home: (c) => c.post('/api/portal/preview', { body: '# Ra quân\n\n**Tận nhà** <script>alert(1)</script>' }),
      expect: ok((j) => has(j.html.startsWith('<h2>Ra quân</h2>') && j.html.includes('<strong>Tận nhà</strong>') && !j.html.includes('script'), `sanitized: ${j.html}`)),
    },
    'POST /api/portal/images': {
      home: (c, r) => c.request({ method: 'POST', url: `/api/portal/images?unit=${HOME_UNIT[r]}`, payload: imageForm() }),
      expect: { status: 201, body: (j) => has(/^\/anh\/\d+$/.test(j.src) && j.width === 4 && j.height === 3, 'the image') },
      away: [0, 1].map((i) => (c: TestClient, r: Role) => c.request({ method: 'POST', url: `/api/portal/images?unit=${awaySites(r)[i]}`, payload: imageForm() })),
    },
    'GET /api/portal/comments': {
      home: (c) => c.get('/api/portal/comments?status=published'),
      expect: ok((j) => has(ids(j.comments).includes(pw.comments['03664']) && !JSON.stringify(j).includes(commentPhone('03664')), 'the home comment, its phone masked')),
      away: [(c) => c.get('/api/portal/comments?status=published')],
      refused: (res, r) => without(res, 'comments', awaySites(r).map((s) => pw.comments[s])),
    },
    'POST /api/portal/comments/:id/moderate': {
      home: (c) => c.post(`/api/portal/comments/${pw.comments['03664']}/moderate`, { action: 'approve' }),
      expect: ok((j) => has(j.id === pw.comments['03664'] && j.status === 'published', 'approved')),
      away: [0, 1].map((i) => (c: TestClient, r: Role) => c.post(`/api/portal/comments/${pw.comments[awaySites(r)[i]]}/moderate`, { action: 'block', days: 30 })),
    },
    'GET /api/portal/site': {
      home: (c, r) => c.get(`/api/portal/site?unit=${HOME_UNIT[r]}`),
      expect: ok((j, r) => has(j.unit.code === HOME_UNIT[r] && j.moderation === 'post', 'the home site')),
      away: [0, 1].map((i) => (c: TestClient, r: Role) => c.get(`/api/portal/site?unit=${awaySites(r)[i]}`)),
    },
    'PUT /api/portal/site': {
      home: (c, r) => put(c, '/api/portal/site', { unit: HOME_UNIT[r], moderation: 'post' }),
      expect: ok((j, r) => has(j.unit.code === HOME_UNIT[r] && j.moderation === 'post', 'post-moderation')),
      away: [0, 1].map((i) => (c: TestClient, r: Role) => put(c, '/api/portal/site', { unit: awaySites(r)[i], moderation: 'pre' })),
    },
    'PUT /api/portal/banned-words': {
      home: (c, r) => put(c, '/api/portal/banned-words', { unit: HOME_UNIT[r], words: ['Lừa Đảo'] }),
      expect: ok((j) => has(JSON.stringify(j.words) === '["lua dao"]', `the folded word: ${JSON.stringify(j.words)}`)),
      away: [0, 1].map((i) => (c: TestClient, r: Role) => put(c, '/api/portal/banned-words', { unit: awaySites(r)[i], words: ['chặn'] })),
    },
    'PUT /api/portal/members/:id/public-phone': {
      home: (c) => put(c, `/api/portal/members/${get().w.members.home}/public-phone`, { publish: true }),
      expect: ok((j) => has(j.id === get().w.members.home && j.publicPhone === true, 'published')),
      away: [(c, r) => put(c, `/api/portal/members/${get().w.members[awayPlace(r)]}/public-phone`, { publish: true })],
    },
    'GET /api/help-requests/mine': {
      home: (c) => c.get('/api/help-requests/mine'),
      // a team account: its team's requests, the phone in full (to call); anyone else: none
      expect: ok((j, r) => {
        const mine = (j.requests as { id: number; phone: string }[]).find((x) => x.id === pw.help.home);
        return r === 'team_leader' || r === 'member' ? has(mine?.phone === '+84913100001', `the home request in full: ${JSON.stringify(mine)}`) : has(j.requests.length === 0, 'none');
      }),
      away: [(c) => c.get('/api/help-requests/mine')],
      refused: (res, r) => without(res, 'requests', awayHelp(r)),
    },
    'GET /api/help-requests': {
      home: (c) => c.get('/api/help-requests?state=all'),
      expect: ok((j) => {
        const home = (j.requests as { id: number; phone: string; residentName: string }[]).find((x) => x.id === pw.help.home);
        return has(home?.residentName === resident('home') && home.phone !== '' && !home.phone.includes('100001'), `the home request, phone masked: ${JSON.stringify(home)}`);
      }),
      away: [(c) => c.get('/api/help-requests?state=all'), (c) => c.get('/api/help-requests?state=overdue')],
      refused: (res, r) => without(res, 'requests', awayHelp(r)),
    },
    'POST /api/help-requests/:id/accept': {
      home: async (c) => c.post(`/api/help-requests/${await freshHelp()}/accept`, {}),
      expect: ok((j) => has(j.status === 'accepted' && typeof j.acceptedAt === 'string', 'accepted')),
      away: [(c, r) => c.post(`/api/help-requests/${awayHelp(r)[0]}/accept`, {})],
    },
    'POST /api/help-requests/:id/assign': {
      home: async (c) => c.post(`/api/help-requests/${await freshHelp()}/assign`, { teamId: get().w.teams.sibling }),
      expect: ok((j) => has(j.teamId === get().w.teams.sibling, 'given to the sibling team')),
      // to another team of the request's own commune (Mai Sơn: Tiểu khu 6's; Ba Đình has one)
      away: [(c, r) => c.post(`/api/help-requests/${pw.help[awayCommunePlace(r) as HelpPlace]}/assign`, { teamId: get().w.teams[awayCommunePlace(r) === 'other' ? 'other2' : awayCommunePlace(r)] })],
    },
    'POST /api/help-requests/:id/cancel': {
      home: async (c) => c.post(`/api/help-requests/${await freshHelp()}/cancel`, { reason: 'Trùng yêu cầu' }),
      expect: ok((j) => has(j.status === 'cancelled', 'cancelled')),
      away: [(c, r) => c.post(`/api/help-requests/${pw.help[awayCommunePlace(r) as HelpPlace]}/cancel`, { reason: 'Trùng yêu cầu' })],
    },
    'GET /api/help-requests/report': {
      home: (c, r) => c.get(`/api/help-requests/report?unit=${HOME_UNIT[r]}`),
      expect: ok((j, r) => has(j.unit.code === HOME_UNIT[r] && j.totals.requests >= 2, `the home unit's requests: ${JSON.stringify(j.totals)}`)),
      away: [(c, r) => c.get(`/api/help-requests/report?unit=${AWAY_UNIT[r]}`)],
    },
  };
}
