import type { LightMyRequestResponse } from 'fastify';
import JSZip from 'jszip';
import { ALL, type Role } from '../src/access/access.policy.js';
import { createUser, scopeOf } from '../src/access/users.service.js';
import type { TestClient } from './auth.js';
import { userByLogin } from '../src/access/access.repo.js';
import type { Db } from '../src/db/client.js';
import { importRoster } from '../src/imports/imports.service.js';
import { listTeams } from '../src/registry/registry.service.js';
import { membersOfTeam } from '../src/registry/registry.repo.js';
import { csv, HEADER } from './fixtures.js';

/**
 * The authorization matrix's world: two provinces, two communes of Sơn La with two teams each (a
 * commune-level team and a village team), a team in Hà Nội; a member and an account on every team.
 * Every name and phone is unique, so a response body can be searched for what it must not hold.
 */
export const PLACES = {
  home: { province: 'Sơn La', commune: 'Chiềng An', village: '', members: [['Lò Văn Nhà', '0912000001', 'Tổ trưởng'], ['Cà Thị Nhà', '0912000002', '']] },
  sibling: { province: 'Sơn La', commune: 'Chiềng An', village: 'Bản Hụm', members: [['Lường Văn Cạnh', '0912000011', 'Tổ trưởng']] },
  other: { province: 'Sơn La', commune: 'Mai Sơn', village: '', members: [['Cầm Văn Xa', '0912000021', 'Tổ trưởng']] },
  other2: { province: 'Sơn La', commune: 'Mai Sơn', village: 'Tiểu khu 6', members: [['Quàng Thị Xa', '0912000031', 'Tổ trưởng']] },
  far: { province: 'Hà Nội', commune: 'Ba Đình', village: '', members: [['Nguyễn Văn Thủ Đô', '0912000041', 'Tổ trưởng']] },
} as const;
export type Place = keyof typeof PLACES;

/** Account names, one member account per team. */
export const ACCOUNTS: Record<Place, string> = { home: 'Tài Khoản Nhà', sibling: 'Tài Khoản Cạnh', other: 'Tài Khoản Xa', other2: 'Tài Khoản Xa Hai', far: 'Tài Khoản Thủ Đô' };

/** The places inside each role's scope (the signed-in clients sit at home: Sơn La, Chiềng An, the home team). */
export const INSIDE: Record<Role, Place[]> = {
  admin: ['home', 'sibling', 'other', 'other2', 'far'],
  province_officer: ['home', 'sibling', 'other', 'other2'],
  viewer: ['home', 'sibling', 'other', 'other2'],
  commune_officer: ['home', 'sibling'],
  team_leader: ['home'],
  member: ['home'],
};

export interface World {
  teams: Record<Place, number>;
  /** first member id of each team */
  members: Record<Place, number>;
  /** the member account of each team */
  users: Record<Place, number>;
  teamNames: Record<Place, string>;
}

export async function buildWorld(db: Db): Promise<World> {
  const rows: (string | number)[][] = [HEADER];
  // born 1981, 1982, …; women's names carry "Thị"
  let year = 1980;
  for (const p of Object.values(PLACES)) for (const [name, phone, role] of p.members) rows.push([p.province, p.commune, '', p.village, name, name.includes(' Thị ') ? 'Nữ' : 'Nam', ++year, phone, role, '']);
  const report = await importRoster(db, { name: 'the-gioi.csv', data: csv(rows) }, { scope: ALL, commit: true, maxBytes: 1e7 });
  if (report.counts.invalid) throw new Error(`matrix fixture: ${JSON.stringify(report.problems)}`);
  const teamOf = async (p: Place) => {
    const code = { 'Chiềng An': '03664', 'Mai Sơn': '04105', 'Ba Đình': '00004' }[PLACES[p].commune];
    const all = await listTeams(db, code, ALL);
    const t = all.find((x) => (PLACES[p].village ? x.unitName === PLACES[p].village : x.level === 'commune'))!;
    return { id: t.id, name: t.name };
  };
  const teams = {} as Record<Place, number>;
  const teamNames = {} as Record<Place, string>;
  const members = {} as Record<Place, number>;
  const users = {} as Record<Place, number>;
  for (const p of Object.keys(PLACES) as Place[]) {
    const t = await teamOf(p);
    teams[p] = t.id;
    teamNames[p] = t.name;
    members[p] = (await membersOfTeam(db, t.id, ALL)).find((m) => m.fullName === PLACES[p].members[0][0])!.memberId;
    users[p] = (await createUser(db, { fullName: ACCOUNTS[p], username: `tk.${p}`, password: 'mot-mat-khau-dai', role: 'member', teamId: t.id, mustChangePassword: false }, null)).id;
  }
  return { teams, members, users, teamNames };
}

