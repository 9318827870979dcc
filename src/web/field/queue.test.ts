import { describe, expect, it } from 'vitest';
import { chunks } from '../../db/batch.js';
import { MAX_SYNC_BATCH } from '../../sessions/sessions.vocabulary.js';
import { applyResults, backoffMs, counts, type QueuedRecord, toSend } from './queue.js';
const chunk = <T>(items: readonly T[], size = MAX_SYNC_BATCH) => chunks(items, size);

const rec = (id: string, over: Partial<QueuedRecord> = {}): QueuedRecord => ({
  id,
  userId: 7,
  savedAt: 1000,
  status: 'pending',
  record: { id, teamId: 1, memberIds: [2], occurredAt: '2026-11-29T08:30:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }] },
  ...over,
});

describe('chunk', () => {
  it('cuts 1,201 records into batches of 500, 500 and 201 in order', () => {
    const items = Array.from({ length: 1201 }, (_, i) => i);
    const batches = chunk(items);
    expect(batches.map((b) => b.length)).toEqual([500, 500, 201]);
    expect(batches[1][0]).toBe(500);
    expect(batches.flat()).toEqual(items);
  });
  it('gives no batch for no records and one for exactly 500', () => {
    expect(chunk([])).toEqual([]);
    expect(chunk(Array.from({ length: 500 }, () => 0)).length).toBe(1);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('toSend and counts', () => {
  const queue = [
    rec('c', { savedAt: 3000 }),
    rec('a', { savedAt: 1000 }),
    rec('r', { savedAt: 500, status: 'rejected', reason: 'x', field: 'occurredAt' }),
    rec('o', { savedAt: 100, userId: 8 }),
    rec('b', { savedAt: 2000 }),
  ];
  it("sends the user's pending records oldest first, not refused ones nor another account's", () => {
    expect(toSend(queue, 7).map((q) => q.id)).toEqual(['a', 'b', 'c']);
    expect(toSend(queue, 8).map((q) => q.id)).toEqual(['o']);
  });
  it('counts waiting and refused records per user', () => {
    expect(counts(queue, 7)).toEqual({ pending: 3, rejected: 1, total: 4 });
    expect(counts(queue, 9)).toEqual({ pending: 0, rejected: 0, total: 0 });
  });
});

describe('applyResults', () => {
  it('removes accepted and duplicate records and keeps rejected ones with the reason', () => {
    const sent = [rec('A1'), rec('b2'), rec('c3')];
    const out = applyResults(sent, [
      { id: 'a1', status: 'accepted', day: '2026-11-29' },
      { id: 'b2', status: 'duplicate' },
      { id: 'c3', status: 'rejected', field: 'occurredAt', reason: 'Thời điểm ở tương lai' },
    ]);
    expect(out).toEqual({ done: ['A1', 'b2'], rejected: [{ id: 'c3', field: 'occurredAt', reason: 'Thời điểm ở tương lai' }], unanswered: [] });
  });
  it('matches by id when the order differs and keeps records the answer does not name', () => {
    const out = applyResults([rec('x'), rec('y'), rec('z')], [
      { id: 'z', status: 'duplicate' },
      { id: 'y', status: 'accepted', day: '2026-11-29' },
    ]);
    expect(out).toEqual({ done: ['y', 'z'], rejected: [], unanswered: ['x'] });
  });
  it('takes a rejection without id (unreadable record) by its position', () => {
    const out = applyResults([rec('x'), rec('y')], [
      { id: 'x', status: 'accepted', day: '2026-11-29' },
      { id: null, status: 'rejected', field: 'record', reason: 'Dữ liệu không hợp lệ' },
    ]);
    expect(out).toEqual({ done: ['x'], rejected: [{ id: 'y', field: 'record', reason: 'Dữ liệu không hợp lệ' }], unanswered: [] });
  });
});

describe('backoffMs', () => {
  it('doubles from 5 s up to 5 minutes, ±20 %', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, () => 0.5))).toEqual([5000, 10000, 20000, 40000]);
    expect(backoffMs(20, () => 0.5)).toBe(300_000);
    expect(backoffMs(1, () => 0)).toBe(4000);
    expect(backoffMs(1, () => 1)).toBe(6000);
  });
});
