import { bigint, boolean, index, integer, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../access/access.schema.js';
import { adminUnits } from '../catalogue/catalogue.schema.js';

/**
 * The residents' portal (issue 16): news and guides written by a province's or a commune's
 * officers (`unitId`: the province or the commune whose site it is on), comments on news with their
 * moderation, and each site's moderation setting. `bodyHtml` is the sanitized rendering of
 * `bodySource` (Markdown as the officer wrote it), made once when saved (portal.content.ts).
 */
export const portalArticles = pgTable(
  'portal_articles',
  {
    id: serial('id').primaryKey(),
    unitId: integer('unit_id').notNull().references(() => adminUnits.id),
    provinceCode: text('province_code').notNull(),
    kind: text('kind', { enum: ['news', 'guide'] }).notNull(),
    /** a guide's service (support_services.code) */
    serviceCode: text('service_code'),
    title: text('title').notNull(),
    summary: text('summary'),
    bodySource: text('body_source').notNull(),
    bodyHtml: text('body_html').notNull(),
    status: text('status', { enum: ['draft', 'published', 'withdrawn'] }).notNull().default('draft'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    commentsOpen: boolean('comments_open').notNull().default(true),
    createdBy: integer('created_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    /** bumped by triggers on any change to the article or its comments (0023): the public page's cache key */
    rev: bigint('rev', { mode: 'number' }).notNull().default(0),
  },
  (t) => [index('portal_articles_unit_idx').on(t.unitId, t.status, t.publishedAt), index('portal_articles_province_idx').on(t.provinceCode, t.status, t.publishedAt)],
);

/** An image an officer put in an article: re-encoded by sharp when uploaded (no metadata, no script), served from /anh/ID. */
export const portalImages = pgTable('portal_images', {
  id: serial('id').primaryKey(),
  unitId: integer('unit_id').notNull().references(() => adminUnits.id),
  mediaType: text('media_type').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  sha256: text('sha256').notNull(),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A site's moderation: 'post' (comments show at once, reports hide them) or 'pre' (an officer approves each first). */
export const portalSites = pgTable('portal_sites', {
  unitId: integer('unit_id').primaryKey().references(() => adminUnits.id),
  moderation: text('moderation', { enum: ['pre', 'post'] }).notNull().default('post'),
  updatedBy: integer('updated_by').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A comment: `status` published, pending (pre-moderation, a banned word, or 3 reports: hidden until
 * an officer decides), hidden (by an officer). The author's phone is kept encrypted with its keyed
 * hash (for blocking and the per-phone limit); the address only as a keyed hash.
 */
export const portalComments = pgTable(
  'portal_comments',
  {
    id: serial('id').primaryKey(),
    articleId: integer('article_id').notNull().references(() => portalArticles.id, { onDelete: 'cascade' }),
    siteUnitId: integer('site_unit_id').notNull().references(() => adminUnits.id),
    authorName: text('author_name').notNull(),
    phoneEnc: text('phone_enc').notNull(),
    phoneHash: text('phone_hash').notNull(),
    ipHash: text('ip_hash').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: ['published', 'pending', 'hidden'] }).notNull(),
    /** why it waits: 'pre' (pre-moderation), 'words' (a banned word), 'reports' (3 reports) */
    heldFor: text('held_for'),
    reports: smallint('reports').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [index('portal_comments_article_idx').on(t.articleId, t.status, t.createdAt), index('portal_comments_queue_idx').on(t.siteUnitId, t.status), index('portal_comments_phone_idx').on(t.phoneHash, t.createdAt), index('portal_comments_ip_idx').on(t.ipHash, t.createdAt)],
);

/** A resident's report of a comment: one per reporter (a keyed hash of phone or address) and comment. */
export const portalCommentReports = pgTable(
  'portal_comment_reports',
  {
    commentId: integer('comment_id').notNull().references(() => portalComments.id, { onDelete: 'cascade' }),
    reporterHash: text('reporter_hash').notNull(),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.commentId, t.reporterHash] })],
);

/** A commenter blocked on a site until a time (by the keyed hash of the phone). */
export const portalBlocks = pgTable(
  'portal_blocks',
  {
    id: serial('id').primaryKey(),
    siteUnitId: integer('site_unit_id').notNull().references(() => adminUnits.id),
    phoneHash: text('phone_hash').notNull(),
    until: timestamp('until', { withTimezone: true }).notNull(),
    reason: text('reason'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('portal_blocks_phone_idx').on(t.phoneHash, t.until)],
);

/** Words that hold a comment for review, as data: national (`unitId` null) or a site's own. */
export const portalBannedWords = pgTable(
  'portal_banned_words',
  {
    id: serial('id').primaryKey(),
    unitId: integer('unit_id').references(() => adminUnits.id),
    /** folded: lower case, without diacritics (text/vietnamese.ts searchKey) */
    word: text('word').notNull(),
  },
  (t) => [uniqueIndex('portal_banned_words_uq').on(t.unitId, t.word)],
);
