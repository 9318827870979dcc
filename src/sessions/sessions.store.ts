import { chunks } from '../db/batch.js';
import type { Db } from '../db/client.js';
import { GroupCommit } from '../db/group-commit.js';
import { closeBySessions } from '../help/help.service.js';
import type { DataProtector } from '../privacy/protector.js';
import { recordResidents } from '../residents/residents.identity.js';
import type { ReviewReason } from './sessions.clock.js';
import * as repo from './sessions.repo.js';
import { storeAndCountSessions } from './sessions.rollup.js';

/**
 * The write half of a sync (sessions.sync.ts checks, this stores): checked records of concurrent
 * sync requests are written by group commit (db/group-commit.ts), one transaction per group, so
 * the rollup rows every sync of a province adds to (the province's and commune's cells of today)
 * are locked once per group rather than once per request. A request's records stay all-or-nothing:
 * a group is one transaction, and a group that fails is written again request by request.
 */

/** A checked record, ready to store: its row (corrected time, day), team, services, who ran it, the resident named, why it waits for review. */
export interface ReadySession {
  rec: { id: string; memberIds: number[]; helpRequestId?: number };
  row: repo.SessionInsert;
  team: repo.TeamForSync;
  serviceIds: { serviceId: number; outcome: string }[];
  identity: { phone: string | null; nationalId: string | null; fullName: string | null } | null;
  review: ReviewReason | null;
  /** the row's resident key as checked (the number's hash), before linkResidents replaces it by the resident's */
  numberKey: string | null;
}

/** One sync request's checked records and who sent them. */
export interface WriteJob {
  ready: ReadySession[];
  userId: number | null;
  protector: DataProtector;
  /** the phone's clock was more than 5 minutes off (sessions.clock.ts): said in every accepted answer */
  clockFlag: boolean;
}

/** Per record of a job, in its order: accepted (with its day; `review` when kept for the officer) or a duplicate of a stored one. */
export type WriteAnswer = { id: string; status: 'accepted'; day: string; review?: true; clockFlag?: true } | { id: string; status: 'duplicate' };

/** Records per group at most: a statement's arrays stay a few MB. */
const GROUP_RECORDS = 8_000;
/**
 * A request of this many records or more is its own group, written at once in a transaction of its
 * own beside the groups: it amortises a transaction by itself, and several such (phones back online
 * after days) then use the server's cores in parallel. Measured on 2026-12-08 (npm run bench --
 * --phones, 200 phones sending 1–5): group commit took p95 from 3.96 s to 1.56 s on PGlite and from
 * 1.61 s to 734 ms on PostgreSQL; 4 senders of 125-record batches were no faster grouped than in
 * parallel (within the run-to-run noise, ±15 %).
 */
const ALONE_RECORDS = 50;

const writers = new WeakMap<Db, GroupCommit<WriteJob, WriteAnswer[]>>();

/**
 * Stores one request's records, checked by syncSessions against the sender's scope and the registry
 * (the only caller; nothing here checks them again), through its database's group commit; resolves, per record
 * in order, with accepted or duplicate once the group holding it has committed. Rejects with the
 * request's own error if its records cannot be stored (nothing of them is).
 */
export function storeSessions(db: Db, job: WriteJob): Promise<WriteAnswer[]> {
  if (job.ready.length === 0) return Promise.resolve([]);
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new GroupCommit((jobs) => writeGroup(db, jobs), { maxSize: GROUP_RECORDS, sizeOf: (j) => j.ready.length, alone: (j) => j.ready.length >= ALONE_RECORDS })));
  return writer.submit(job);
}

/** Groups written on this database since start and the requests they held (not counting requests big enough to go alone). */
export function groupCommitStats(db: Db): { groups: number; jobs: number } {
  return { ...(writers.get(db)?.written ?? { groups: 0, jobs: 0 }) };
}

/**
 * Writes the records of several requests in one transaction: locks their ids (lockSessionIds), so
 * the same record sent twice at once is decided once; an id already stored, or already claimed by
 * an earlier record of the group, is a duplicate; residents are found or recorded (each by its
 * request's user), help requests closed, records with a doubtful time kept for review, and the
 * sessions stored and counted in every rollup, last (sessions.rollup.ts).
 */
