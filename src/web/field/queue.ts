/**
 * The phone's queue of records not yet accepted by the server, without storage or network:
 * which records to send, in batches of at most 500, what the server's per-record answers do to
 * the queue (accepted and duplicate leave it, rejected stay with the reason), and how long to wait
 * before retrying. Pure: tested in Node (queue.test.ts).
 */
import type { SyncRecord, SyncResult } from '../../sessions/sessions.sync.js';

/** A record waiting on the phone (a support session by default; the trainings outbox queues check-ins). */
export interface QueuedRecord<R = SyncRecord> {
  /** the record's client-generated UUID (also the IndexedDB key) */
  id: string;
  /** the account that recorded it: only that account sends it */
  userId: number;
  record: R;
  /** when the phone stored it (ms since epoch), for ordering */
  savedAt: number;
  /** pending: to send; rejected: the server refused it, waiting for the member to edit or delete it */
  status: 'pending' | 'rejected';
  field?: string;
  reason?: string;
}

/** The user's records to send, oldest first. */
export function toSend<Q extends QueuedRecord<unknown>>(queue: readonly Q[], userId: number): Q[] {
  return queue.filter((q) => q.userId === userId && q.status === 'pending').sort((a, b) => a.savedAt - b.savedAt || a.id.localeCompare(b.id));
}

/** How many of the user's records are not on the server: waiting to be sent, and refused. */
export function counts(queue: readonly QueuedRecord<unknown>[], userId: number): { pending: number; rejected: number; total: number } {
  let pending = 0;
  let rejected = 0;
  for (const q of queue) if (q.userId === userId) q.status === 'pending' ? pending++ : rejected++;
  return { pending, rejected, total: pending + rejected };
}

/** One per-record answer of a sync endpoint, as `applyResults` reads it (SyncResult, and the trainings' AttendanceResult, are such). */
export interface RecordAnswer {
  id: string | null;
  status: string;
  field?: string;
  reason?: string;
}

/** What one answer of the server means for the records sent. */
export interface Applied {
  /** stored (accepted) or already stored (duplicate): remove from the queue */
  done: string[];
  rejected: { id: string; field: string; reason: string }[];
  /** sent but not answered (an answer shorter than the batch): stay pending */
  unanswered: string[];
}

/**
 * Matches the server's answers (one per record, in order) to the records sent: by id (ids compare
 * case-insensitively: the server lowercases them), and a rejection without id (a record the
 * server could not read an id from) by position when the answer has one entry per record. A
 * record with no answer stays pending.
 */
export function applyResults(sent: readonly { id: string }[], results: readonly (SyncResult | RecordAnswer)[]): Applied {
  const out: Applied = { done: [], rejected: [], unanswered: [] };
  const byId = new Map<string, SyncResult | RecordAnswer>();
  for (const r of results) if (r.id) byId.set(r.id.toLowerCase(), r);
  const inOrder = results.length === sent.length;
  sent.forEach((q, i) => {
    const r = byId.get(q.id.toLowerCase()) ?? (inOrder && results[i]?.id === null ? results[i] : undefined);
    if (!r) out.unanswered.push(q.id);
    else if (r.status === 'rejected') out.rejected.push({ id: q.id, field: ('field' in r && r.field) || '', reason: ('reason' in r && r.reason) || '' });
    else out.done.push(q.id);
  });
  return out;
}

/** Retry delays: 5 s, 10 s, 20 s … up to 5 minutes, each ±20 % so that phones coming back together do not retry together. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 300_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}
