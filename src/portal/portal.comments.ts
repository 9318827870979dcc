import { sql } from 'drizzle-orm';
import { type Scope, unitInScope } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { unitById } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { type DataProtector, maskPhone } from '../privacy/protector.js';
import { now as clockNow } from '../text/clock.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { cleanFreeText, graphemeLength, showsNothing } from '../text/measure.js';
import { normalizePhone } from '../text/phone.js';
import { searchKey } from '../text/vietnamese.js';
import type { ArticleActor } from './portal.content.js';
import { checkComment } from './portal.rules.js';

/**
 * Comments on news (issue 16, item 2), after Decidim's and Discourse's practice: a commenter gives
 * a name and a Vietnamese phone (kept encrypted with its keyed hash: for blocking and the
 * per-phone limit, never shown to the public); per site pre- or post-moderation; a comment with a
 * banned word waits for an officer; residents report a comment and at 3 reports (one per reporter)
 * it is hidden pending review; the site's officers approve, hide, or hide and block the author
 * for a time, each action audited. Limits: 3 comments per phone in 10 minutes and 20 a day, 20 per
 * address in 10 minutes (besides the route's per-address rate limit).
 */

export const REPORTS_TO_HIDE = 3;
const PHONE_PER_10_MIN = 3;
const PHONE_PER_DAY = 20;
const ADDRESS_PER_10_MIN = 20;

export interface CommentInput { name: string; phone: string; body: string }
export type PostOutcome = { status: 'published' | 'pending'; id: number } | { status: 'refused'; field: 'name' | 'phone' | 'body' | 'article'; reason: string };

/** Whether the folded text holds one of the site's or the nation's banned words (as whole words). */
async function bannedWordIn(db: Db, siteUnitId: number, provinceUnitId: number | null, text: string): Promise<string | null> {
  const folded = ` ${searchKey(text)} `;
  const words = await queryRows<{ word: string }>(db, sql`select word from portal_banned_words where unit_id is null or unit_id = ${siteUnitId} or unit_id = ${provinceUnitId}`);
  return words.find((w) => w.word && folded.includes(` ${w.word} `))?.word ?? null;
}

interface ArticleSite { id: number; unitId: number; provinceCode: string; communeId: number | null; provinceUnitId: number | null; kind: string; status: string; commentsOpen: boolean; moderation: 'pre' | 'post' }

async function articleSite(db: Db, articleId: number): Promise<ArticleSite | null> {
  const [a] = await queryRows<ArticleSite>(db, sql`
    select a.id, a.unit_id as "unitId", a.province_code as "provinceCode", case when u.level = 'commune' then u.id end as "communeId",
      (select p.id from admin_units p where p.level = 'province' and p.code = a.province_code and p.valid_to is null limit 1) as "provinceUnitId",
      a.kind, a.status, a.comments_open as "commentsOpen", coalesce(s.moderation, 'post') as moderation
    from portal_articles a join admin_units u on u.id = a.unit_id left join portal_sites s on s.unit_id = a.unit_id where a.id = ${articleId}`);
  return a ?? null;
}

/**
 * Posts a comment → published, pending (waiting for an officer: pre-moderation or a banned word),
 * or refused with the field and why (too short or long as the reader counts it, no name, not a
 * Vietnamese phone, blocked, too many). `ip` is kept only as a keyed hash.
 */
