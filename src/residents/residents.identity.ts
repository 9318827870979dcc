import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import type { DataProtector } from '../privacy/protector.js';
import { residents } from './residents.schema.js';

/**
 * One person, one resident. The keyed hashes (HMAC-SHA256 with this installation's secret, see
 * privacy/protector.ts) of the normalised phone (E.164) and of the 12-digit CCCD are each UNIQUE
 * across the whole installation (migration 0013, partial unique indexes) — not per commune or
 * province: a person who moves or is helped in another commune stays the same resident (kept in
 * the commune where first recorded). Every route that records a resident goes through
 * `recordResidents`, which inserts with ON CONFLICT DO NOTHING and re-reads, so concurrent syncs of
 * the same person give one row and never fail the batch.
 *
 * Matching, in this order:
 * 1. the citizen ID matches a resident → that resident (an ID belongs to one person; a phone may be
 *    shared in a family). If the phone matches ANOTHER resident, the ID wins and the phone stays
 *    with the resident who holds it.
 * 2. only the phone matches resident A: no ID given → A; an ID given and A has none → A, and the ID
 *    is added to A; A has another ID → a family member sharing A's phone: a new resident with the ID
 *    only (the phone stays with A).
 * 3. nothing matches → a new resident.
 * Limit: people sharing one phone and giving no ID are one resident (nothing tells them apart).
 */
export interface ResidentIdentity {
  communeId: number;
  /** E.164, already normalised */
  phone: string | null;
  /** 12 digits, already checked */
  nationalId: string | null;
  fullName: string | null;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  /** the user who recorded this person, when not the call's `userId` (a group of syncs from several accounts) */
  createdBy?: number | null;
}

type Found = { id: number; phoneHash: string | null; nationalIdHash: string | null };

/** Finds or records each identity; returns the resident id for each, in input order. */
export async function recordResidents(db: Db, protector: DataProtector, people: ResidentIdentity[], userId: number | null, consentPurpose: string | null): Promise<number[]> {
  return (await recordResidentsTold(db, protector, people, userId, consentPurpose)).map((r) => r.id);
}

/**
 * The same, telling for each whether its resident was inserted by this call (`created`) or was
 * already recorded (found by phone or ID, perhaps by a concurrent sync, or given its first ID).
 */
export async function recordResidentsTold(db: Db, protector: DataProtector, people: ResidentIdentity[], userId: number | null, consentPurpose: string | null): Promise<{ id: number; created: boolean }[]> {
  const out: (number | undefined)[] = new Array(people.length);
  const inserted = new Set<number>();
  const hashed = people.map((p) => ({ p, ph: p.phone ? protector.hash(p.phone) : null, nh: p.nationalId ? protector.hash(p.nationalId) : null }));
  const values = (p: ResidentIdentity, withPhone: boolean, withId: boolean) => ({
    communeId: p.communeId,
    fullName: p.fullName,
    gender: p.gender,
    birthYear: p.birthYear,
    phoneEnc: withPhone && p.phone ? protector.encrypt(p.phone) : null,
    phoneHash: withPhone && p.phone ? protector.hash(p.phone) : null,
    nationalIdEnc: withId && p.nationalId ? protector.encrypt(p.nationalId) : null,
    nationalIdHash: withId && p.nationalId ? protector.hash(p.nationalId) : null,
    consentPurpose,
    consentAt: consentPurpose ? new Date() : null,
    createdBy: p.createdBy !== undefined ? p.createdBy : userId,
  });
  // name-only mentions cannot be matched: one row each
  const nameOnly = hashed.map((h, i) => ({ h, i })).filter(({ h }) => !h.ph && !h.nh);
  if (nameOnly.length) {
    const ids = await db.insert(residents).values(nameOnly.map(({ h }) => values(h.p, false, false))).returning({ id: residents.id });
    nameOnly.forEach(({ i }, k) => {
      out[i] = ids[k].id;
      inserted.add(ids[k].id);
    });
  }
  let pending = hashed.map((h, i) => ({ ...h, i })).filter((h) => h.ph || h.nh);
  // one lock per phone or CCCD hash, taken in one global order: two syncs naming the same people in
  // different orders wait for each other instead of deadlocking on the unique indexes (PostgreSQL
  // advisory locks, released at the transaction's end; the caller's `db` is a transaction)
  const keys = [...new Set(pending.flatMap((h) => [h.ph, h.nh]).filter((x): x is string => !!x))].sort();
  if (keys.length) await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${sql.param(keys)}::text[]) as k order by k`);
  // each round sees rows committed by concurrent syncs (ON CONFLICT waits for them); 4 rounds cover every path
  for (let round = 0; pending.length && round < 4; round++) {
    const hashes = [...new Set(pending.flatMap((h) => [h.ph, h.nh]).filter((x): x is string => !!x))];
    const found = await queryRows<Found>(db, sql`select id, phone_hash as "phoneHash", national_id_hash as "nationalIdHash" from residents
      where phone_hash = any(${sql.param(hashes)}::text[]) or national_id_hash = any(${sql.param(hashes)}::text[])`);
    const byPhone = new Map(found.filter((f) => f.phoneHash).map((f) => [f.phoneHash!, f]));
    const byId = new Map(found.filter((f) => f.nationalIdHash).map((f) => [f.nationalIdHash!, f]));
    const toInsert = new Map<string, { h: (typeof pending)[number]; withPhone: boolean }>();
    const next: typeof pending = [];
    for (const h of pending) {
      const idMatch = h.nh ? byId.get(h.nh) : undefined;
      const phoneMatch = h.ph ? byPhone.get(h.ph) : undefined;
      if (idMatch) out[h.i] = idMatch.id;
      else if (phoneMatch && !h.nh) out[h.i] = phoneMatch.id;
      else if (phoneMatch && !phoneMatch.nationalIdHash) {
        // the phone's resident gives their ID for the first time; skipped if the ID appeared meanwhile
        const done = await queryRows<{ id: number }>(db, sql`update residents set national_id_enc = ${protector.encrypt(h.p.nationalId!)}, national_id_hash = ${h.nh}
          where id = ${phoneMatch.id} and national_id_hash is null and not exists (select 1 from residents o where o.national_id_hash = ${h.nh}) returning id`);
        if (done.length) {
          out[h.i] = phoneMatch.id;
          phoneMatch.nationalIdHash = h.nh;
          byId.set(h.nh!, phoneMatch);
        } else next.push(h);
      } else {
        const key = h.nh ? `n:${h.nh}` : `p:${h.ph}`;
        if (!toInsert.has(key)) toInsert.set(key, { h, withPhone: !phoneMatch });
        next.push(h);
      }
    }
    const rows = [...toInsert.values()];
    if (rows.length) {
      const added = await db.insert(residents).values(rows.map((r) => values(r.h.p, r.withPhone, true))).onConflictDoNothing().returning({ id: residents.id });
      for (const a of added) inserted.add(a.id);
    }
    pending = next;
  }
  if (pending.length) throw new AppError('VERSION_CONFLICT', 'Không ghi nhận được cư dân do nhiều thiết bị gửi cùng lúc; hãy đồng bộ lại.');
  return (out as number[]).map((id) => ({ id, created: inserted.has(id) }));
}
