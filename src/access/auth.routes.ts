import type { RouteModule } from '../http/types.js';
import { EVERYONE, type Scope } from './access.policy.js';
import { SESSION_COOKIE, setSessionCookie } from './access.plugin.js';
import { loginBody, passwordBody, resetBody, setupBody } from './auth.contract.js';
import { changePassword, SESSION_DAYS, signIn, signOut, resetWithCode } from './auth.service.js';
import { needsSetup, setupFirstAdmin, userPlace } from './users.service.js';
import { presentSelf, userRoutes } from './users.routes.js';

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
/** Routes of sign-in and first-run setup, and (users.routes.ts) account management. */
export const authRoutes: RouteModule = (api, ctx) => {
  const { database, config } = ctx;
  const { db } = database;
  userRoutes(api, ctx);
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
};