export async function postComment(db: Db, protector: DataProtector, articleId: number, input: CommentInput, ip: string): Promise<PostOutcome> {
  const a = await articleSite(db, articleId);
  if (!a || a.status !== 'published' || a.kind !== 'news') return { status: 'refused', field: 'article', reason: 'Không có bài này hoặc bài đã gỡ.' };
  if (!a.commentsOpen) return { status: 'refused', field: 'article', reason: 'Bài này đã đóng bình luận.' };
  const name = cleanFreeText(input.name).replace(/\s+/g, ' ');
  const p = normalizePhone(input.phone.slice(0, 40));
  const body = checkComment(input.body);
  // every problem of the form at once, in the form's order, so a resident fixes them in one go
  const problems: { field: 'name' | 'phone' | 'body'; reason: string }[] = [];
  if (graphemeLength(name) < 2 || showsNothing(name)) problems.push({ field: 'name', reason: 'Hãy ghi họ tên (ít nhất 2 ký tự).' });
  else if (graphemeLength(name) > 80) problems.push({ field: 'name', reason: 'Họ tên dài quá 80 ký tự.' });
  if (!p.ok) problems.push({ field: 'phone', reason: `Số điện thoại: ${p.reason}. Hãy ghi số di động Việt Nam, ví dụ 0912 345 678.` });
  if (!body.ok) problems.push({ field: 'body', reason: body.reason });
  if (problems.length) return { status: 'refused', field: problems[0].field, reason: problems.map((x) => x.reason).join(' ') };
  if (!p.ok || !body.ok) return { status: 'refused', field: 'body', reason: 'Bình luận không hợp lệ.' }; // (narrowing only: every problem returned above)
  const now = clockNow();
  const phoneHash = protector.hash(`portal:${p.e164}`);
  const ipHash = protector.hash(`portal-ip:${ip}`);
  const banned = await bannedWordIn(db, a.unitId, a.provinceUnitId, `${name} ${body.text}`);
  const heldFor = banned ? 'words' : a.moderation === 'pre' ? 'pre' : null;
  // counted and written under a lock on the phone (then the address), so comments posted at once
  // cannot all pass the count
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${phoneHash}, 0))`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${ipHash}, 0))`);
    const [limits] = await queryRows<{ blockedUntil: string | null; phone10: number; phoneDay: number; ip10: number }>(tx, sql`
      select (select max(until)::text from portal_blocks b where b.phone_hash = ${phoneHash} and b.site_unit_id = ${a.unitId} and b.until > ${now.toISOString()}) as "blockedUntil",
        (select count(*)::int from portal_comments c where c.phone_hash = ${phoneHash} and c.created_at > ${new Date(now.getTime() - 600_000).toISOString()}) as phone10,
        (select count(*)::int from portal_comments c where c.phone_hash = ${phoneHash} and c.created_at > ${new Date(now.getTime() - 86_400_000).toISOString()}) as "phoneDay",
        (select count(*)::int from portal_comments c where c.ip_hash = ${ipHash} and c.created_at > ${new Date(now.getTime() - 600_000).toISOString()}) as ip10`);
    if (limits.blockedUntil) return { status: 'refused', field: 'phone', reason: `Số điện thoại này đang tạm dừng bình luận trên trang này đến ngày ${formatDateVi(todayInVietnam(new Date(limits.blockedUntil)))}.` };
    if (limits.phone10 >= PHONE_PER_10_MIN || limits.phoneDay >= PHONE_PER_DAY || limits.ip10 >= ADDRESS_PER_10_MIN) return { status: 'refused', field: 'body', reason: 'Bạn đã gửi nhiều bình luận trong thời gian ngắn; xin đợi ít phút rồi gửi tiếp.' };
    const [row] = await queryRows<{ id: number }>(tx, sql`
      insert into portal_comments (article_id, site_unit_id, author_name, phone_enc, phone_hash, ip_hash, body, status, held_for, created_at)
      values (${a.id}, ${a.unitId}, ${name}, ${protector.encrypt(p.e164)}, ${phoneHash}, ${ipHash}, ${body.text}, ${heldFor ? 'pending' : 'published'}, ${heldFor}, ${now.toISOString()}) returning id`);
    return { status: heldFor ? ('pending' as const) : ('published' as const), id: row.id };
  });
}

/**
 * A resident reports a comment; `reporter` is a keyed hash of who reports (the address, or a
 * phone), counted once per comment. At 3 reports a published comment is hidden pending review.
 * → whether this report counted and the comment's state.
 */