/** Names, team names and phones (as stored, as dialled, as shown) that a caller with these places must never receive. */
export function foreignStrings(world: World, inside: Place[]): string[] {
  const out: string[] = [];
  for (const p of Object.keys(PLACES) as Place[]) {
    if (inside.includes(p)) continue;
    out.push(ACCOUNTS[p], world.teamNames[p]);
    for (const [name, phone] of PLACES[p].members) out.push(name, phone, `+84${phone.slice(1)}`, `${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`);
  }
  return out;
}

/** Every phone of the world in clear (any form), for the masking check. */
export function allPhones(): string[] {
  return Object.values(PLACES).flatMap((p) => p.members.flatMap(([, phone]) => [phone, `+84${phone.slice(1)}`, `${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`]));
}

/** A response as text: JSON and CSV as they are, .xlsx (a zip of XML parts) unpacked. */
export async function bodyText(res: LightMyRequestResponse): Promise<string> {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('spreadsheetml')) {
    const zip = await JSZip.loadAsync(res.rawPayload);
    const parts = await Promise.all(Object.values(zip.files).filter((f) => f.name.endsWith('.xml')).map((f) => f.async('string')));
    return parts.join('\n');
  }
  return res.body;
}

/** The scope of a signed-in username (for the snapshot comparison). */
export async function scopeOfLogin(db: Db, username: string) {
  return scopeOf(db, (await userByLogin(db, { username }))!);
}

/** The units each role's home and away stand for; "away" for team roles is the sibling team of the same commune. */
export const HOME_UNIT: Record<Role, string> = { admin: '14', province_officer: '14', viewer: '14', commune_officer: '03664', team_leader: '03664', member: '03664' };
export const AWAY_UNIT: Record<Role, string> = { admin: '01', province_officer: '01', viewer: '01', commune_officer: '04105', team_leader: '04105', member: '04105' };
export const awayPlace = (r: Role): Place => (r === 'province_officer' || r === 'viewer' || r === 'admin' ? 'far' : r === 'commune_officer' ? 'other' : 'sibling');
/** Another commune for commune-level samples (team roles' sibling team shares their commune). */
export const awayCommunePlace = (r: Role): Place => (awayPlace(r) === 'sibling' ? 'other' : awayPlace(r));
export const communeOf = (p: Place) => ({ 'Chiềng An': '03664', 'Mai Sơn': '04105', 'Ba Đình': '00004' })[PLACES[p].commune];

export type Res = LightMyRequestResponse;
/** What an allowed, in-scope request must answer: the status, and a check of the body (returns what is wrong, or null). */
export type Expect = { status: number; body?: (json: any, role: Role) => string | null };
export const has = (cond: boolean, what: string) => (cond ? null : what);
/**
 * One request per route: `home` must be answered as `expect` says for permitted roles; each `away`
 * (out of scope) must be refused, or for routes that answer per row or list, show it in `refused`.
 */
export type Sample = {
  home: (c: TestClient, role: Role) => Promise<Res>;
  /** the same for every permitted role, or by role (a member's own certificate: the officers have none) */
  expect: Expect | ((role: Role) => Expect);
  away?: ((c: TestClient, role: Role) => Promise<Res>)[];
  refused?: (res: Res, role: Role) => boolean;
  /** strings of other units that the away requests themselves carry (an answer may echo the caller's own input) */
  echoes?: (role: Role) => string[];
};
export const ok = (body?: Expect['body']): Expect => ({ status: 200, body });
