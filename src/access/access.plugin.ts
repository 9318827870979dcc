import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { unitById, unitsByCode } from '../catalogue/catalogue.repo.js';
import { AppError, type RefusalTarget } from '../http/errors.js';
import { membershipsOfMembers, teamById } from '../registry/registry.repo.js';
import { userById } from './access.repo.js';
import { userPlace } from './place.js';
import { type AccessRule, ALL, type Scope, teamTarget, unitTarget } from './access.policy.js';
import { sessionUser } from './auth.service.js';
import { type Actor, scopeOf } from './users.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** who may call the route; required on every /api route */
    access?: AccessRule;
    /** a stricter per-route rate limit is configured by @fastify/rate-limit's `rateLimit` */
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** the session cookie the request presented: none, one not signed by this server, one whose session has ended (expired, signed out, account disabled), or a live one */
    credential: 'none' | 'forged' | 'ended' | 'live';
  }
}

export const SESSION_COOKIE = 'ngoso_session';

/** A registered API route and its rule, for the authorization matrix test. */
export interface RouteRule {
  method: string;
  url: string;
  access: AccessRule;
}

/** The field app's sync route, rate-limited per account and installation. */
const SYNC_URL = '/api/support-sessions/sync';
/**
 * Authenticated sync (POST /api/support-sessions/sync): at most `max` requests a minute per
 * account and installation (the field app's `x-device-id`, a UUID v4 kept in IndexedDB), whatever
 * the address: a carrier NAT puts hundreds of phones behind one (issue 13, item 10). A phone sends
 * on start, on reconnecting, after each save and on a timer, so 120 a minute is far above use.
 * `perAccount`: all the account's installations together (three phones' worth), so a made-up
 * x-device-id per request does not escape the limit.
 */
export const SYNC_RATE_LIMIT = { max: 120, perAccount: 360 } as const;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The rate-limit key of an authenticated sync: `sync:<account id>:<x-device-id>`; without a valid
 * device header, `sync:<account id>:s:<session>` (one signed-in session). Undefined for any other
 * request (which counts per session or per address).
 */
/** The shape of a session token (auth.service.ts openSession: 32 random bytes as base64url). */
const SESSION_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function syncRateKey(req: FastifyRequest): string | undefined {
  if (req.method !== 'POST' || req.routeOptions.url !== SYNC_URL || !req.actor) return undefined;
  const device = req.headers['x-device-id'];
  if (typeof device === 'string' && UUID_V4.test(device)) return `sync:${req.actor.userId}:${device.toLowerCase()}`;
  const raw = req.cookies?.[SESSION_COOKIE];
  return `sync:${req.actor.userId}:s:${raw ? (req.unsignCookie(raw).value ?? '') : ''}`;
}

/** Routes a user who must change their password may still call. */
const PASSWORD_CHANGE_ALLOWED = new Set(['GET /api/auth/me', 'POST /api/auth/password', 'POST /api/auth/logout', 'GET /api/auth/csrf']);

/**
 * Security wiring for the whole app, registered before any route:
 * - security headers (CSP, frame-ancestors 'none', referrer policy) by @fastify/helmet;
 * - signed, HttpOnly, SameSite=Strict cookies (@fastify/cookie), Secure when `secureCookies`;
 * - CSRF tokens (@fastify/csrf-protection) required on every state-changing /api request;
 * - a rate limit (@fastify/rate-limit), tighter on sign-in routes;
 * - authentication from the session cookie, then the route's `config.access` rule; a route under
 *   /api without a rule throws at registration, so the app cannot start with an unguarded route.
 * Refusals of callers who showed a credential are written to the audit log (refusalWorthAuditing).
 */
