// Who is signed in, what their role may open, and where their own unit is.
// The server decides every permission (and says which roles an officer may create, in
// GET /api/users); these lists only choose which links to show. Role names and labels are the
// server's own (access/access.policy.ts).
import { EVERYONE as ALL_ROLES, OFFICERS as OFFICER_ROLES, READERS as READER_ROLES, ROLE_LABELS, type Role, type Scope } from '../../access/access.policy.js';
import type { SelfView } from '../../access/auth.routes.js';
import { ApiError } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';
import { api, provinces } from './client.js';

export { ROLE_LABELS };
export const OFFICERS: readonly Role[] = OFFICER_ROLES;
export const READERS: readonly Role[] = READER_ROLES;
export const TEAM_ROLES: readonly Role[] = ['team_leader', 'member'];
export const EVERYONE: readonly Role[] = ALL_ROLES;

type Team = Endpoints['GET /api/teams/:id']['response'];
type Place = { unit: { code: string | null; name: string; level: string } | null; team: { id: number; name: string } | null };

/** The unit a user works in (a team's: its commune, with the team); null for an admin (everything). */
export interface MyUnit {
  code: string;
  name: string;
  level: string;
  team?: Team;
}

/**
 * {user, scope, unit, team} of the signed-in user (all null when signed out); `unit` is
 * {code, name, level} of the unit the user works in (null for an admin), `team` {id, name} for
 * team roles; `setupNeeded` while no admin exists.
 */
export const session: { user: SelfView | null; scope: Scope | null; unit: Place['unit']; team: Place['team']; setupNeeded: boolean; probed: boolean } = {
  user: null,
  scope: null,
  unit: null,
  team: null,
  setupNeeded: false,
  probed: false,
};
let unitPromise: Promise<MyUnit | null> | undefined;

// The session cookie is HttpOnly, so the page cannot see it. A flag in localStorage remembers that
// this browser signed in, so visitors who never did are not sent to GET /api/auth/me on every
// public page.
const HINT = 'ngoso.signedIn';
const hint = () => {
  try {
    return localStorage.getItem(HINT) === '1';
  } catch {
    return true;
  }
};
const setHint = (on: boolean) => {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch {
    /* storage disabled */
  }
};

/**
 * Asks the server whether setup is needed and, when this browser may be signed in (or `probe`:
 * the page needs a user), who is signed in.
 */
export async function loadSession(probe = false): Promise<void> {
  session.setupNeeded = (await api.call('GET /api/setup')).needed;
  if (session.setupNeeded) return clear();
  if (probe || hint()) await probeSession();
}

/** GET /api/auth/me: the signed-in user, or nobody (all null; older servers answered 401). */
export async function probeSession(): Promise<void> {
  session.probed = true;
  try {
    const me = await api.call('GET /api/auth/me');
    set(me.user, me.scope, me);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    clear();
  }
}

/** After sign-in, setup or a password change: take the user and fetch the scope. */
export async function signedIn(user: SelfView): Promise<void> {
  session.setupNeeded = false;
  api.resetCsrf();
  set(user, null);
  const me = await api.call('GET /api/auth/me').catch(() => null);
  if (me?.user) set(me.user, me.scope, me);
}

export async function signOut(): Promise<void> {
  try {
    await api.json('/api/auth/logout', { method: 'POST', json: {} });
  } finally {
    api.resetCsrf();
    clear();
  }
}

export function clear(): void {
  set(null, null);
}

function set(user: SelfView | null, scope: Scope | null, place: Partial<Place> = {}) {
  setHint(!!user);
  session.user = user ?? null;
  session.scope = user ? scope : null;
  session.unit = user ? place.unit ?? null : null;
  session.team = user ? place.team ?? null : null;
  unitPromise = undefined;
  window.dispatchEvent(new CustomEvent('ngoso:session'));
}

/** Whether the signed-in user has one of `roles`. */
export const can = (roles: readonly Role[]): boolean => !!session.user && roles.includes(session.user.role as Role);

/** The unit the user works in, {code, name, level} (a team's: its commune), or null for an admin (everything). */
export function myUnit(): Promise<MyUnit | null> {
  unitPromise ??= findMyUnit().catch(() => null);
  return unitPromise;
}

async function findMyUnit(): Promise<MyUnit | null> {
  const s = session.scope;
  if (!s || s.kind === 'all') return null;
  // GET /api/auth/me names the unit (a team member's unit is the team's village or commune)
  if (session.unit?.code && s.kind !== 'team') return { code: session.unit.code, name: session.unit.name, level: session.unit.level };
  if (s.kind === 'province') {
    const p = (await provinces()).find((x) => x.code === s.provinceCode);
    return p?.code ? { code: p.code, name: p.name, level: 'province' } : null;
  }
  if (s.kind === 'team') {
    const team = await api.call('GET /api/teams/:id', { params: { id: s.teamId } });
    return { code: team.commune.code ?? '', name: team.commune.name, level: 'commune', team };
  }
  // commune or village: an officer finds their own row in the account list
  if (!can(OFFICERS)) return null;
  const { users } = await api.json<{ users: { id: number; unitCode: string | null; unitName: string | null }[] }>('/api/users');
  const me = users.find((u) => u.id === session.user!.id);
  return me?.unitCode ? { code: me.unitCode, name: me.unitName ?? '', level: s.kind } : null;
}

/** Where a user lands after signing in when no page was asked for. */
export function homeOf(): string {
  if (can(TEAM_ROLES)) return '#/to-cua-toi';
  return '#/';
}