async function writeGroup(db: Db, jobs: WriteJob[]): Promise<WriteAnswer[][]> {
  return db.transaction(async (tx) => {
    const all = jobs.flatMap((j) => j.ready);
    // a retry alone after a failed group starts from the records as checked
    for (const r of all) {
      r.row.residentId = null;
      r.row.residentKey = r.numberKey;
    }
    // the same record sent twice at once: the second waits here and finds the first's row
    const merged = await repo.lockSessionIds(tx, [...new Set(all.map((r) => r.row.id))], all.flatMap((r) => r.rec.memberIds));
    // a person merged into another while this waited: the session is the kept record's, as the merge would have moved it
    for (const r of all) r.rec.memberIds = [...new Set(r.rec.memberIds.map((m) => merged.get(m) ?? m))];
    const already = await repo.existingSessionIds(tx, all.map((r) => r.row.id));
    const answers: WriteAnswer[][] = jobs.map((j) => new Array(j.ready.length));
    const claimed = new Set<string>();
    const fresh: { job: number; at: number; r: ReadySession }[] = [];
    jobs.forEach((j, job) =>
      j.ready.forEach((r, at) => {
        if (already.has(r.row.id) || claimed.has(r.row.id)) answers[job][at] = { id: r.row.id, status: 'duplicate' };
        else {
          claimed.add(r.row.id);
          fresh.push({ job, at, r });
        }
      }),
    );
    // the residents named, found or recorded in one pass per protector (there is one per server)
    for (const protector of new Set(jobs.map((j) => j.protector))) {
      await linkResidents(tx, protector, fresh.filter((f) => jobs[f.job].protector === protector).map((f) => ({ r: f.r, userId: jobs[f.job].userId })));
    }
    const counted = fresh.filter((f) => !f.r.review);
    const held = fresh.filter((f) => f.r.review);
    // a counted session answering a help request closes it (help.service.ts; an already closed one stays as it was), and the
    // records with a doubtful time are kept for review, before the sessions are counted: counting ends with the rows every
    // sync of the province adds to, which stay locked from then until the commit (sessions.rollup.ts)
    await closeBySessions(
      tx,
      counted
        .filter(({ r }) => r.rec.helpRequestId)
        .map(({ job, r }) => ({ requestId: r.rec.helpRequestId!, sessionId: r.row.id, teamId: r.team.id, occurredAt: r.row.occurredAt, userId: jobs[job].userId })),
    );
    const kept = await repo.insertReviews(tx, held.map(({ r }) => ({ row: r.row, memberIds: [...new Set(r.rec.memberIds)], serviceIds: r.serviceIds, reason: r.review!, helpRequestId: r.rec.helpRequestId })));
    // every session given is stored, or this throws and the whole group rolls back
    const inserted = await storeAndCountSessions(tx, counted.map(({ r }) => ({ row: r.row, team: r.team, serviceIds: r.serviceIds, memberIds: r.rec.memberIds })));
    for (const { job, at, r } of fresh) {
      answers[job][at] = !(r.review ? kept : inserted).has(r.row.id)
        ? { id: r.row.id, status: 'duplicate' }
        : { id: r.row.id, status: 'accepted', day: r.row.day, ...(r.review ? { review: true as const } : {}), ...(jobs[job].clockFlag ? { clockFlag: true as const } : {}) };
    }
    return answers;
  });
}

/**
 * Finds or records the residents named with consent and sets `residentId` (and the rollups'
 * `residentKey`, from the resident's id) on their sessions, each recorded by its request's user: one
 * resident per phone or citizen ID across the installation (unique keyed hashes, ON CONFLICT — see
 * residents/residents.identity.ts). Name-only residents are recorded each time.
 */
async function linkResidents(db: Db, protector: DataProtector, ready: { r: ReadySession; userId: number | null }[]) {
  const wanted = ready.filter(({ r }) => r.identity);
  if (wanted.length === 0) return;
  for (const part of chunks(wanted, 1000)) {
    const ids = await recordResidents(
      db,
      protector,
      part.map(({ r, userId }) => ({ communeId: r.row.communeId, ...r.identity!, gender: (r.row.residentGender as 'male' | 'female' | null) ?? null, birthYear: r.row.residentBirthYear, createdBy: userId })),
      null,
      'Ghi nhận buổi hướng dẫn, hỗ trợ của Tổ công nghệ số cộng đồng',
    );
    part.forEach(({ r }, i) => {
      r.row.residentId = ids[i];
      // the rollups' resident key is the resident's, not the number's: one person seen once with phone
      // and CCCD and once with the CCCD only (or the phone only) is one key, so one person in every count
      if (ids[i] !== null && (r.identity!.phone || r.identity!.nationalId)) r.row.residentKey = protector.hash(`resident:${ids[i]}`);
    });
  }
}
