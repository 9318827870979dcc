import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import sharp from 'sharp';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { unitById, type UnitRow } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { currentUnit } from '../registry/registry.service.js';
import { now as clockNow } from '../text/clock.js';
import type { ArticleBody } from './portal.contract.js';

/**
 * News and guides of the residents' portal (issue 16, item 1), written by officers on their own
 * site: a province officer on the province's, a commune officer on the commune's (an admin on any).
 * The officer writes Markdown (headings, lists, links, images, emphasis); it is rendered by `marked`
 * and the result sanitized by `sanitize-html` against an allow-list, once when saved, so what a
 * resident's browser gets is never more than those elements: no script, no style, no event
 * attribute, links only http(s), mailto, tel or same-site, images only from this site (/anh/ID,
 * uploaded and re-encoded here: the strict CSP allows no other origin).
 */

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['h2', 'h3', 'h4', 'p', 'br', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'a', 'img', 'blockquote', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height'], th: ['colspan', 'rowspan'], td: ['colspan', 'rowspan'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  // a heading 1 is the page's own title: the article's become h2
  transformTags: {
    h1: 'h2',
    a: (tag, attribs) => ({ tagName: 'a', attribs: { ...attribs, rel: 'nofollow noopener', ...(/^https?:/i.test(attribs.href ?? '') ? { target: '_blank' } : {}) } }),
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^\/anh\/\d+$/.test(frame.attribs.src ?? ''),
};
ALLOWED.allowedAttributes = { ...ALLOWED.allowedAttributes, a: ['href', 'title', 'rel', 'target'] };

/** Markdown (or HTML in it) → the sanitized HTML stored and served. */
export function renderArticle(source: string): string {
  let html: string;
  try {
    html = marked.parse(source, { async: false, gfm: true, breaks: true }) as string;
  } catch {
    // marked recurses once per level: quotes or lists nested some thousands deep exhaust its stack
    throw new AppError('VALIDATION_FAILED', 'Nội dung có trích dẫn hoặc danh sách lồng nhau quá nhiều tầng; hãy bớt các dấu ">" hoặc "-" ở đầu dòng.', { path: 'body' });
  }
  return sanitizeHtml(html, ALLOWED).trim();
}

export interface ArticleActor extends AuditActor {
  scope: Scope;
}

/** The site (a province or a commune) an officer writes on: `unitCode` given, else their own unit. */
export async function siteOf(db: Db, unitCode: string | undefined, scope: Scope): Promise<UnitRow> {
  let unit: UnitRow | undefined;
  if (unitCode) unit = await currentUnit(db, unitCode);
  else if (scope.kind === 'province') unit = await currentUnit(db, scope.provinceCode);
  else if (scope.kind === 'commune') unit = await unitById(db, scope.communeId);
  if (!unit) throw new AppError('VALIDATION_FAILED', 'Hãy chọn trang của tỉnh hoặc của xã/phường để đăng bài.', { path: 'unit' });
  if (unit.level !== 'province' && unit.level !== 'commune') throw new AppError('VALIDATION_FAILED', 'Trang tin chỉ có ở cấp tỉnh và cấp xã/phường; hãy chọn tỉnh hoặc xã.', { path: 'unit' });
  requireScope(scope.kind !== 'village' && scope.kind !== 'team' && unitInScope(scope, unit), `trang tin của "${unit.name}"`, unitTarget(unit));
  return unit;
}

const provinceOf = (u: UnitRow) => (u.level === 'province' ? u.code! : u.provinceCode!);

/** Creates an article → {id}. Publishing stamps `publishedAt` now. Audited. */
export async function createArticle(db: Db, input: ArticleBody, actor: ArticleActor): Promise<{ id: number }> {
  const site = await siteOf(db, input.unit, actor.scope);
  await checkGuideService(db, input, provinceOf(site));
  const html = renderArticle(input.body);
  const at = clockNow().toISOString();
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: number }>(tx, sql`
      insert into portal_articles (unit_id, province_code, kind, service_code, title, summary, body_source, body_html, status, published_at, comments_open, created_by, updated_at)
      values (${site.id}, ${provinceOf(site)}, ${input.kind}, ${input.kind === 'guide' ? input.serviceCode ?? null : null}, ${input.title}, ${input.summary ?? null}, ${input.body}, ${html},
        ${input.status}, ${input.status === 'published' ? at : null}, ${input.commentsOpen}, ${actor.userId}, ${at}) returning id`);
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: 'portal.article.create', entity: 'portal_article', entityId: row.id, provinceCode: provinceOf(site), communeId: site.level === 'commune' ? site.id : null, after: { title: input.title, kind: input.kind, status: input.status } });
    return { id: row.id };
  });
}

/** Edits an article at the version read (VERSION_CONFLICT otherwise) → {id, version}. The site cannot change. Audited. */
export async function updateArticle(db: Db, id: number, version: number, input: ArticleBody, actor: ArticleActor): Promise<{ id: number; version: number }> {
  const current = await articleForOffice(db, id, actor.scope);
  await checkGuideService(db, input, current.provinceCode);
  const html = renderArticle(input.body);
  const at = clockNow().toISOString();
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ version: number }>(tx, sql`
      update portal_articles set kind = ${input.kind}, service_code = ${input.kind === 'guide' ? input.serviceCode ?? null : null}, title = ${input.title}, summary = ${input.summary ?? null},
        body_source = ${input.body}, body_html = ${html}, status = ${input.status}, comments_open = ${input.commentsOpen}, updated_at = ${at}, version = version + 1,
        published_at = case when ${input.status} = 'published' then coalesce(published_at, ${at}::timestamptz) else published_at end
      where id = ${id} and version = ${version} returning version`);
    if (!row) throw new AppError('VERSION_CONFLICT', 'Bài này vừa được người khác sửa; hãy tải lại rồi sửa tiếp.');
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: 'portal.article.update', entity: 'portal_article', entityId: id, provinceCode: current.provinceCode, communeId: current.communeId, before: { title: current.title, status: current.status }, after: { title: input.title, status: input.status } });
    return { id, version: row.version };
  });
}

