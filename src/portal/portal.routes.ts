import fastifyFormbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { OFFICERS } from '../access/access.policy.js';
import { needsSetup } from '../access/users.service.js';
import { memberWhollyInScopeSql } from '../access/scope.sql.js';
import { recordAudit } from '../audit/audit.service.js';
import { queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import type { RouteModule } from '../http/types.js';
import { articleBody, bannedWordsBody, moderationBody, siteBody } from './portal.contract.js';
import { articleForOffice, articlesForOffice, createArticle, imageBytes, renderArticle, siteOf, storeImage, updateArticle, type ArticleActor } from './portal.content.js';
import { moderateComment, moderationQueue, postComment, publishedComments, reportComment, setBannedWords, setModeration, siteSettings } from './portal.comments.js';
import { DEFAULT_GUIDES } from './portal.guides.js';
import { compress } from '../http/compressed.js';
import { cachedArticlePage, sendPage } from './portal.cache.js';
import { missing } from './portal.layout.js';
import { articlePage, communePage, findPage, guidePage, guidesPage, homePage, provincePage, teamsPage } from './portal.pages.js';
import { articlesOf, placeByCode, provinceByCode, provinceGuide, publicArticle, searchPlaces, servedProvinces, servicesOf, teamsServing, villagesOf, type Province } from './portal.public.js';

const id = z.coerce.number().int().positive().max(2147483647);
/** A public page: gzipped when the browser takes it, with an ETag (portal.cache.ts sendPage). */
const html = async (reply: FastifyReply, body: string, code = 200) => sendPage(reply.request, reply, await compress(body), code);
/** A path id written in decimal digits (not "0x1", "1e3" or " 1"), else NaN. */
const idOf = (params: unknown) => {
  const raw = String((params as { id: string }).id);
  return /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN;
};
const field = (body: unknown, name: string) => {
  const v = (body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined) ?? '';
  const text = typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '';
  // control characters (NUL, which PostgreSQL text cannot hold, ESC, BEL…) are seen by nobody: dropped
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
};

/**
 * The residents' portal (issue 16): public pages under `/` (no sign-in, server-rendered) and the
 * officers' API under /api/portal. Public forms post urlencoded (they work without script); only
 * these routes read that type. Comments: 10 a minute per address at the route, and the service's
 * per-phone and per-address limits behind it.
 */
export const portalRoutes: RouteModule = (api, { database, protector }) => {
  const { db } = database;
  const actorOf = (req: FastifyRequest): ArticleActor => ({ userId: req.actor!.userId, ip: req.ip, scope: req.actor!.scope });

  /** The province a page is on: `?tinh=`, else the only one served; null when several and none chosen. */
  async function provinceOf(req: FastifyRequest): Promise<Province | null> {
    const q = (req.query ?? {}) as Record<string, unknown>;
    if (typeof q.tinh === 'string') return provinceByCode(db, q.tinh);
    const served = await servedProvinces(db);
    return served.length === 1 ? served[0] : null;
  }

  /** GET / → the only province's page (a redirect), or the provinces served; /office/ while no account exists. */
  api.get('/', { schema: { hide: true } }, async (_req, reply) => {
    // a new installation: the administrator's first step is in the office UI
    if (await needsSetup(db)) return reply.redirect('/office/', 302);
    const served = await servedProvinces(db);
    if (served.length === 1) return reply.redirect(`/tinh/${served[0].code}`, 302);
    return html(reply, homePage(served));
  });

  /** GET /tinh/:code → a province's page: its news, the guides, finding one's team, asking for help. */
  api.get('/tinh/:code', { schema: { hide: true } }, async (req, reply) => {
    const p = await provinceByCode(db, String((req.params as { code: string }).code));
    if (!p) return html(reply, missing('Không có tỉnh này.'), 404);
    return html(reply, provincePage(p, await articlesOf(db, [p.id], 'news'), await servicesOf(db, p.code)));
  });

  /** GET /xa/:code → a commune's page: its news and the province's. */
  api.get('/xa/:code', { schema: { hide: true } }, async (req, reply) => {
    const place = await placeByCode(db, String((req.params as { code: string }).code));
    const p = place ? await provinceByCode(db, place.provinceCode) : null;
    if (!place || place.level !== 'commune' || !p) return html(reply, missing('Không có xã/phường này.'), 404);
    return html(reply, communePage(p, place, await articlesOf(db, [place.id, p.id], 'news'), await teamsServing(db, place)));
  });

  /**
   * GET /tin/:id[?gui|bao_cao] → an article with its published comments (and the notice of what the
   * reader just did). Without a query string the page comes from portal.cache.ts.
   */
  api.get('/tin/:id', { schema: { hide: true } }, async (req, reply) => {
    const n = idOf(req.params);
    const valid = Number.isSafeInteger(n) && n > 0 && n < 2 ** 31;
    // the plain page (no notice to show) is rendered once per revision of the article and its comments
    if (valid && !req.url.includes('?')) {
      const page = await cachedArticlePage(db, n, async () => {
        const a = await publicArticle(db, n);
        return a ? articlePage(await provinceByCode(db, a.provinceCode), a, await publishedComments(db, a.id), null) : null;
      });
      return page ? sendPage(req, reply, page) : html(reply, missing('Không có bài này hoặc bài đã gỡ.'), 404);
    }
    const a = valid ? await publicArticle(db, n) : null;
    if (!a) return html(reply, missing('Không có bài này hoặc bài đã gỡ.'), 404);
    const q = (req.query ?? {}) as Record<string, string>;
    const state = q.gui === 'cho' ? { kind: 'ok' as const, text: 'Đã nhận bình luận; bình luận sẽ hiện sau khi cán bộ duyệt.' } : q.gui === 'xong' ? { kind: 'ok' as const, text: 'Đã đăng bình luận. Cảm ơn bạn!' } : null;
    const comments = await publishedComments(db, a.id);
    // the thanks for a report shows under that comment; when the report hid it, above the comment form
    const under = comments.find((c) => String(c.id) === q.bao_cao)?.id ?? null;
    const thanks = q.bao_cao && under === null ? { kind: 'ok' as const, text: 'Cảm ơn bạn đã báo cáo; cán bộ sẽ xem xét.' } : null;
    return html(reply, articlePage(await provinceByCode(db, a.provinceCode), a, comments, state ?? thanks, {}, under));
  });

  /** GET /huong-dan[?tinh] → the services' guides. */
  api.get('/huong-dan', { schema: { hide: true } }, async (req, reply) => {
    const p = await provinceOf(req);
    if (!p) return html(reply, homePage(await servedProvinces(db)));
    return html(reply, guidesPage(p, await servicesOf(db, p.code)));
  });

  /** GET /huong-dan/:service[?tinh] → the province's own guide, else the national one (portal.guides.ts). */
  api.get('/huong-dan/:service', { schema: { hide: true } }, async (req, reply) => {
    const p = await provinceOf(req);
    if (!p) return html(reply, homePage(await servedProvinces(db)));
    const code = String((req.params as { service: string }).service);
    const service = (await servicesOf(db, p.code)).find((s) => s.code === code);
    if (!service) return html(reply, missing('Không có hướng dẫn này.', p), 404);
    const own = await provinceGuide(db, p.code, code);
    const fallback = DEFAULT_GUIDES[code];
    return html(reply, guidePage(p, service, own ?? (fallback ? { ...fallback, bodyHtml: renderArticle(fallback.body), site: 'Hướng dẫn chung' } : null)));
  });

  /** GET /to-cua-toi[?tinh][&q] → search communes and villages without diacritics. */
  api.get('/to-cua-toi', { schema: { hide: true } }, async (req, reply) => {
    const p = await provinceOf(req);
    if (!p) return html(reply, homePage(await servedProvinces(db)));
    const q = String(((req.query ?? {}) as Record<string, unknown>).q ?? '').slice(0, 80);
    return html(reply, findPage(p, q, q.trim() ? await searchPlaces(db, p.code, q) : null));
  });

  /** GET /to-cua-toi/:code → the teams serving a commune or a village: names, leaders, published phones. */
  api.get('/to-cua-toi/:code', { schema: { hide: true } }, async (req, reply) => {
    const place = await placeByCode(db, String((req.params as { code: string }).code));
    const p = place ? await provinceByCode(db, place.provinceCode) : null;
    if (!place || !p) return html(reply, missing('Không có xã, thôn này.'), 404);
    return html(reply, teamsPage(p, place, await teamsServing(db, place), place.level === 'commune' ? await villagesOf(db, place.code) : []));
  });

  /** GET /anh/:id → an article's image (re-encoded WebP), cached for a year (its id never changes content). */
  api.get('/anh/:id', { schema: { hide: true } }, async (req, reply) => {
    const n = idOf(req.params);
    const img = Number.isSafeInteger(n) && n > 0 && n < 2 ** 31 ? await imageBytes(db, n) : null;
    if (!img) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'Không có ảnh này.' } });
    return reply.type(img.mediaType).header('cache-control', 'public, max-age=31536000, immutable').header('etag', `"${img.sha256}"`).send(img.data);
  });

  api.register(async (scope) => {
    await scope.register(fastifyFormbody, { bodyLimit: 16_384 });
    /**
     * POST /tin/:id/binh-luan (urlencoded: name, phone, body, website = honeypot) → back to the
     * article (303) with the outcome, or the page again with the problem (400). A filled honeypot
     * is answered as posted and stores nothing.
     */
    scope.post('/tin/:id/binh-luan', { config: { access: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } }, schema: { hide: true } }, async (req, reply) => {
      const n = idOf(req.params);
      const a = Number.isSafeInteger(n) && n > 0 && n < 2 ** 31 ? await publicArticle(db, n) : null;
      if (!a) return html(reply, missing('Không có bài này hoặc bài đã gỡ.'), 404);
      if (field(req.body, 'website')) return reply.redirect(`/tin/${a.id}?gui=cho#comment`, 303);
      const draft = { name: field(req.body, 'name').slice(0, 400), phone: field(req.body, 'phone').slice(0, 60), body: field(req.body, 'body').slice(0, 12_000) };
      const out = await postComment(db, protector, a.id, draft, req.ip);
      if (out.status === 'refused') return html(reply, articlePage(await provinceByCode(db, a.provinceCode), a, await publishedComments(db, a.id), { kind: 'bad', text: out.reason, field: out.field }, draft), 400);
      return reply.redirect(`/tin/${a.id}?gui=${out.status === 'published' ? 'xong' : 'cho'}#${out.status === 'published' ? `bl-${out.id}` : 'comment'}`, 303);
    });

    /**
     * GET /tin/:id/binh-luan → the article's comment form (302): the address a refused comment's page
     * shows, so reloading it, or opening it from the history or a shared link, is not a 404.
     */
    scope.get('/tin/:id/binh-luan', { config: { access: { public: true } }, schema: { hide: true } }, async (req, reply) => {
      const n = idOf(req.params);
      return Number.isSafeInteger(n) && n > 0 && n < 2 ** 31 ? reply.redirect(`/tin/${n}#comment`, 302) : html(reply, missing('Không có bài này hoặc bài đã gỡ.'), 404);
    });

    /** POST /binh-luan/:id/bao-cao → a resident reports a comment (once per address); back to the article (303). */
    scope.post('/binh-luan/:id/bao-cao', { config: { access: { public: true }, rateLimit: { max: 20, timeWindow: '1 minute' } }, schema: { hide: true } }, async (req, reply) => {
      const n = idOf(req.params);
      const [c] = Number.isSafeInteger(n) && n > 0 && n < 2 ** 31 ? await queryRows<{ articleId: number }>(db, sql`select article_id as "articleId" from portal_comments where id = ${n}`) : [];
      if (!c) return html(reply, missing('Không có bình luận này.'), 404);
      await reportComment(db, protector, n, `ip:${req.ip}`, field(req.body, 'reason') || null);
      return reply.redirect(`/tin/${c.articleId}?bao_cao=${n}#bl-${n}`, 303);
    });
  });

  // —— the officers' API ——

  /** GET /api/portal/articles → {articles}: the news and guides of the sites in the caller's scope, newest first. */
  api.get('/api/portal/articles', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Portal articles in scope' } }, async (req) => ({ articles: await articlesForOffice(db, req.actor!.scope) }));

  /** GET /api/portal/articles/:id → the article with its Markdown. 404 outside the scope. */
  api.get('/api/portal/articles/:id', { config: { access: { roles: OFFICERS } }, schema: { summary: 'One portal article', params: z.object({ id }) } }, async (req) => articleForOffice(db, req.params.id, req.actor!.scope));

  /** POST /api/portal/articles (portal.contract.ts articleBody) → 201 {id}. */
  api.post('/api/portal/articles', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Write a portal article', body: articleBody } }, async (req, reply) => {
    reply.code(201);
    return createArticle(db, req.body, actorOf(req));
  });

  /** PUT /api/portal/articles/:id {version, …articleBody} → {id, version}; 409 VERSION_CONFLICT. */
  api.put('/api/portal/articles/:id', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Edit a portal article', params: z.object({ id }), body: articleBody.extend({ version: z.number().int().positive().max(2147483647) }) } }, async (req) => {
    const { version, ...body } = req.body;
    return updateArticle(db, req.params.id, version, body, actorOf(req));
  });

  /** POST /api/portal/preview {body} → {html}: the sanitized rendering of Markdown, as it will be served. */
  api.post('/api/portal/preview', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Preview an article body', body: z.object({ body: z.string().max(100_000) }) } }, async (req) => ({ html: renderArticle(req.body.body) }));

  /** POST /api/portal/images[?unit] (multipart, one file) → 201 {id, src, width, height}. Errors: IMAGE_INVALID (415), 413. */
  api.post('/api/portal/images', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Upload an article image', querystring: z.object({ unit: z.string().regex(/^\d{2}$|^\d{5}$/).optional() }) } }, async (req, reply) => {
    if (!req.isMultipart()) throw new AppError('IMPORT_FILE_MISSING', 'Hãy gửi ảnh dạng multipart/form-data.');
    let data: Buffer | null = null;
    try {
      for await (const part of req.parts()) if (part.type === 'file' && !data) data = await part.toBuffer();
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('ATTACHMENT_TOO_LARGE', 'Ảnh vượt giới hạn tải lên.');
      throw new AppError('VALIDATION_FAILED', 'Dữ liệu tải lên bị hỏng hoặc không trọn vẹn.');
    }
    if (!data) throw new AppError('IMPORT_FILE_MISSING', 'Chưa có ảnh nào được gửi lên.');
    reply.code(201);
    return storeImage(db, req.query.unit, data, actorOf(req));
  });

  /** GET /api/portal/comments?status=pending|hidden|published → {comments}: the moderation queue of the sites in scope (phones masked). */
  api.get('/api/portal/comments', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Moderation queue', querystring: z.object({ status: z.enum(['pending', 'hidden', 'published']).default('pending') }) } }, async (req) => ({
    comments: await moderationQueue(db, protector, req.actor!.scope, req.query.status),
  }));

  /** POST /api/portal/comments/:id/moderate {action: approve|hide|block, days?, reason?} → {id, status, blockedUntil}. Audited. */
  api.post('/api/portal/comments/:id/moderate', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Moderate a comment', params: z.object({ id }), body: moderationBody } }, async (req) => moderateComment(db, req.params.id, req.body, actorOf(req)));

  /** GET /api/portal/site[?unit] → {unit, moderation, words, nationalWords}: the site's settings. */
  api.get('/api/portal/site', { config: { access: { roles: OFFICERS } }, schema: { summary: 'A site’s moderation settings', querystring: z.object({ unit: z.string().regex(/^\d{2}$|^\d{5}$/).optional() }) } }, async (req) => {
    const site = await siteOf(db, req.query.unit, req.actor!.scope);
    return { unit: { code: site.code, name: site.name, level: site.level }, ...(await siteSettings(db, site.id)) };
  });

  /** PUT /api/portal/site {unit?, moderation} → the settings. Audited. */
  api.put('/api/portal/site', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Set a site’s moderation', body: siteBody } }, async (req) => {
    const site = await siteOf(db, req.body.unit, req.actor!.scope);
    await setModeration(db, site, req.body.moderation, actorOf(req));
    return { unit: { code: site.code, name: site.name, level: site.level }, ...(await siteSettings(db, site.id)) };
  });

  /** PUT /api/portal/banned-words {unit?, words} → the settings: the site's own words, folded (no diacritics). Audited. */
  api.put('/api/portal/banned-words', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Set a site’s banned words', body: bannedWordsBody } }, async (req) => {
    const site = await siteOf(db, req.body.unit, req.actor!.scope);
    await setBannedWords(db, site, req.body.words, actorOf(req));
    return { unit: { code: site.code, name: site.name, level: site.level }, ...(await siteSettings(db, site.id)) };
  });

  /**
   * PUT /api/portal/members/:id/public-phone {publish} → {id, publicPhone}: the member agreed (or no
   * longer agrees) that the portal show their phone on the team's page. Officers, for a person whose
   * current teams all lie in their scope (404 otherwise). Audited.
   */
  api.put('/api/portal/members/:id/public-phone', { config: { access: { roles: OFFICERS } }, schema: { summary: 'Publish a member’s phone on the portal', params: z.object({ id }), body: z.object({ publish: z.boolean() }) } }, async (req) => {
    const scope = req.actor!.scope;
    return db.transaction(async (tx) => {
      const [m] = await queryRows<{ id: number; communeId: number | null; provinceCode: string | null }>(tx, sql`
        update members m set public_phone = ${req.body.publish} where m.id = ${req.params.id} and m.merged_into_id is null and ${memberWhollyInScopeSql(scope, sql`m.id`)}
        returning m.id, (select t.commune_id from team_members tm join teams t on t.id = tm.team_id where tm.member_id = m.id order by tm.left_on is null desc limit 1) as "communeId",
          (select t.province_code from team_members tm join teams t on t.id = tm.team_id where tm.member_id = m.id order by tm.left_on is null desc limit 1) as "provinceCode"`);
      if (!m) throw new AppError('NOT_FOUND', 'Không có thành viên này trong phạm vi của bạn.');
      await recordAudit(tx, { userId: req.actor!.userId, ip: req.ip, action: 'member.public_phone', entity: 'member', entityId: m.id, provinceCode: m.provinceCode, communeId: m.communeId, after: { publish: req.body.publish } });
      return { id: m.id, publicPhone: req.body.publish };
    });
  });
};
