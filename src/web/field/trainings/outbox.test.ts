import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { checkInCode, checkInUrl, parseCheckInUrl, windowOf } from '../../../trainings/trainings.code.js';
import type { AttendanceInput } from '../../../trainings/trainings.contract.js';
import { ApiClient } from '../../shared/api.js';
import { Syncer, type SyncState } from '../sync.js';
import { type CheckIn, hostRecord, selfRecord } from './model.js';
import { modulesOfPath, qrPath } from './qr.js';
import { outboxStore, type OutboxBackend } from './store.js';

/**
 * The check-in outbox and its sending, in the style of sync.test.ts: the field app's Syncer on
 * POST /api/trainings/attendance/sync over the outbox (store.ts outboxStore on a Map), the real
 * ApiClient over a fake fetch whose server keeps check-ins by the phone's UUID and counts a member
 * once per session, as trainings.attendance.ts does. Then the QR drawn for a point: rebuilt from the
 * SVG path, it is the `qrcode` package's matrix of the check-in address.
 */
const T = 7;
const P = 3;
const uuid = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
const at = new Date('2026-11-05T08:20:00+07:00');

function setup(opts: { failFirst?: number; lostAnswers?: number; status?: number } = {}) {
  const map = new Map<string, CheckIn>();
  const backend: OutboxBackend = {
    all: async () => [...map.values()],
    get: async (id) => map.get(id),
    put: async (r) => void map.set(r.id, r),
    delete: async (ids) => ids.forEach((id) => map.delete(id)),
  };
  let clock = 1_000;
  const store = outboxStore(backend, async () => 1, () => clock);
  const add = (n: number, record: AttendanceInput, userId = 1) => map.set(uuid(n), { id: uuid(n), userId, record, savedAt: n, status: 'pending', at: at.getTime() });

  // the server: rows by UUID, one per member and session
  const rows = new Map<string, AttendanceInput>();
  const calls: { url: string; ids?: string[]; deviceNow?: string; deviceId?: string }[] = [];
  let failures = opts.failFirst ?? 0;
  let lost = opts.lostAnswers ?? 0;
  const fetch = (async (url: string, init?: RequestInit) => {
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url === '/api/auth/csrf') {
      calls.push({ url });
      return json(200, { token: 't1' });
    }
    const body = JSON.parse(String(init!.body)) as { records: AttendanceInput[]; deviceNow: string };
    calls.push({ url, ids: body.records.map((r) => r.id), deviceNow: body.deviceNow, deviceId: (init!.headers as Record<string, string>)['x-device-id'] });
    if (failures > 0) {
      failures--;
      if (opts.status) return json(opts.status, { error: { code: 'INTERNAL', message: 'Lỗi máy chủ.' } });
      throw new TypeError('Failed to fetch');
    }
    const results = body.records.map((r) => {
      const id = r.id.toLowerCase();
      if (rows.has(id)) return { id, status: 'duplicate', reason: 'Đã nhận lần điểm danh này trước đó.' };
      if (r.walkIn?.phone === '12345') return { id, status: 'rejected', field: 'walkIn.phone', reason: 'Số điện thoại: không đúng dạng số Việt Nam.' };
      const same = [...rows.values()].find((x) => x.memberId !== undefined && x.memberId === r.memberId && x.trainingId === r.trainingId);
      if (same) return { id, status: 'duplicate', fullName: 'Lò Văn Dũng', reason: 'Lò Văn Dũng đã được điểm danh lúc 08:05 ngày 05/11/2026 tại "Hội trường"; chỉ tính một lần.' };
      rows.set(id, r);
      return { id, status: 'accepted', fullName: r.walkIn?.fullName ?? (r.method === 'self' ? 'Lê Văn An' : `Thành viên ${r.memberId}`), ...(r.method === 'self' ? { late: true } : {}) };
    });
    if (lost > 0) {
      // stored, but the answer never reaches the phone
      lost--;
      throw new TypeError('Failed to fetch');
    }
    return json(200, { results, accepted: 0, duplicates: 0, rejected: 0, clock: { serverNow: '2026-11-05T01:20:00.000Z', offsetMs: 1500, wrong: false } });
  }) as typeof globalThis.fetch;

  const timers: { fn: () => void; ms: number }[] = [];
  const states: SyncState[] = [];
  const offsets: number[] = [];
  const net = { online: true };
  const syncer = new Syncer<AttendanceInput>({
    store,
    path: '/api/trainings/attendance/sync',
    onResults: (_, results) => store.noteAnswers(results),
    api: new ApiClient({ fetch }),
    online: () => net.online,
    now: () => Date.parse('2026-11-05T08:30:00+07:00'),
    random: () => 0.5,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    onChange: (s) => states.push(s),
    deviceId: async () => 'phone-1',
    onClock: (c) => offsets.push(c.offsetMs),
  });
  return { map, store, add, rows, calls, timers, states, offsets, syncer, net, tick: (ms: number) => (clock += ms) };
}