async function checkGuideService(db: Db, input: ArticleBody, provinceCode: string) {
  if (input.kind !== 'guide') return;
  if (!input.serviceCode) throw new AppError('VALIDATION_FAILED', 'Bài hướng dẫn cần chọn dịch vụ được hướng dẫn (VNeID, VSSID…).', { path: 'serviceCode' });
  const [s] = await queryRows<{ code: string }>(db, sql`select code from support_services where code = ${input.serviceCode} and (province_code is null or province_code = ${provinceCode})`);
  if (!s) throw new AppError('VALIDATION_FAILED', `Không có dịch vụ "${input.serviceCode}" trong danh mục của tỉnh.`, { path: 'serviceCode' });
}

export interface OfficeArticle { id: number; unitId: number; unitName: string; provinceCode: string; communeId: number | null; kind: 'news' | 'guide'; serviceCode: string | null; title: string; summary: string | null; body: string; status: 'draft' | 'published' | 'withdrawn'; publishedAt: string | null; commentsOpen: boolean; version: number; comments: number; pending: number }

const officeColumns = sql`a.id, a.unit_id as "unitId", u.name as "unitName", a.province_code as "provinceCode", case when u.level = 'commune' then u.id end as "communeId", a.kind, a.service_code as "serviceCode", a.title, a.summary,
  a.body_source as body, a.status, a.published_at as "publishedAt", a.comments_open as "commentsOpen", a.version,
  (select count(*)::int from portal_comments c where c.article_id = a.id) as comments, (select count(*)::int from portal_comments c where c.article_id = a.id and c.status = 'pending') as pending`;

/** One article for its site's officers (404 outside the scope, hiding whether it exists). */
export async function articleForOffice(db: Db, id: number, scope: Scope): Promise<OfficeArticle> {
  const [a] = await queryRows<OfficeArticle & { level: string; parentId: number | null; code: string | null }>(db, sql`select ${officeColumns}, u.level, u.parent_id as "parentId", u.code from portal_articles a join admin_units u on u.id = a.unit_id where a.id = ${id}`);
  if (!a || scope.kind === 'village' || scope.kind === 'team' || !unitInScope(scope, { id: a.unitId, level: a.level, parentId: a.parentId, provinceCode: a.provinceCode })) throw new AppError('NOT_FOUND', 'Không có bài này trong phạm vi của bạn.');
  const { level: _l, parentId: _p, code: _c, ...rest } = a;
  return rest;
}

/** The articles of the sites in the caller's scope (a province officer: the province's and its communes'), newest first, at most 200. */
export async function articlesForOffice(db: Db, scope: Scope): Promise<OfficeArticle[]> {
  if (scope.kind === 'village' || scope.kind === 'team') return [];
  const where = scope.kind === 'all' ? sql`true` : scope.kind === 'province' ? sql`a.province_code = ${scope.provinceCode}` : sql`a.unit_id = ${scope.communeId}`;
  return queryRows<OfficeArticle>(db, sql`select ${officeColumns} from portal_articles a join admin_units u on u.id = a.unit_id where ${where} order by coalesce(a.published_at, a.updated_at) desc, a.id desc limit 200`);
}

/** The largest image kept, in pixels (input) and the width it is scaled down to. */
const MAX_PIXELS = 40_000_000;
const MAX_WIDTH = 1200;

/**
 * Keeps an image for articles → {id, src, width, height}: decoded and re-encoded by sharp (libvips)
 * as WebP at most 1,200 px wide, so no metadata (GPS), script or polyglot survives; anything sharp
 * cannot decode is refused (IMAGE_INVALID).
 */
export async function storeImage(db: Db, unitCode: string | undefined, data: Buffer, actor: ArticleActor) {
  const site = await siteOf(db, unitCode, actor.scope);
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await sharp(data, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).rotate().resize({ width: MAX_WIDTH, withoutEnlargement: true }).webp({ quality: 78 }).toBuffer({ resolveWithObject: true });
  } catch {
    throw new AppError('IMAGE_INVALID', 'Tệp không phải ảnh đọc được (JPEG, PNG, WebP, GIF) hoặc quá lớn; hãy chọn ảnh khác.');
  }
  const sha = createHash('sha256').update(out.data).digest('hex');
  const [row] = await queryRows<{ id: number }>(db, sql`insert into portal_images (unit_id, media_type, width, height, sha256, data, created_by) values (${site.id}, 'image/webp', ${out.info.width}, ${out.info.height}, ${sha}, ${out.data}, ${actor.userId}) returning id`);
  return { id: row.id, src: `/anh/${row.id}`, width: out.info.width, height: out.info.height };
}

/** An image's bytes for /anh/ID, or null. */
export async function imageBytes(db: Db, id: number): Promise<{ data: Buffer; mediaType: string; sha256: string } | null> {
  const [row] = await queryRows<{ data: Buffer | Uint8Array; mediaType: string; sha256: string }>(db, sql`select data, media_type as "mediaType", sha256 from portal_images where id = ${id}`);
  return row ? { ...row, data: Buffer.from(row.data) } : null;
}
