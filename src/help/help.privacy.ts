import { sql } from 'drizzle-orm';
import type { AuditActor } from '../audit/audit.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import type { DataProtector } from '../privacy/protector.js';
import { normalizePhone } from '../text/phone.js';

/**
 * A resident's portal data for a data-subject request (issue 16, item 4; Decree 13/2023/ND-CP): the
 * comments written and the help requests made with a phone, found by its keyed hashes (never by
 * decrypting everyone), exported in full or erased. Erasing deletes the comments (their words are
 * the person's) and empties a request's name, phone, problem, preferred time and feedback, keeping
 * its place, service, times and rating so the response-time figures do not change. Used by `ngoso
 * resident export|erase --phone` beside the residents' own records.
 */

function hashes(protector: DataProtector, phone: string) {
  const p = normalizePhone(phone);
  if (!p.ok) throw new AppError('VALIDATION_FAILED', `Số điện thoại: ${p.reason}.`);
  return { e164: p.e164, comment: protector.hash(`portal:${p.e164}`), request: protector.hash(p.e164) };
}

/** → {comments, helpRequests} of the phone, decrypted. Audited. */
export async function exportPortalData(db: Db, protector: DataProtector, phone: string, actor: AuditActor) {
  const h = hashes(protector, phone);
  const comments = await queryRows<{ id: number; articleId: number; authorName: string; body: string; status: string; createdAt: string }>(db, sql`
    select id, article_id as "articleId", author_name as "authorName", body, status, created_at as "createdAt" from portal_comments where phone_hash = ${h.comment} order by id`);
  const requests = await queryRows<{ id: number; communeId: number; serviceCode: string; problem: string; residentName: string; phoneEnc: string; preferredTime: string | null; status: string; createdAt: string; consentText: string; rating: number | null; feedback: string | null }>(db, sql`
    select id, commune_id as "communeId", service_code as "serviceCode", problem, resident_name as "residentName", phone_enc as "phoneEnc", preferred_time as "preferredTime", status, created_at as "createdAt", consent_text as "consentText", rating, feedback
    from help_requests where phone_hash = ${h.request} order by id`);
  for (const r of requests) await recordAudit(db, { ...actor, action: 'help.exported', entity: 'help_request', entityId: r.id, communeId: r.communeId });
  return { comments, helpRequests: requests.map(({ phoneEnc, ...r }) => ({ ...r, phone: protector.decrypt(phoneEnc) })) };
}

/** Erases the phone's comments and the identifying parts of its help requests → how many of each. Audited. */
export async function erasePortalData(db: Db, protector: DataProtector, phone: string, actor: AuditActor): Promise<{ comments: number; helpRequests: number }> {
  const h = hashes(protector, phone);
  const out = await db.transaction(async (tx) => {
    const comments = await queryRows<{ id: number }>(tx, sql`delete from portal_comments where phone_hash = ${h.comment} returning id`);
    const requests = await queryRows<{ id: number; communeId: number }>(tx, sql`
      update help_requests set resident_name = '', phone_enc = '', phone_hash = 'erased:' || id, problem = '', preferred_time = null, feedback = null
      where phone_hash = ${h.request} returning id, commune_id as "communeId"`);
    for (const r of requests) await recordAudit(tx, { ...actor, action: 'help.erased', entity: 'help_request', entityId: r.id, communeId: r.communeId });
    if (comments.length) await recordAudit(tx, { ...actor, action: 'portal.comments.erased', entity: 'portal_comment', entityId: comments.map((c) => c.id).join(','), after: { count: comments.length } });
    return { comments: comments.length, helpRequests: requests.length };
  });
  // erased values must not linger in old row versions on disk
  await db.execute(sql`vacuum portal_comments`);
  await db.execute(sql`vacuum help_requests`);
  return out;
}

/** Re-encrypts the phones of comments and help requests under the current key (`ngoso keys rotate`) → how many values changed. */
export async function reencryptPortalPhones(db: Db, protector: DataProtector): Promise<number> {
  let changed = 0;
  await db.transaction(async (tx) => {
    for (const table of ['portal_comments', 'help_requests'] as const) {
      const rows = await queryRows<{ id: number; phoneEnc: string }>(tx, sql`select id, phone_enc as "phoneEnc" from ${sql.identifier(table)} where phone_enc <> ''`);
      for (const r of rows) {
        if (!protector.needsRotation(r.phoneEnc)) continue;
        await tx.execute(sql`update ${sql.identifier(table)} set phone_enc = ${protector.encrypt(protector.decrypt(r.phoneEnc))} where id = ${r.id}`);
        changed++;
      }
    }
  });
  return changed;
}