describe('the check-in outbox', () => {
  it('keeps three check-ins made offline, sends them once online in one request, and keeps them on the phone as taken', async () => {
    const t = setup();
    t.net.online = false;
    for (const [n, m] of [[1, 11], [2, 12], [3, 13]]) t.add(n, hostRecord(uuid(n), T, P, m, at));
    expect(await t.syncer.run()).toEqual({ sent: 0, done: 0, rejected: 0, ok: false });
    expect(t.calls).toEqual([]);
    expect(t.syncer.state).toMatchObject({ pending: 3, total: 3, lastError: 'Chưa có mạng: sẽ tự gửi khi có kết nối.' });

    t.net.online = true;
    expect(await t.syncer.run()).toEqual({ sent: 3, done: 3, rejected: 0, ok: true });
    const sent = t.calls.filter((c) => c.ids);
    expect(sent.map((c) => [c.url, c.ids, c.deviceNow, c.deviceId])).toEqual([['/api/trainings/attendance/sync', [uuid(1), uuid(2), uuid(3)], '2026-11-05T08:30:00+07:00', 'phone-1']]);
    expect(t.rows.size).toBe(3);
    expect(t.offsets).toEqual([1500]);
    expect(await t.store.list()).toEqual([]);
    expect([...t.map.values()].map((q) => [q.id, q.sentAt, q.answer])).toEqual([
      [uuid(1), 1000, { status: 'accepted', fullName: 'Thành viên 11' }],
      [uuid(2), 1000, { status: 'accepted', fullName: 'Thành viên 12' }],
      [uuid(3), 1000, { status: 'accepted', fullName: 'Thành viên 13' }],
    ]);
    expect(t.syncer.state).toMatchObject({ pending: 0, rejected: 0, total: 0 });
    // nothing is sent twice
    await t.syncer.run();
    expect(t.calls.filter((c) => c.ids)).toHaveLength(1);
  });

  it('after an answer lost on the way retries with backoff and the resend is a duplicate: one row per check-in', async () => {
    const t = setup({ lostAnswers: 1 });
    t.add(1, hostRecord(uuid(1), T, P, 11, at));
    t.add(2, hostRecord(uuid(2), T, P, { fullName: 'Vì Văn Khoa', phone: '0912 777 888' }, at));
    const first = await t.syncer.run();
    expect(first.ok).toBe(false);
    expect(t.rows.size).toBe(2);
    expect(t.syncer.state).toMatchObject({ pending: 2, lastError: 'Mất kết nối khi gửi: sẽ thử lại.' });
    expect(t.timers.map((x) => x.ms)).toEqual([5000]);
    t.timers[0].fn();
    await expect.poll(() => t.syncer.state.pending).toBe(0);
    expect(t.calls.filter((c) => c.ids).map((c) => c.ids)).toEqual([[uuid(1), uuid(2)], [uuid(1), uuid(2)]]);
    expect(t.rows.size).toBe(2);
    expect([...t.map.values()].map((q) => q.answer?.status)).toEqual(['duplicate', 'duplicate']);
  });

  it('backs off 5 s, 10 s, 20 s after server errors, keeping every check-in', async () => {
    const t = setup({ failFirst: 3, status: 503 });
    t.add(1, hostRecord(uuid(1), T, P, 11, at));
    for (let i = 0; i < 3; i++) await t.syncer.run();
    expect(t.timers.map((x) => x.ms)).toEqual([5000, 10000, 20000]);
    expect(t.syncer.state).toMatchObject({ pending: 1, lastError: 'Lỗi máy chủ.' });
    await t.syncer.run();
    expect(t.rows.size).toBe(1);
  });

  it('keeps a refused walk-in with the server’s reason, unsent, until it is corrected and sent again', async () => {
    const t = setup();
    t.add(1, hostRecord(uuid(1), T, P, { fullName: 'Lường Thị Mai', phone: '12345' }, at));
    t.add(2, hostRecord(uuid(2), T, P, 11, at));
    expect(await t.syncer.run()).toEqual({ sent: 2, done: 1, rejected: 1, ok: true });
    const refused = t.map.get(uuid(1))!;
    expect([refused.status, refused.field, refused.reason, refused.sentAt]).toEqual(['rejected', 'walkIn.phone', 'Số điện thoại: không đúng dạng số Việt Nam.', undefined]);
    expect(t.syncer.state).toMatchObject({ pending: 0, rejected: 1, total: 1 });
    await t.syncer.run();
    expect(t.calls.filter((c) => c.ids)).toHaveLength(1);
    // corrected on the phone (host.tsx WalkInForm → Trainings.correctWalkIn)
    await t.store.put({ ...refused, status: 'pending', field: undefined, reason: undefined, record: { ...refused.record, walkIn: { fullName: 'Lường Thị Mai', phone: '0912 000 222' } } });
    expect(await t.syncer.run()).toEqual({ sent: 1, done: 1, rejected: 0, ok: true });
    expect(t.rows.size).toBe(2);
  });

  it('settles a second check-in of the same member as done with the server’s reason (counted once there)', async () => {
    const t = setup();
    t.add(1, hostRecord(uuid(1), T, P, 11, at));
    await t.syncer.run();
    t.add(2, hostRecord(uuid(2), T, 4, 11, at));
    expect(await t.syncer.run()).toEqual({ sent: 1, done: 1, rejected: 0, ok: true });
    expect(t.map.get(uuid(2))!.answer).toEqual({ status: 'duplicate', fullName: 'Lò Văn Dũng', reason: 'Lò Văn Dũng đã được điểm danh lúc 08:05 ngày 05/11/2026 tại "Hội trường"; chỉ tính một lần.' });
    expect(t.rows.size).toBe(1);
  });

  it('sends nothing undone, nor another account’s check-ins, and keeps a self check-in’s answer', async () => {
    const t = setup();
    t.add(1, hostRecord(uuid(1), T, P, 11, at));
    t.add(2, hostRecord(uuid(2), T, P, 12, at), 2);
    t.add(3, selfRecord(uuid(3), { trainingId: T, pointId: 4, window: 100, code: '123456' }, at));
    await t.store.discard([uuid(1)]); // "Hoàn tác" before it was sent
    expect(await t.syncer.run()).toEqual({ sent: 1, done: 1, rejected: 0, ok: true });
    expect(t.calls.filter((c) => c.ids).map((c) => c.ids)).toEqual([[uuid(3)]]);
    expect(t.map.get(uuid(3))!.answer).toEqual({ status: 'accepted', fullName: 'Lê Văn An', late: true });
    expect(t.map.get(uuid(2))!.sentAt).toBeUndefined();
    expect(t.map.has(uuid(1))).toBe(false);
  });
});

