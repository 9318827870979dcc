import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
// validation messages in Vietnamese (zod's own locale, shared with the office UI's forms)
import './zod.js';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditRefusal, registerAccess, type RouteRule } from '../access/access.plugin.js';
import { authRoutes } from '../access/auth.routes.js';
import { auditRoutes } from '../audit/audit.routes.js';
import { catalogueRoutes } from '../catalogue/catalogue.routes.js';
import { DataProtector } from '../privacy/protector.js';
import { loadSecrets } from '../privacy/secrets.js';
import { residentRoutes } from '../residents/residents.routes.js';
import { importRoutes, MAX_FILES } from '../imports/imports.routes.js';
import { registryRoutes } from '../registry/registry.routes.js';
import { registryEditRoutes } from '../registry/registry.edit.routes.js';
import { reportRoutes } from '../reports/reports.routes.js';
import { sessionRoutes } from '../sessions/sessions.routes.js';
import { trainingRoutes } from '../trainings/trainings.routes.js';
import { courseRoutes } from '../trainings/courses.routes.js';
import { notifyRoutes } from '../notify/notify.routes.js';
import { directiveRoutes } from '../directives/directives.routes.js';
import { portalRoutes } from '../portal/portal.routes.js';
import { helpRoutes } from '../help/help.routes.js';
import { mapRoutes } from '../maps/maps.routes.js';
import { registerWebApp } from '../web/web.plugin.js';
import { AppError } from './errors.js';
import { missing } from '../portal/portal.layout.js';
import { nulPath } from '../text/nul.js';
import { type Clock, useClock } from '../text/clock.js';
import { registerVendorScripts } from './vendor.js';
import { sqlState } from '../db/client.js';
import { nationalRoutes } from '../national/national.routes.js';
import type { AppContext } from './types.js';

/** Errors that mean "you may not": written to the audit log. */
const REFUSALS = new Set(['AUTH_REQUIRED', 'FORBIDDEN', 'OUT_OF_SCOPE', 'PASSWORD_CHANGE_REQUIRED', 'CSRF_INVALID']);

const publicDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../web/public');

/**
 * Builds the HTTP application: JSON API under /api (zod-validated, documented at
 * /api/openapi.json), the web UI as static files, and one error handler that answers
 * `{error:{code,message,details?}}`: AppError → its status; validation and other client errors
 * → 4xx; anything else → logged, generic 500. `clock` (tests) becomes the process's current clock
 * (text/clock.ts) until the app closes: every "today" and recorded instant then follows it.
 */
