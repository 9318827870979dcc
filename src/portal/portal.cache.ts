import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { type Compressed, compress, sendCompressed } from '../http/compressed.js';

interface Entry extends Compressed { rev: number; at: number }

/**
 * How long a cached article page may be served without re-rendering although its revision did not
 * move, in ms: what the revision does not cover (the name of the site's commune or province, renamed
 * by a catalogue update) shows within this time.
 */
const MAX_AGE_MS = 5 * 60_000;

const caches = new WeakMap<Db, LRUCache<number, Entry>>();

/** The article's current revision when it is published (migration 0023's triggers keep it), else null. */
async function revisionOf(db: Db, articleId: number): Promise<number | null> {
  const [r] = await queryRows<{ rev: string | number }>(db, sql`select rev from portal_articles where id = ${articleId} and status = 'published'`);
  return r ? Number(r.rev) : null;
}

/**
 * The public page of a published article (GET /tin/ID without a query string), rendered by `render`
 * once per revision of the article and its comments and kept in memory (2,000 articles per
 * database): every request reads only the revision (one indexed row), so a comment posted, hidden or
 * erased by any process on the same database shows on the next request. Null when the article is
 * not published (the caller answers 404).
 */
export async function cachedArticlePage(db: Db, articleId: number, render: () => Promise<string | null>, now = Date.now()): Promise<Compressed | null> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new LRUCache<number, Entry>({ max: 2000 })));
  const rev = await revisionOf(db, articleId);
  if (rev === null) {
    cache.delete(articleId);
    return null;
  }
  const hit = cache.get(articleId);
  if (hit && hit.rev === rev && now - hit.at < MAX_AGE_MS) return hit;
  const html = await render();
  if (html === null) return null;
  const page = await compress(html);
  // a revision read before the render: a change made meanwhile moves it past this one, so the next request renders again
  cache.set(articleId, { ...page, rev, at: now });
  return page;
}

/** Sends an HTML page: no-cache with an ETag, gzip when the browser takes it (a 113 KB page of 200 comments is 8 KB on the wire). */
export function sendPage(req: FastifyRequest, reply: FastifyReply, page: Compressed, code = 200) {
  return sendCompressed(req, reply, page, 'text/html; charset=utf-8', code);
}