describe('the point’s QR', () => {
  it('draws the qrcode package’s matrix of the check-in address, which reads back to session, point, window and code', async () => {
    const secret = Buffer.from('bí mật của điểm cầu, 32 byte....').toString('base64');
    const w = windowOf(new Date('2026-11-05T08:20:00+07:00'));
    const code = await checkInCode(secret, T, P, w);
    expect(code).toMatch(/^\d{6}$/);
    const url = checkInUrl('http://127.0.0.1:8080', T, P, w, code);
    expect(parseCheckInUrl(url)).toEqual({ trainingId: T, pointId: P, window: w, code });
    const drawn = qrPath(url);
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const dark = new Set<string>();
    for (let r = 0; r < modules.size; r++) for (let c = 0; c < modules.size; c++) if (modules.data[r * modules.size + c]) dark.add(`${r},${c}`);
    expect([drawn.size, drawn.box]).toEqual([modules.size, modules.size + 8]);
    expect(modulesOfPath(drawn.d)).toEqual(dark);
    // the next window has another code and another picture
    const next = await checkInCode(secret, T, P, w + 1);
    expect(next).not.toBe(code);
    expect(qrPath(checkInUrl('http://127.0.0.1:8080', T, P, w + 1, next)).d).not.toBe(drawn.d);
  });
});