export async function reportComment(db: Db, protector: DataProtector, commentId: number, reporter: string, reason: string | null): Promise<{ counted: boolean; status: string } | null> {
  const hash = protector.hash(`portal-report:${reporter}`);
  return db.transaction(async (tx) => {
    const [c] = await queryRows<{ status: string }>(tx, sql`select status from portal_comments where id = ${commentId} for update`);
    if (!c) return null;
    const [ins] = await queryRows<{ x: number }>(tx, sql`insert into portal_comment_reports (comment_id, reporter_hash, reason, at) values (${commentId}, ${hash}, ${reason ? cleanFreeText(reason).slice(0, 300) : null}, ${clockNow().toISOString()}) on conflict do nothing returning 1 as x`);
    if (!ins) return { counted: false, status: c.status };
    const [after] = await queryRows<{ status: string }>(tx, sql`
      update portal_comments set reports = reports + 1,
        status = case when status = 'published' and reports + 1 >= ${REPORTS_TO_HIDE} then 'pending' else status end,
        held_for = case when status = 'published' and reports + 1 >= ${REPORTS_TO_HIDE} then 'reports' else held_for end
      where id = ${commentId} returning status`);
    return { counted: true, status: after.status };
  });
}

export interface PublicComment { id: number; authorName: string; body: string; createdAt: string }

/** The published comments of an article, oldest first (at most 500). */
export function publishedComments(db: Db, articleId: number): Promise<PublicComment[]> {
  return queryRows<PublicComment>(db, sql`select id, author_name as "authorName", body, created_at as "createdAt" from portal_comments where article_id = ${articleId} and status = 'published' order by created_at, id limit 500`);
}

export interface QueuedComment { id: number; articleId: number; articleTitle: string; siteName: string; authorName: string; phone: string; body: string; status: string; heldFor: string | null; reports: number; createdAt: string }

function siteWhere(scope: Scope) {
  if (scope.kind === 'all') return sql`true`;
  if (scope.kind === 'province') return sql`a.province_code = ${scope.provinceCode}`;
  if (scope.kind === 'commune') return sql`c.site_unit_id = ${scope.communeId}`;
  return sql`false`;
}

/** The moderation queue of the sites in the caller's scope: pending comments (and, with `all`, the latest hidden ones), oldest first. Phones masked. */
export async function moderationQueue(db: Db, protector: DataProtector, scope: Scope, which: 'pending' | 'hidden' | 'published'): Promise<QueuedComment[]> {
  const rows = await queryRows<QueuedComment & { phoneEnc: string }>(db, sql`
    select c.id, c.article_id as "articleId", a.title as "articleTitle", u.name as "siteName", c.author_name as "authorName", c.phone_enc as "phoneEnc", c.body, c.status, c.held_for as "heldFor", c.reports, c.created_at as "createdAt"
    from portal_comments c join portal_articles a on a.id = c.article_id join admin_units u on u.id = c.site_unit_id
    where ${siteWhere(scope)} and c.status = ${which} order by c.created_at ${which === 'pending' ? sql`asc` : sql`desc`}, c.id limit 300`);
  return rows.map(({ phoneEnc, ...r }) => ({ ...r, phone: maskPhone(protector.decrypt(phoneEnc)) }));
}

/**
 * An officer's decision on a comment of a site in their scope (404 otherwise): approve (published,
 * its report count starts again), hide, or block (hidden, and its author's phone may not comment on
 * the site for `days`, default 30). Audited at the site's unit.
 */
