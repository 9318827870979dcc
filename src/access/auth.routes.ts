import { z } from 'zod';
import { AppError } from '../http/errors.js';
import type { RouteModule } from '../http/types.js';
import { EVERYONE, MANAGEABLE, OFFICERS, ROLE_LABELS, type Role, type Scope } from './access.policy.js';
import { SESSION_COOKIE, setSessionCookie } from './access.plugin.js';
import { createUserBody, loginBody, passwordBody, resetBody, setupBody } from './auth.contract.js';
import { changePassword, SESSION_DAYS, signIn, signOut, resetWithCode } from './auth.service.js';
import { createUser, listUsers, needsSetup, resetUserPassword, setupFirstAdmin, userPlace } from './users.service.js';
import { presenterFor } from './presenter.js';

const PUBLIC = { access: { public: true } } as const;
/**
 * Sign-in attempts per minute, counted per address and login together: an office behind one
 * shared address is not blocked by one user's mistakes. (Per-account lockout is in auth.service.)
 */
const SIGN_IN_LIMIT = {
  rateLimit: { max: 10, timeWindow: '1 minute', hook: 'preHandler' as const, keyGenerator: (req: { ip: string; body?: unknown }) => `${req.ip}|${String((req.body as { login?: unknown } | undefined)?.login ?? '').toLowerCase()}` },
};

/** What the signed-in user sees of their own account. */
export type SelfView = ReturnType<typeof presentSelf>;
/** GET /api/auth/me: the session's user, scope and place (unit, team), or all null when signed out. */
export type Me = ({ user: SelfView; scope: Scope } & Awaited<ReturnType<typeof userPlace>>) | { user: null; scope: null; unit: null; team: null };
/** GET /api/users: the accounts in the officer's scope (phones masked, role labels) and the roles the officer may create and reset. */
export type UserList = {
  users: (Awaited<ReturnType<typeof listUsers>>[number] & { roleLabel: string })[];
  manageableRoles: { role: Role; label: string }[];
};
/** POST /api/users/:id/reset: the one-time code to hand over, and until when it works (ISO). */
export type IssuedCode = { userId: number; fullName: string; code: string; expiresAt: string };