export async function registerAccess(app: FastifyInstance, opts: { db: Db; cookieSecret: string; secureCookies: boolean; routeRules: RouteRule[]; national?: boolean }) {
  const { db } = opts;
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    hsts: opts.secureCookies,
  });
  await app.register(fastifyCookie, { secret: opts.cookieSecret });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: opts.secureCookies },
    getToken: (req) => req.headers['x-csrf-token'] as string | undefined,
  });
  // per signed-in session (a commune office's officers share one public address behind its router),
  // else per address; only a cookie that carries the server's signature counts, so rotating made-up
  // cookies does not escape the address's limit. Authenticated sync counts per account and
  // installation (syncRateKey). The route-level hook runs after this file's onRequest hook, so
  // `req.actor` is known here (the body is not parsed yet: the device is the x-device-id header).
  await app.register(fastifyRateLimit, {
    global: true,
    max: (req, key) => (key.startsWith('sync:') ? SYNC_RATE_LIMIT.max : 600),
    timeWindow: '1 minute',
    keyGenerator: (req) => {
      const sync = syncRateKey(req);
      if (sync) return sync;
      // only a live session counts apart from its address: a validly signed value that is no session
      // (an ended one, or the CSRF cookie's value replayed as the session cookie) counts per address
      const raw = req.cookies?.[SESSION_COOKIE];
      const unsigned = raw && req.actor ? req.unsignCookie(raw) : null;
      return unsigned?.valid && unsigned.value ? `s:${unsigned.value}` : `ip:${req.ip}`;
    },
    errorResponseBuilder: (req, ctx) => {
      const wait = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return req.routeOptions.url === SYNC_URL
        ? new AppError('RATE_LIMITED', `Máy này gửi đồng bộ quá nhiều lần trong một phút; hãy đợi ${wait} giây rồi thử lại. Các buổi chưa gửi vẫn được giữ trên máy.`)
        : new AppError('RATE_LIMITED', `Quá nhiều yêu cầu; hãy đợi ${wait} giây rồi thử lại.`);
    },
  });

  // the account's own cap over all its installations (the header is the caller's to choose);
  // checked once the caller is known, after the per-installation limit above
  const accountSyncLimit = app.createRateLimit({ max: SYNC_RATE_LIMIT.perAccount, timeWindow: '1 minute', keyGenerator: (req) => `sync-account:${req.actor?.userId}` });
  app.addHook('preHandler', async (req, reply) => {
    if (!syncRateKey(req)) return;
    const limit = await accountSyncLimit(req);
    if (limit.isAllowed || !limit.isExceeded) return;
    const wait = Math.max(1, limit.ttlInSeconds);
    reply.header('retry-after', wait);
    throw new AppError('RATE_LIMITED', `Tài khoản này gửi đồng bộ quá nhiều lần trong một phút (từ mọi máy cộng lại); hãy đợi ${wait} giây rồi thử lại. Các buổi chưa gửi vẫn được giữ trên máy.`);
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('credential', 'none');
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} has no access rule (config.access): every API route must declare who may call it.`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') opts.routeRules.push({ method, url: route.url, access });
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    // who is calling first, so that a refused CSRF check is audited with the user
    const raw = req.cookies[SESSION_COOKIE];
    const unsigned = raw ? req.unsignCookie(raw) : null;
    const user = unsigned?.valid && unsigned.value ? await sessionUser(db, unsigned.value) : null;
    if (user) req.actor = { user, userId: user.id, ip: req.ip, scope: await scopeOf(db, user) };
    // 'ended' is a signed value shaped like a session token (32 random bytes, base64url) that no longer
    // opens a session; any other value (another cookie's signed value replayed here) is 'forged'
    req.credential = !raw ? 'none' : !unsigned?.valid || !unsigned.value ? 'forged' : user ? 'live' : SESSION_TOKEN_SHAPE.test(unsigned.value) ? 'ended' : 'forged';
    const rule = req.routeOptions.config?.access;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !(rule && 'public' in rule && rule.webhook)) {
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(req, reply, (err?: Error) => (err ? reject(new AppError('CSRF_INVALID', 'Phiên làm việc hết hạn hoặc thiếu mã chống giả mạo (CSRF); hãy tải lại trang rồi thử lại.')) : resolve())),
      );
    }
  });

  // the national server (NGOSO_NATIONAL=1) holds the provinces' data as replication writes it:
  // it serves reads, and writes only its own accounts and replication settings. Refused as the
  // request arrives (after the CSRF check), by the matched route, before its body is read or
  // validated: every write answers READ_ONLY, whatever it sends
  if (opts.national) {
    app.addHook('onRequest', async (req) => {
      // the residents' forms too (a comment, a help request for a province's team): they belong on the province's server
      if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return;
      if (nationalOwnWrite(req.routeOptions.url)) return;
      throw new AppError('READ_ONLY', 'Máy chủ toàn quốc chỉ đọc dữ liệu của các tỉnh: hãy ghi ở máy chủ của tỉnh (trang của tỉnh), thay đổi sẽ tự chuyển về đây.');
    });
  }

  app.addHook('preHandler', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access || 'public' in access) return;
    if (!req.actor) throw new AppError('AUTH_REQUIRED', 'Cần đăng nhập để dùng chức năng này.');
    const key = `${req.method} ${req.routeOptions.url}`;
    if (req.actor.user.mustChangePassword && !PASSWORD_CHANGE_ALLOWED.has(key)) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', 'Bạn cần đổi mật khẩu (mật khẩu do cán bộ cấp) trước khi tiếp tục.');
    }
    if (!access.roles.includes(req.actor.user.role)) throw new AppError('FORBIDDEN', 'Vai trò của bạn không được dùng chức năng này.');
  });
}

/**
 * What the national server writes itself, by route pattern: sign-in (/api/auth/…), the first-run
 * page that makes its first administrator (/api/setup) and its own accounts (/api/users,
 * /api/users/…). Subscriptions are the operator's, by `ngoso national`.
 */
function nationalOwnWrite(route: string | undefined): boolean {
  if (!route) return false;
  return route === '/api/setup' || route === '/api/users' || route.startsWith('/api/users/') || route.startsWith('/api/auth/');
}

/** Query and route parameters that name what a request is about (never free text: it may be personal data). */
const ASKED_KEYS = ['unit', 'commune', 'province', 'team', 'teamId', 'member', 'memberId', 'id'] as const;

/**
 * Which refusals are worth an audit entry (issue 13, item 9): those of someone who showed a
 * credential. Yes: every refusal of a signed-in caller (401 password change, 403 role, scope or
 * CSRF, the 404 that hides an object outside the scope), and a 401 or 403 of a request whose
 * session cookie was forged (not signed by this server) or had ended (expired, signed out, the
 * account disabled: a stolen or stale cookie replayed). No: a refusal of a request that presented
 * no session cookie at all — a signed-out page or the field app asking in the background, or
 * anyone on the internet; it names nobody, and logging it would let anyone fill a commune's log
 * (such requests are counted by the per-address rate limit and the request log instead).
 */
export function refusalWorthAuditing(req: FastifyRequest): boolean {
  return req.actor !== null || req.credential !== 'none';
}

/**
 * Writes a refused request (401, 403, or the 404 that hides an out-of-scope object) to the audit
 * log, when refusalWorthAuditing says so: the route, what was asked for (the object's entity and id or code, and the scope-naming
 * query values), the requester and the requester's unit. The entry sits at the requester's unit
 * and, when the target is known (`target`, or a unit/team named in the request), at the target's
 * unit too, so the officers of the unit aimed at see the attempt. Never the body or free-text
 * query values: they may hold personal data. Never throws.
 */
export async function auditRefusal(db: Db, req: FastifyRequest, code: string, target?: RefusalTarget): Promise<void> {
  if (!refusalWorthAuditing(req)) return;
  try {
    const asked: Record<string, string> = {};
    for (const source of [req.params, req.query] as unknown[]) {
      if (!source || typeof source !== 'object') continue;
      for (const key of ASKED_KEYS) {
        const v = (source as Record<string, unknown>)[key];
        if ((typeof v === 'string' || typeof v === 'number') && String(v).length <= 40) asked[key] = String(v);
      }
    }
    // an object that exists nowhere is logged alike at the requester's unit (the log must not tell
    // a hidden object from a missing one), with no target unit
    const aimed = target ? ((await placed(db, target)) ?? { entity: target.entity, id: target.id }) : await targetOfRequest(db, asked);
    const scope = req.actor?.scope;
    await recordAudit(db, {
      userId: req.actor?.userId ?? null,
      ip: req.ip,
      action: 'access.denied',
      entity: 'route',
      entityId: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`,
      provinceCode: scope && scope.kind !== 'all' ? scope.provinceCode : null,
      communeId: scope && 'communeId' in scope ? scope.communeId : null,
      targetProvinceCode: aimed?.provinceCode ?? null,
      targetCommuneId: aimed?.communeId ?? null,
      after: {
        code,
        ...(aimed ? { target: { entity: aimed.entity, id: aimed.id === undefined || aimed.id === null ? null : String(aimed.id) } } : {}),
        ...(Object.keys(asked).length ? { asked } : {}),
        requester: req.actor ? { userId: req.actor.userId, role: req.actor.user.role, unit: await scopeUnitCode(db, req.actor.scope) } : null,
        ...(req.actor ? {} : { credential: req.credential }),
      },
    });
  } catch {
    // an audit failure must not turn a refusal into a 500
  }
}