export async function buildApp(ctx: AppContext, opts: { logger?: boolean; routeRules?: RouteRule[]; clock?: Clock } = {}): Promise<FastifyInstance> {
  // request logs carry the path only: query strings may hold names searched for or a stated purpose
  const logger = opts.logger ? { serializers: { req: (req: { method: string; url: string; ip: string }) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }) } } : false;
  const app = Fastify({ logger, bodyLimit: 1024 * 1024, trustProxy: ctx.config.trustProxy as boolean /* Fastify accepts true, a hop count or addresses */ });
  const secrets = loadSecrets(ctx.config.secretsFile);
  if (opts.clock) {
    const restore = useClock(opts.clock);
    app.addHook('onClose', async () => restore());
  }
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(async (error, request, reply) => {
    // a write of province data on the national server that got past the HTTP refusal (a read that
    // writes) is stopped by the database (national.subscription.ts prepareNational): the same READ_ONLY
    const err = sqlState(error) === '25006' ? new AppError('READ_ONLY', 'Máy chủ toàn quốc chỉ đọc dữ liệu của các tỉnh: hãy làm việc này ở máy chủ của tỉnh (trang của tỉnh), kết quả sẽ tự chuyển về đây.') : error;
    if (err instanceof AppError) {
      // wrong passwords and lockouts are audited by the sign-in service itself; a refusal is
      // written before the answer, so the log never lags behind what the caller saw
      if (REFUSALS.has(err.code) || err.refusal) await auditRefusal(ctx.database.db, request, err.code, err.refusal);
      // a resident's form sent to the national server: a page saying where to go
      if (err.code === 'READ_ONLY' && !request.url.startsWith('/api/')) return reply.status(err.status).type('text/html; charset=utf-8').send(missing(err.message));
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ where: `${err.validationContext ?? ''}${v.instancePath}`, message: v.message }));
      const text = issues.map((i) => `${i.where || 'yêu cầu'}: ${i.message}`).join('; ');
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message: `Dữ liệu gửi lên không hợp lệ — ${text}`, details: issues } });
    }
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE') {
      return reply.status(413).send({ error: { code: 'IMPORT_FILE_TOO_LARGE', message: `Tệp vượt giới hạn ${Math.round(ctx.config.maxUploadBytes / 1048576)} MB. Hãy tách tệp theo xã hoặc theo thôn.` } });
    }
    if (e.code?.startsWith('FST_CSRF_')) {
      await auditRefusal(ctx.database.db, request, 'CSRF_INVALID');
      return reply.status(403).send({ error: { code: 'CSRF_INVALID', message: 'Phiên làm việc hết hạn hoặc thiếu mã chống giả mạo (CSRF); hãy tải lại trang rồi thử lại.' } });
    }
    // a resident's public page answers as a page, never as JSON
    if (/^\/(chi-dao|tin|binh-luan|nho-ho-tro|yeu-cau)(\/|$|\?)/.test(request.url) && e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      const text = e.statusCode === 429 ? 'Nhiều người gửi từ cùng một mạng quá nhanh; xin đợi một phút rồi gửi lại.' : e.statusCode === 413 ? 'Nội dung gửi lên dài quá; hãy rút gọn rồi gửi lại.' : 'Yêu cầu không hợp lệ; hãy tải lại trang rồi gửi lại.';
      return reply.status(e.statusCode).type('text/html; charset=utf-8').send(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Ngõ Số</title><link rel="stylesheet" href="/verify.css"></head><body><main><p class="bad">${text}</p></main></body></html>`);
    }
    if (e.statusCode === 429) {
      return reply.status(429).send({ error: { code: 'RATE_LIMITED', message: 'Quá nhiều yêu cầu; hãy đợi một phút rồi thử lại.' } });
    }
    if (e.statusCode === 413) {
      return reply.status(413).send({ error: { code: 'BODY_TOO_LARGE', message: 'Dữ liệu gửi lên quá lớn.' } });
    }
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Kiểu dữ liệu gửi lên không được hỗ trợ: hãy gửi JSON (application/json) hoặc tệp (multipart/form-data).' } });
    }
    if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message: 'Dữ liệu JSON gửi lên bị lỗi cú pháp hoặc rỗng.' } });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send({ error: { code: e.code ?? 'BAD_REQUEST', message: e.message } });
    }
    request.log.error(err);
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Lỗi hệ thống; đã ghi nhận. Vui lòng thử lại sau.' } });
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `Không có đường dẫn ${request.method} ${request.url.split('?')[0].slice(0, 80)}` } });
    // the office UI is a hash-routed page of its own; anything else unknown is the portal's 404 page
    if (request.url.startsWith('/office/')) return reply.status(404).type('text/html').sendFile('office/index.html');
    return reply.status(404).type('text/html; charset=utf-8').send(missing('Không có trang này.'));
  });

  await registerAccess(app, { db: ctx.database.db, cookieSecret: secrets.cookieSecret, secureCookies: ctx.config.secureCookies, routeRules: opts.routeRules ?? [], national: ctx.config.national });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Ngõ Số API', description: 'Tổ công nghệ số cộng đồng: danh mục đơn vị hành chính, sổ tổ và thành viên, nhập danh sách, báo cáo.', version: '0.1.0' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.config.maxUploadBytes, files: MAX_FILES, fields: 20, parts: MAX_FILES + 20 } });
  // /office/ is the office UI's page (office/index.html); `/` is the residents' portal (portal.routes.ts)
  await app.register(fastifyStatic, { root: publicDir, prefix: '/', index: false, redirect: false });
  app.get('/office/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('office/index.html'));
  app.get('/office', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/office/', 301));
  await registerVendorScripts(app);
  await registerWebApp(app);

  // PostgreSQL text cannot hold U+0000: a NUL anywhere in a JSON body or the query is refused here
  // with where it is, instead of failing in the database (the sync route refuses such records one by one)
  app.addHook('preValidation', async (req) => {
    if (!req.url.startsWith('/api/') || req.routeOptions.url === '/api/support-sessions/sync') return;
    const where = nulPath(req.body, 'body') ?? nulPath(req.query, 'query');
    if (where) throw new AppError('VALIDATION_FAILED', `Dữ liệu gửi lên có ký tự rỗng (NUL, \\u0000) ở ${where}; hãy xoá ký tự đó rồi gửi lại.`);
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const PUBLIC = { access: { public: true } } as const;
  api.get('/api/health', { config: PUBLIC, schema: { summary: 'Liveness and which database is in use' } }, async () => ({ status: 'ok', db: ctx.database.kind }));
  const routeCtx = { ...ctx, protector: new DataProtector(secrets) };
  for (const routes of [authRoutes, catalogueRoutes, registryRoutes, registryEditRoutes, importRoutes, reportRoutes, auditRoutes, residentRoutes, sessionRoutes, trainingRoutes, courseRoutes, notifyRoutes, directiveRoutes, portalRoutes, helpRoutes, mapRoutes, nationalRoutes]) routes(api, routeCtx);
  api.get('/api/openapi.json', { config: PUBLIC, schema: { hide: true } }, async () => app.swagger());
  return app;
}