/** Routes of sign-in, first-run setup and account management. */
export const authRoutes: RouteModule = (api, { database, config }) => {
  const { db } = database;
  const secure = config.secureCookies;

  /** GET /api/auth/csrf → {token}: the CSRF token to send as `x-csrf-token` on every POST. */
  api.get('/api/auth/csrf', { config: PUBLIC, schema: { summary: 'CSRF token for state-changing requests' } }, async (_req, reply) => ({ token: reply.generateCsrf() }));

  /** POST /api/auth/login {login, password} → {user}; sets the session cookie. 401 AUTH_FAILED, 423 AUTH_LOCKED, 429 when too many tries. */
  api.post(
    '/api/auth/login',
    { config: { ...PUBLIC, ...SIGN_IN_LIMIT }, schema: { summary: 'Sign in with user name or phone and password', body: loginBody } },
    async (req, reply) => {
      const { token, user } = await signIn(db, req.body, { userId: null, ip: req.ip });
      setSessionCookie(reply, token, secure, SESSION_DAYS * 86400);
      return { user: presentSelf(user) };
    },
  );

  /** POST /api/auth/logout → ends this session. */
  api.post('/api/auth/logout', { config: { access: { roles: EVERYONE } }, schema: { summary: 'Sign out' } }, async (req, reply) => {
    const raw = req.cookies[SESSION_COOKIE];
    const unsigned = raw ? req.unsignCookie(raw) : null;
    if (unsigned?.valid && unsigned.value) await signOut(db, unsigned.value);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  /** GET /api/auth/me → {user, scope, unit, team} of the session, or all null when signed out (not an error: the UI asks on every load). */
  api.get('/api/auth/me', { config: PUBLIC, schema: { summary: 'The signed-in user, or null' } }, async (req): Promise<Me> => {
    if (!req.actor) return { user: null, scope: null, unit: null, team: null };
    const place = await userPlace(db, req.actor.user);
    return { user: presentSelf(req.actor.user), scope: req.actor.scope, ...place };
  });

  /** POST /api/auth/password {currentPassword, newPassword} → changes one's own password. */
  api.post(
    '/api/auth/password',
    { config: { access: { roles: EVERYONE } }, schema: { summary: 'Change own password', body: passwordBody } },
    async (req) => {
      const raw = req.cookies[SESSION_COOKIE];
      const unsigned = raw ? req.unsignCookie(raw) : null;
      await changePassword(db, req.actor!.user, { ...req.body, keepSessionToken: unsigned?.valid ? unsigned.value ?? undefined : undefined }, req.actor!);
      return { ok: true };
    },
  );

  /** POST /api/auth/reset {login, code, newPassword} → sets a new password with a one-time code from an officer. */
  api.post(
    '/api/auth/reset',
    { config: { ...PUBLIC, ...SIGN_IN_LIMIT }, schema: { summary: 'Reset password with a one-time code', body: resetBody } },
    async (req) => {
      await resetWithCode(db, req.body, { userId: null, ip: req.ip });
      return { ok: true };
    },
  );

  /** GET /api/setup → {needed}: whether the first-run page (create the first admin) is open. */
  api.get('/api/setup', { config: PUBLIC, schema: { summary: 'Whether first-run setup is needed' } }, async () => ({ needed: await needsSetup(db) }));

  /** POST /api/setup {fullName, username, password} → creates the first admin; 409 SETUP_DONE once one exists. */
  api.post(
    '/api/setup',
    { config: { ...PUBLIC, ...SIGN_IN_LIMIT }, schema: { summary: 'Create the first admin (only while none exists)', body: setupBody } },
    async (req, reply) => {
      const user = await setupFirstAdmin(db, req.body, { ip: req.ip });
      const { token } = await signIn(db, { login: user.username!, password: req.body.password }, { userId: null, ip: req.ip });
      setSessionCookie(reply, token, secure, SESSION_DAYS * 86400);
      return { user: presentSelf(user) };
    },
  );

  /** GET /api/users → {users, manageableRoles}: accounts in the officer's scope (phones masked) and the roles the officer may create, with labels. */
  api.get('/api/users', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Accounts in scope' } }, async (req): Promise<UserList> => ({
    users: (await listUsers(db, req.actor!)).map((u) => ({ ...u, phone: presenterFor(req.actor!.user.role).accountPhone(u.phone), roleLabel: ROLE_LABELS[u.role as keyof typeof ROLE_LABELS] })),
    manageableRoles: MANAGEABLE[req.actor!.user.role].map((role) => ({ role, label: ROLE_LABELS[role] })),
  }));

  /** POST /api/users {fullName, username?|phone?, password, role, unit?|teamId?} → creates an account below the officer's role, in scope. The user must change the password at first sign-in. */
  api.post(
    '/api/users',
    {
      config: { access: { roles: OFFICERS } },
      schema: {
        summary: 'Create an account',
        body: createUserBody,
      },
    },
    async (req) => {
      const user = await createUser(db, req.body, req.actor!);
      return { user: presentSelf(user) };
    },
  );

  /** POST /api/users/:id/reset → {code, expiresAt}: a one-time code (8 digits, 24 h) to hand to the user. 404 outside scope. */
  api.post(
    '/api/users/:id/reset',
    { config: { access: { roles: OFFICERS } }, schema: { summary: 'Issue a one-time password reset code', params: z.object({ id: z.coerce.number().int().positive().max(2147483647) }) } },
    async (req): Promise<IssuedCode> => {
      const r = await resetUserPassword(db, req.params.id, req.actor!);
      return { userId: r.userId, fullName: r.fullName, code: r.code, expiresAt: r.expiresAt.toISOString() };
    },
  );
};

function presentSelf(u: { id: number; fullName: string; username: string | null; phone: string | null; role: string; mustChangePassword: boolean }) {
  if (!u) throw new AppError('USER_NOT_FOUND', 'Không có tài khoản.');
  return { id: u.id, fullName: u.fullName, username: u.username, phone: presenterFor(u.role as Role).accountPhone(u.phone), role: u.role, roleLabel: ROLE_LABELS[u.role as keyof typeof ROLE_LABELS], mustChangePassword: u.mustChangePassword };
}
