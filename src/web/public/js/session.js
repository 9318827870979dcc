// Who is signed in, what their role may open, and where their own unit is.
// The server decides every permission (and says which roles an officer may create, in
// GET /api/users); these tables only choose which links to show and label roles.
import { ApiError, api, post, provinces } from './api.js';

export const ROLE_LABELS = {
  admin: 'Quản trị hệ thống',
  province_officer: 'Cán bộ tỉnh',
  commune_officer: 'Cán bộ xã',
  team_leader: 'Tổ trưởng',
  member: 'Thành viên',
  viewer: 'Chỉ xem (thanh tra)',
};
export const OFFICERS = ['admin', 'province_officer', 'commune_officer'];
export const READERS = [...OFFICERS, 'viewer'];
export const TEAM_ROLES = ['team_leader', 'member'];
export const EVERYONE = Object.keys(ROLE_LABELS);

/**
 * {user, scope, unit, team} of the signed-in user (all null when signed out); `unit` is
 * {code, name, level} of the unit the user works in (null for an admin), `team` {id, name} for
 * team roles; `setupNeeded` while no admin exists.
 */
export const session = { user: null, scope: null, unit: null, team: null, setupNeeded: false, probed: false };
let unitPromise;

// The session cookie is HttpOnly, so the page cannot see it. A flag in localStorage remembers that
// this browser signed in, so visitors who never did are not sent to GET /api/auth/me on every
// public page.
const HINT = 'ngoso.signedIn';
const hint = () => { try { return localStorage.getItem(HINT) === '1'; } catch { return true; } };
const setHint = (on) => { try { if (on) localStorage.setItem(HINT, '1'); else localStorage.removeItem(HINT); } catch { /* storage disabled */ } };

/**
 * Asks the server whether setup is needed and, when this browser may be signed in (or `probe`:
 * the page needs a user), who is signed in.
 */
export async function loadSession(probe = false) {
  session.setupNeeded = (await api('/api/setup')).needed;
  if (session.setupNeeded) return clear();
  if (probe || hint()) await probeSession();
}

/** GET /api/auth/me: the signed-in user, or nobody (all null; older servers answered 401). */
export async function probeSession() {
  session.probed = true;
  try {
    const me = await api('/api/auth/me');
    set(me.user, me.scope, me);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    clear();
  }
}

/** After sign-in, setup or a password change: take the user and fetch the scope. */
export async function signedIn(user) {
  session.setupNeeded = false;
  set(user, null);
  const me = await api('/api/auth/me').catch(() => null);
  if (me?.user) set(me.user, me.scope, me);
}

export async function signOut() {
  try {
    await post('/api/auth/logout');
  } finally {
    clear();
  }
}

export function clear() {
  set(null, null);
}

function set(user, scope, place = {}) {
  setHint(!!user);
  session.user = user ?? null;
  session.scope = user ? scope : null;
  session.unit = user ? place.unit ?? null : null;
  session.team = user ? place.team ?? null : null;
  unitPromise = undefined;
  window.dispatchEvent(new CustomEvent('ngoso:session'));
}

/** Whether the signed-in user has one of `roles`. */
export const can = (roles) => !!session.user && roles.includes(session.user.role);

/** The unit the user works in, {code, name, level} (a team's: its commune), or null for an admin (everything). */
export function myUnit() {
  unitPromise ??= findMyUnit().catch(() => null);
  return unitPromise;
}

async function findMyUnit() {
  const s = session.scope;
  if (!s || s.kind === 'all') return null;
  // GET /api/auth/me names the unit (a team member's unit is the team's village or commune)
  if (session.unit?.code && s.kind !== 'team') return session.unit;
  if (s.kind === 'province') {
    const p = (await provinces()).find((x) => x.code === s.provinceCode);
    return p ? { code: p.code, name: p.name, level: 'province' } : null;
  }
  if (s.kind === 'team') {
    const team = await api(`/api/teams/${s.teamId}`);
    return { code: team.commune.code, name: team.commune.name, level: 'commune', team };
  }
  // commune or village: an officer finds their own row in the account list
  if (!can(OFFICERS)) return null;
  const { users } = await api('/api/users');
  const me = users.find((u) => u.id === session.user.id);
  return me?.unitCode ? { code: me.unitCode, name: me.unitName, level: s.kind } : null;
}

/** Where a user lands after signing in when no page was asked for. */
export function homeOf() {
  if (can(TEAM_ROLES)) return '#/to-cua-toi';
  return '#/';
}
