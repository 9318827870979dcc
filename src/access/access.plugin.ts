import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import type { AccessRule } from './access.policy.js';
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
  }
}

export const SESSION_COOKIE = 'ngoso_session';

/** A registered API route and its rule, for the authorization matrix test. */
export interface RouteRule {
  method: string;
  url: string;
  access: AccessRule;
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
 * Refusals (401/403) are written to the audit log.
 */
export async function registerAccess(app: FastifyInstance, opts: { db: Db; cookieSecret: string; secureCookies: boolean; routeRules: RouteRule[] }) {
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
  await app.register(fastifyRateLimit, { global: true, max: 600, timeWindow: '1 minute' });

  app.decorateRequest('actor', null);
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
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(req, reply, (err?: Error) => (err ? reject(new AppError('CSRF_INVALID', 'Phiên làm việc hết hạn hoặc thiếu mã chống giả mạo (CSRF); hãy tải lại trang rồi thử lại.')) : resolve())),
      );
    }
  });

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

/** Writes a refused request to the audit log (never its query string or body: they may hold personal data). */
export async function auditRefusal(db: Db, req: FastifyRequest, code: string): Promise<void> {
  await recordAudit(db, {
    userId: req.actor?.userId ?? null,
    ip: req.ip,
    action: 'access.denied',
    entity: 'route',
    entityId: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`,
    provinceCode: req.actor && req.actor.scope.kind !== 'all' ? req.actor.scope.provinceCode : null,
    communeId: req.actor && 'communeId' in req.actor.scope ? req.actor.scope.communeId : null,
    after: { code },
  }).catch(() => {});
}

/** Sets the session cookie: signed, HttpOnly, SameSite=Strict, Secure behind HTTPS. */
export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeSeconds: number) {
  reply.setCookie(SESSION_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: maxAgeSeconds });
}