export async function moderateComment(db: Db, commentId: number, decision: { action: 'approve' | 'hide' | 'block'; days?: number; reason?: string }, actor: ArticleActor) {
  const [c] = await queryRows<{ siteUnitId: number; phoneHash: string; status: string; provinceCode: string }>(db, sql`select c.site_unit_id as "siteUnitId", c.phone_hash as "phoneHash", c.status, a.province_code as "provinceCode" from portal_comments c join portal_articles a on a.id = c.article_id where c.id = ${commentId}`);
  const site = c ? await unitById(db, c.siteUnitId) : undefined;
  if (!c || !site || actor.scope.kind === 'village' || actor.scope.kind === 'team' || !unitInScope(actor.scope, site)) throw new AppError('NOT_FOUND', 'Không có bình luận này trong phạm vi của bạn.');
  const now = clockNow();
  const status = decision.action === 'approve' ? 'published' : 'hidden';
  return db.transaction(async (tx) => {
    await tx.execute(sql`update portal_comments set status = ${status}, held_for = null, decided_by = ${actor.userId}, decided_at = ${now.toISOString()}${decision.action === 'approve' ? sql`, reports = 0` : sql``} where id = ${commentId}`);
    let until: string | null = null;
    if (decision.action === 'block') {
      until = new Date(now.getTime() + (decision.days ?? 30) * 86_400_000).toISOString();
      await tx.execute(sql`insert into portal_blocks (site_unit_id, phone_hash, until, reason, created_by, created_at) values (${c.siteUnitId}, ${c.phoneHash}, ${until}, ${decision.reason ?? null}, ${actor.userId}, ${now.toISOString()})`);
    }
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: `portal.comment.${decision.action}`, entity: 'portal_comment', entityId: commentId, provinceCode: c.provinceCode, communeId: site.level === 'commune' ? site.id : null, before: { status: c.status }, after: { status, ...(until ? { blockedUntil: until } : {}), ...(decision.reason ? { reason: decision.reason } : {}) } });
    return { id: commentId, status, blockedUntil: until };
  });
}

/** A site's settings for its officers: moderation and its own banned words. */
export async function siteSettings(db: Db, unitId: number) {
  const [s] = await queryRows<{ moderation: 'pre' | 'post' }>(db, sql`select moderation from portal_sites where unit_id = ${unitId}`);
  const words = await queryRows<{ word: string }>(db, sql`select word from portal_banned_words where unit_id = ${unitId} order by word`);
  const national = await queryRows<{ word: string }>(db, sql`select word from portal_banned_words where unit_id is null order by word`);
  return { moderation: s?.moderation ?? 'post', words: words.map((w) => w.word), nationalWords: national.length };
}

/** Sets a site's moderation mode (audited). */
export async function setModeration(db: Db, site: { id: number; level: string; code: string | null; provinceCode: string | null }, moderation: 'pre' | 'post', actor: ArticleActor) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into portal_sites (unit_id, moderation, updated_by, updated_at) values (${site.id}, ${moderation}, ${actor.userId}, ${clockNow().toISOString()})
      on conflict (unit_id) do update set moderation = excluded.moderation, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: 'portal.site.moderation', entity: 'portal_site', entityId: site.id, provinceCode: site.level === 'province' ? site.code : site.provinceCode, communeId: site.level === 'commune' ? site.id : null, after: { moderation } });
  });
}

/** Replaces a site's own banned words (folded to the search key, so "Lừa Đảo" holds "lua dao"); audited. */
export async function setBannedWords(db: Db, site: { id: number; level: string; code: string | null; provinceCode: string | null }, words: string[], actor: ArticleActor) {
  const folded = [...new Set(words.map((w) => searchKey(w)).filter(Boolean))];
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from portal_banned_words where unit_id = ${site.id}`);
    if (folded.length) await tx.execute(sql`insert into portal_banned_words (unit_id, word) select ${site.id}, w from unnest(${sql.param(folded)}::text[]) w`);
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: 'portal.site.words', entity: 'portal_site', entityId: site.id, provinceCode: site.level === 'province' ? site.code : site.provinceCode, communeId: site.level === 'commune' ? site.id : null, after: { words: folded.length } });
  });
  return folded;
}