/**
 * A refusal target with its place filled in: a hidden 404 names only the object (a team, member or
 * account id) so that the service need not read outside the caller's scope; the place is looked
 * up here, on the operator's path, for the audit entry only. Undefined when the object does not exist.
 */
async function placed(db: Db, target: RefusalTarget): Promise<RefusalTarget | undefined> {
  if (target.provinceCode !== undefined || target.communeId !== undefined) return target;
  const id = Number(target.id);
  if (!Number.isInteger(id) || id <= 0 || id >= 2 ** 31) return undefined;
  if (target.entity === 'team') {
    const team = await teamById(db, id, ALL);
    return team ? teamTarget(team) : undefined;
  }
  if (target.entity === 'member') {
    const [membership] = await membershipsOfMembers(db, [id], ALL);
    const team = membership && (await teamById(db, membership.teamId, ALL));
    return team ? { ...teamTarget(team), entity: 'member', id } : undefined;
  }
  if (target.entity === 'user') {
    const user = await userById(db, id);
    if (!user) return undefined;
    const place = await userPlace(db, user);
    return { entity: 'user', id, provinceCode: place.provinceCode, communeId: place.communeId };
  }
  return target;
}

/** The unit or team a refused request named in its query or route (a unit code, a team id), if it exists. */
async function targetOfRequest(db: Db, asked: Record<string, string>): Promise<RefusalTarget | undefined> {
  const code = asked.unit ?? asked.commune ?? asked.province;
  if (code) {
    const unit = (await unitsByCode(db, code)).find((u) => !u.validTo);
    if (unit) return unitTarget(unit);
  }
  const teamId = asked.team ?? asked.teamId;
  return teamId ? placed(db, { entity: 'team', id: teamId }) : undefined;
}

/** The code of the unit a scope is anchored at (a team scope: the team's unit), for audit entries. */
async function scopeUnitCode(db: Db, scope: Scope): Promise<string | null> {
  if (scope.kind === 'all') return null;
  if (scope.kind === 'province') return scope.provinceCode;
  const unit = await unitById(db, scope.kind === 'commune' ? scope.communeId : scope.unitId);
  return unit?.code ?? null;
}

/** Sets the session cookie: signed, HttpOnly, SameSite=Strict, Secure behind HTTPS. */
export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeSeconds: number) {
  reply.setCookie(SESSION_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: maxAgeSeconds });
}
