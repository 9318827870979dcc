import { describe, expect, it } from 'vitest';
import type { SyncResult } from '../../sessions/sessions.sync.js';
import { ApiClient } from '../shared/api.js';
import type { QueuedRecord } from './queue.js';
import { clockWarning, type QueueStore, Syncer, type SyncState } from './sync.js';

/**
 * An in-memory queue and a fake server (a fake `fetch` under the real ApiClient) answering
 * GET /api/auth/csrf with tokens t1, t2… and POST /api/support-sessions/sync; tokens in `stale`
 * are refused with 403 CSRF_INVALID, as after the server's secret changed.
 */
function setup(opts: { records: number; reject?: (id: string) => string | null; failFirst?: number; status?: number; stale?: string[] } = { records: 0 }) {
  const map = new Map<string, QueuedRecord>();
  for (let i = 0; i < opts.records; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    map.set(id, { id, userId: 7, savedAt: i, status: 'pending', record: { id, teamId: 1, memberIds: [2], occurredAt: '2026-11-29T08:30:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }] } });
  }
  const store: QueueStore = {
    list: async () => [...map.values()],
    put: async (r) => void map.set(r.id, r),
    remove: async (ids) => ids.forEach((id) => map.delete(id)),
    currentUserId: async () => 7,
  };
  const stored = new Set<string>();
  const calls: { url: string; count?: number; token?: string }[] = [];
  let failures = opts.failFirst ?? 0;
  const fetch = (async (url: string, init?: RequestInit) => {
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url === '/api/auth/csrf') {
      calls.push({ url });
      return json(200, { token: `t${calls.length}` });
    }
    const records = JSON.parse(String(init!.body)).records as { id: string }[];
    const token = (init!.headers as Record<string, string>)['x-csrf-token'];
    calls.push({ url, count: records.length, token });
    if (opts.stale?.includes(token)) return json(403, { error: { code: 'CSRF_INVALID', message: 'Phiên làm việc đã hết hạn bảo mật' } });
    if (failures > 0) {
      failures--;
      if (opts.status) return json(opts.status, { error: { code: opts.status === 401 ? 'AUTH_REQUIRED' : 'INTERNAL', message: 'lỗi' } });
      throw new TypeError('Failed to fetch');
    }
    const results: SyncResult[] = records.map((r) => {
      const reason = opts.reject?.(r.id);
      if (reason) return { id: r.id, status: 'rejected', field: 'occurredAt', reason };
      if (stored.has(r.id)) return { id: r.id, status: 'duplicate' };
      stored.add(r.id);
      return { id: r.id, status: 'accepted', day: '2026-11-29' };
    });
    return json(200, { results });
  }) as typeof globalThis.fetch;
  const timers: { fn: () => void; ms: number }[] = [];
  const states: SyncState[] = [];
  const net = { online: true };
  const syncer = new Syncer({ store, api: new ApiClient({ fetch }), online: () => net.online, random: () => 0.5, setTimer: (fn, ms) => timers.push({ fn, ms }), clearTimer: () => {}, onChange: (s) => states.push(s) });
  return { map, stored, calls, timers, states, syncer, net };
}

describe('Syncer', () => {
  it('sends 1,201 records in batches of 500, 500, 201 with one CSRF token and empties the queue', async () => {
    const t = setup({ records: 1201 });
    const out = await t.syncer.run();
    expect(out).toEqual({ sent: 1201, done: 1201, rejected: 0, ok: true });
    expect(t.calls.map((c) => c.count ?? 'csrf')).toEqual(['csrf', 500, 500, 201]);
    expect(t.calls.slice(1).every((c) => c.token === 't1')).toBe(true);
    expect(t.map.size).toBe(0);
    expect(t.stored.size).toBe(1201);
    expect(t.syncer.state).toMatchObject({ total: 0, pending: 0, rejected: 0, running: false, lastError: null });
  });

  it('takes a fresh CSRF token once when the server answers 403 CSRF_INVALID, and keeps it', async () => {
    const t = setup({ records: 3, stale: ['t1'] })
    expect(await t.syncer.run()).toEqual({ sent: 3, done: 3, rejected: 0, ok: true });
    expect(t.calls.map((c) => (c.count ? `${c.count}@${c.token}` : 'csrf'))).toEqual(['csrf', '3@t1', 'csrf', '3@t3']);
    expect(t.map.size).toBe(0);
  });

  it('refreshes a refused CSRF token only once: a second refusal is a failure kept for a retry', async () => {
    const t = setup({ records: 1, stale: ['t1', 't3'] });
    const out = await t.syncer.run();
    expect(out.ok).toBe(false);
    expect(t.calls.filter((c) => c.count).map((c) => c.token)).toEqual(['t1', 't3']);
    expect(t.syncer.state).toMatchObject({ pending: 1, authRequired: false, lastError: 'Phiên làm việc đã hết hạn bảo mật' });
    expect(t.timers.map((x) => x.ms)).toEqual([5000]);
  });

  it('keeps refused records with the server reason and does not send them again', async () => {
    const t = setup({ records: 3, reject: (id) => (id.endsWith('1') ? 'Thời điểm ở tương lai' : null) });
    expect(await t.syncer.run()).toEqual({ sent: 3, done: 2, rejected: 1, ok: true });
    expect([...t.map.values()].map((q) => [q.id.slice(-1), q.status, q.reason])).toEqual([['1', 'rejected', 'Thời điểm ở tương lai']]);
    expect(t.syncer.state).toMatchObject({ total: 1, pending: 0, rejected: 1 });
    expect(await t.syncer.run()).toEqual({ sent: 0, done: 0, rejected: 0, ok: true });
  });

  it('after a lost connection keeps every record and retries with backoff; a resend of stored records is a duplicate, not a new row', async () => {
    const t = setup({ records: 2, failFirst: 1 });
    const first = await t.syncer.run();
    expect(first.ok).toBe(false);
    expect(t.map.size).toBe(2);
    expect(t.syncer.state.lastError).toBe('Mất kết nối khi gửi: sẽ thử lại.');
    expect(t.timers.map((x) => x.ms)).toEqual([5000]);
    // the retry timer fires
    t.timers[0].fn();
    await new Promise((r) => setTimeout(r, 10));
    expect(t.map.size).toBe(0);
    expect(t.stored.size).toBe(2);
    // the phone crashed before deleting them: the same records come back and are answered duplicate
    const again = setup({ records: 2 });
    for (const id of t.stored) again.stored.add(id);
    expect(await again.syncer.run()).toEqual({ sent: 2, done: 2, rejected: 0, ok: true });
    expect(again.stored.size).toBe(2);
  });

  it('backs off 5 s, 10 s, 20 s after successive server errors', async () => {
    const t = setup({ records: 1, failFirst: 3, status: 500 });
    for (let i = 0; i < 3; i++) await t.syncer.run();
    expect(t.timers.map((x) => x.ms)).toEqual([5000, 10000, 20000]);
    expect(t.syncer.state.lastError).toBe('lỗi');
    await t.syncer.run();
    expect(t.map.size).toBe(0);
  });

  it('stops on 401 (sign in again) without scheduling retries', async () => {
    const t = setup({ records: 1, failFirst: 1, status: 401 });
    expect((await t.syncer.run()).ok).toBe(false);
    expect(t.syncer.state.authRequired).toBe(true);
    expect(t.timers).toEqual([]);
    expect(t.map.size).toBe(1);
  });

  it('does nothing while offline and runs one request at a time', async () => {
    const t = setup({ records: 2 });
    t.net.online = false;
    expect(await t.syncer.run()).toEqual({ sent: 0, done: 0, rejected: 0, ok: false });
    expect(t.calls).toEqual([]);
    expect(t.syncer.state).toMatchObject({ total: 2, pending: 2, lastError: 'Chưa có mạng: sẽ tự gửi khi có kết nối.' });
    t.net.online = true;
    const a = t.syncer.run();
    const b = t.syncer.run();
    expect(a).toBe(b);
    await a;
    // the second call ran once more after the first and found nothing left to send
    expect(t.calls.filter((c) => c.count).map((c) => c.count)).toEqual([2]);
    expect(t.map.size).toBe(0);
  });
});

describe('Syncer and the phone clock (issue 13, item 2)', () => {
  it('sends x-device-id and deviceNow on every sync, and hands on the server offset', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const map = new Map<string, QueuedRecord>([[id, { id, userId: 7, savedAt: 0, status: 'pending', record: { id, teamId: 1, memberIds: [2], occurredAt: '2026-11-29T08:30:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'informed' }] } }]]);
    const store: QueueStore = { list: async () => [...map.values()], put: async (r) => void map.set(r.id, r), remove: async (ids) => ids.forEach((x) => map.delete(x)), currentUserId: async () => 7 };
    const sent: { device?: string; deviceNow?: string }[] = [];
    const fetch = (async (url: string, init?: RequestInit) => {
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      if (url === '/api/auth/csrf') return json({ token: 't' });
      const body = JSON.parse(String(init!.body));
      sent.push({ device: (init!.headers as Record<string, string>)['x-device-id'], deviceNow: body.deviceNow });
      return json({ results: body.records.map((r: { id: string }) => ({ id: r.id, status: 'accepted', day: '2026-11-29' })), clock: { serverNow: '2026-11-29T05:00:00.000Z', offsetMs: 10_800_000, wrong: true } });
    }) as typeof globalThis.fetch;
    const clocks: number[] = [];
    // the phone's clock: 15:00 in Vietnam on 29/11/2026 (three hours ahead of the server's 12:00)
    const syncer = new Syncer({ store, api: new ApiClient({ fetch }), now: () => Date.parse('2026-11-29T08:00:00Z'), deviceId: async () => 'dev-uuid', onClock: (c) => clocks.push(c.offsetMs), setTimer: () => null, clearTimer: () => {} });
    expect(await syncer.run()).toEqual({ sent: 1, done: 1, rejected: 0, ok: true });
    expect(sent).toEqual([{ device: 'dev-uuid', deviceNow: '2026-11-29T15:00:00+07:00' }]);
    expect(clocks).toEqual([10_800_000]);
  });

  it('words the clock warning: nothing within 5 minutes, minutes under an hour, hours, then days', () => {
    expect(clockWarning(0)).toBeNull();
    expect(clockWarning(300_000)).toBeNull();
    expect(clockWarning(-300_000)).toBeNull();
    const lead = (ms: number) => clockWarning(ms)!.split(' (')[0];
    expect(lead(301_000)).toBe('Giờ trên điện thoại đang sai khoảng 5 phút');
    expect(lead(-42 * 60_000)).toBe('Giờ trên điện thoại đang sai khoảng 42 phút');
    expect(lead(3 * 3_600_000 + 60_000)).toBe('Giờ trên điện thoại đang sai khoảng 3 giờ');
    expect(lead(-47 * 3_600_000)).toBe('Giờ trên điện thoại đang sai khoảng 47 giờ');
    expect(lead(90 * 86_400_000)).toBe('Giờ trên điện thoại đang sai khoảng 90 ngày');
    expect(clockWarning(3 * 3_600_000)).toBe('Giờ trên điện thoại đang sai khoảng 3 giờ (nhanh hơn giờ chuẩn): ứng dụng dùng giờ chuẩn; hãy chỉnh lại giờ của điện thoại.');
    expect(clockWarning(-3 * 3_600_000)).toContain('(chậm hơn giờ chuẩn)');
  });
});
