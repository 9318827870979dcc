import { describe, expect, it } from 'vitest';
import { checkInUrl } from '../../../trainings/trainings.code.js';
import { attendanceRecord } from '../../../trainings/trainings.contract.js';
import { type CheckIn, dayLabel, filterRoster, type HostSession, hostRecord, measureOffset, parseRoute, pointRoster, routeHash, sameSelf, selfRecord, sessionsByDay, timeRange, walkInProblem } from './model.js';

/**
 * The trainings part's pure rules: addresses, the records the phone builds (read back by the
 * server's own zod schema), a point's check-in list merged from the server's answer and the
 * phone's outbox, the diacritic-blind search, the clock offset and the labels.
 */
const T = 7;
const P = 3;
const session: HostSession = {
  id: T,
  title: 'Tập huấn kích hoạt định danh điện tử mức 2',
  topic: 'Định danh điện tử VNeID mức 2',
  kind: 'hybrid',
  startsAt: '2026-11-05T01:00:00.000Z',
  endsAt: '2026-11-05T04:00:00.000Z',
  day: '2026-11-05',
  today: true,
  closedAt: null,
  points: [
    {
      pointId: P,
      name: 'Hội trường UBND phường Chiềng An',
      communeName: 'Phường Chiềng An',
      codeSecret: 'c2VjcmV0',
      connection: null,
      checkedIn: [
        { id: 'AAAAAAAA-0000-4000-8000-000000000001', memberId: 11, fullName: 'Lò Văn Dũng', checkedInAt: '2026-11-05T01:05:00.000Z' },
        { id: 'aaaaaaaa-0000-4000-8000-000000000002', memberId: null, fullName: 'Vì Văn Khoa', checkedInAt: '2026-11-05T01:06:00.000Z' },
        { id: 'aaaaaaaa-0000-4000-8000-000000000003', memberId: 99, fullName: 'Nguyễn Văn Tùng', checkedInAt: '2026-11-05T01:07:00.000Z' },
      ],
    },
  ],
  // as served: by given name (An, Dũng, Hiền, Hoà, Lan)
  invited: [
    { memberId: 15, fullName: 'Lê Văn An', teamId: 2, teamName: 'Tổ Tiểu khu 1' },
    { memberId: 11, fullName: 'Lò Văn Dũng', teamId: 1, teamName: 'Tổ phường Chiềng An' },
    { memberId: 10, fullName: 'Hà Thị Hiền', teamId: 1, teamName: 'Tổ phường Chiềng An' },
    { memberId: 13, fullName: 'Quàng Thị Hoà', teamId: 1, teamName: 'Tổ Bản Hụm' },
    { memberId: 12, fullName: 'Cầm Thị Lan', teamId: 1, teamName: 'Tổ phường Chiềng An' },
  ],
  elsewhere: [15],
};
const queued = (id: string, record: CheckIn['record'], over: Partial<CheckIn> = {}): CheckIn => ({ id, userId: 1, record, savedAt: 0, status: 'pending', at: Date.parse('2026-11-05T01:20:00Z'), ...over });
const uuid = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
const at = new Date('2026-11-05T01:20:00Z');

describe('addresses', () => {
  it('reads every screen of the trainings part from the hash, and nothing else', () => {
    expect(parseRoute('#tap-huan')).toEqual({ name: 'home' });
    expect(parseRoute('#tap-huan/diem/7/3')).toEqual({ name: 'point', trainingId: 7, pointId: 3 });
    expect(parseRoute('#tap-huan/qr/7/3')).toEqual({ name: 'qr', trainingId: 7, pointId: 3 });
    expect(parseRoute('#tap-huan/cua-toi')).toEqual({ name: 'mine' });
    expect(parseRoute('#tap-huan/nhap-ma')).toEqual({ name: 'code' });
    expect(parseRoute(`#tap-huan/ket-qua/${uuid(1)}`)).toEqual({ name: 'result', id: uuid(1) });
    expect(parseRoute('#tap-huan/diem/x/3')).toEqual({ name: 'home' });
    expect(parseRoute('')).toBeNull();
    expect(parseRoute('#queue-box')).toBeNull();
    for (const r of [{ name: 'home' }, { name: 'point', trainingId: 7, pointId: 3 }, { name: 'qr', trainingId: 7, pointId: 3 }, { name: 'mine' }, { name: 'code' }, { name: 'result', id: uuid(2) }] as const) {
      expect(parseRoute(routeHash(r))).toEqual(r);
    }
  });

  it('reads the address a point’s QR holds (trainings.code.ts checkInUrl) as a self check-in', () => {
    const url = checkInUrl('https://ngoso.sonla.gov.vn', 7, 3, 39_212_345, '004217');
    expect(url).toBe('https://ngoso.sonla.gov.vn/field/#diem-danh/7/3/39212345/004217');
    expect(parseRoute(new URL(url).hash)).toEqual({ name: 'scan', trainingId: 7, pointId: 3, window: 39_212_345, code: '004217' });
    expect(parseRoute('#diem-danh/7/3/39212345/04217')).toBeNull();
  });
});

describe('records', () => {
  it('builds host, walk-in and self check-ins the server’s own schema accepts, in the phone’s clock', () => {
    const member = hostRecord(uuid(1), T, P, 12, at);
    expect(member).toEqual({ id: uuid(1), trainingId: T, pointId: P, method: 'host', memberId: 12, checkedInAt: '2026-11-05T08:20:00+07:00' });
    const walkIn = hostRecord(uuid(2), T, P, { fullName: '  Vì Văn Khoa ', phone: ' 0912 777 888 ' }, at);
    expect(walkIn.walkIn).toEqual({ fullName: 'Vì Văn Khoa', phone: '0912 777 888' });
    expect(hostRecord(uuid(3), T, P, { fullName: 'Lường Thị Mai', phone: '' }, at).walkIn).toEqual({ fullName: 'Lường Thị Mai' });
    const scanned = selfRecord(uuid(4), { trainingId: T, pointId: P, window: 39_212_345, code: '004217' }, at);
    const typed = selfRecord(uuid(5), { trainingId: T, pointId: P, code: '004217' }, at);
    expect(typed).not.toHaveProperty('window');
    for (const r of [member, walkIn, scanned, typed]) expect(attendanceRecord.safeParse(r).success).toBe(true);
  });

  it('finds the self check-in already made from the same code (a QR opened twice is one check-in), not a refused one', () => {
    const c = { trainingId: T, pointId: P, window: 100, code: '123456' };
    const outbox = [queued(uuid(1), selfRecord(uuid(1), c, at), { status: 'rejected', reason: 'x' }), queued(uuid(2), selfRecord(uuid(2), c, at), { sentAt: 5 })];
    expect(sameSelf(outbox, c)?.id).toBe(uuid(2));
    expect(sameSelf(outbox, { ...c, window: 101 })).toBeUndefined();
    expect(sameSelf(outbox.slice(0, 1), c)).toBeUndefined();
  });

  it('checks a walk-in’s name and phone as typed', () => {
    expect(walkInProblem('K', '')).toEqual({ field: 'fullName', message: 'Hãy nhập họ và tên (ít nhất 2 ký tự).' });
    expect(walkInProblem('Vì Văn Khoa', '0912 777 888')).toBeNull();
    expect(walkInProblem('Vì Văn Khoa', '+84 912 777 888')).toBeNull();
    expect(walkInProblem('Vì Văn Khoa', '')).toBeNull();
    expect(walkInProblem('Vì Văn Khoa', '12345')?.field).toBe('phone');
  });
});

describe('a point’s check-in list', () => {
  it('lists the invited as served, with the server’s check-ins, the phone’s waiting, refused and taken ones, others elsewhere', () => {
    const outbox = [
      queued(uuid(1), hostRecord(uuid(1), T, P, 13, at)), // Hoà: waiting on the phone
      queued(uuid(2), hostRecord(uuid(2), T, P, 12, at), { status: 'rejected', reason: 'Lớp chưa bắt đầu.' }), // Lan: refused
      queued(uuid(3), hostRecord(uuid(3), T, P, 10, at), { sentAt: 1, answer: { status: 'accepted', fullName: 'Hà Thị Hiền' } }), // Hiền: taken, not yet in the server's list
      queued(uuid(4), hostRecord(uuid(4), T, P, { fullName: 'Lường Thị Mai', phone: '0912 000 222' }, at)), // a walk-in waiting
      queued(uuid(5), hostRecord(uuid(5), T, 4, 11, at)), // another point: not here
    ];
    const r = pointRoster(session, P, outbox);
    expect(r.members.map((m) => [m.fullName, m.state.kind])).toEqual([
      ['Lê Văn An', 'elsewhere'],
      ['Lò Văn Dũng', 'done'],
      ['Hà Thị Hiền', 'done'],
      ['Quàng Thị Hoà', 'pending'],
      ['Cầm Thị Lan', 'rejected'],
      ['Nguyễn Văn Tùng', 'done'], // checked in here by someone else, not invited
    ]);
    expect(r.members[1].state).toEqual({ kind: 'done', at: Date.parse('2026-11-05T01:05:00.000Z') });
    expect(r.members[3].state).toEqual({ kind: 'pending', id: uuid(1), at: Date.parse('2026-11-05T01:20:00Z') });
    expect(r.members[4].state).toEqual({ kind: 'rejected', id: uuid(2), reason: 'Lớp chưa bắt đầu.' });
    expect(r.walkIns.map((w) => [w.fullName, w.state.kind])).toEqual([
      ['Vì Văn Khoa', 'done'],
      ['Lường Thị Mai', 'pending'],
    ]);
    // Dũng, Hiền, Hoà, Tùng (walk-ins are shown apart); the refused one and the one elsewhere do not count here
    expect([r.checkedIn, r.invited]).toEqual([4, 5]);
  });

  it('drops the phone’s copy of a walk-in once the server’s list holds it (ids in any case)', () => {
    const id = 'AAAAAAAA-0000-4000-8000-000000000002';
    const r = pointRoster(session, P, [queued(id, hostRecord(id, T, P, { fullName: 'Vì Văn Khoa' }, at), { sentAt: 1 })]);
    expect(r.walkIns.map((w) => w.fullName)).toEqual(['Vì Văn Khoa']);
  });

  it('finds names typed without diacritics, by the start of any word', () => {
    const rows = pointRoster(session, P, []).members;
    const names = (q: string) => filterRoster(rows, q).map((r) => r.fullName);
    expect(names('hoa')).toEqual(['Quàng Thị Hoà']);
    expect(names('HOÀ')).toEqual(['Quàng Thị Hoà']);
    expect(names('dung')).toEqual(['Lò Văn Dũng']);
    expect(names('lo v')).toEqual(['Lò Văn Dũng']);
    expect(names('thi')).toEqual(['Hà Thị Hiền', 'Quàng Thị Hoà', 'Cầm Thị Lan']);
    expect(names('h')).toEqual(['Hà Thị Hiền', 'Quàng Thị Hoà']);
    expect(names('')).toHaveLength(6);
    expect(names('xyz')).toEqual([]);
  });
});

describe('clock and labels', () => {
  it('measures the phone’s offset at the middle of the round trip', () => {
    const server = '2026-11-05T01:20:00.000Z';
    const s = Date.parse(server);
    expect(measureOffset(s + 3_600_000 - 200, s + 3_600_000 + 200, server)).toBe(3_600_000);
    expect(measureOffset(s - 1000, s - 600, server)).toBe(-800);
  });

  it('writes times and days in Vietnam time, dd/mm/yyyy', () => {
    expect(timeRange('2026-11-05T01:00:00.000Z', '2026-11-05T04:30:00.000Z')).toBe('08:00–11:30');
    expect(timeRange('2026-11-05T10:00:00.000Z', '2026-11-05T18:00:00.000Z')).toBe('17:00–01:00 06/11/2026');
    expect(dayLabel('2026-11-05', '2026-11-05')).toBe('Hôm nay, 05/11/2026');
    expect(dayLabel('2026-11-06', '2026-11-05')).toBe('Ngày mai, 06/11/2026');
    expect(dayLabel('2026-11-04', '2026-11-05')).toBe('Hôm qua, 04/11/2026');
    expect(dayLabel('2026-11-08', '2026-11-05')).toBe('Chủ nhật, 08/11/2026');
    expect(dayLabel('2026-11-09', '2026-11-05')).toBe('Thứ hai, 09/11/2026');
  });

  it('groups the host’s sessions by day from today, keeping yesterday’s only while it runs on', () => {
    const s = (id: number, day: string, endsAt: string) => ({ ...session, id, day, startsAt: `${day}T01:00:00.000Z`, endsAt });
    const hosting = { sessions: [s(1, '2026-11-04', '2026-11-04T04:00:00.000Z'), s(2, '2026-11-04', '2026-11-05T02:00:00.000Z'), s(3, '2026-11-06', '2026-11-06T04:00:00.000Z'), s(4, '2026-11-05', '2026-11-05T04:00:00.000Z')], windowMs: 45_000, serverNow: '2026-11-05T01:00:00.000Z' };
    expect(sessionsByDay(hosting, '2026-11-05').map((d) => [d.day, d.sessions.map((x) => x.id)])).toEqual([
      ['2026-11-04', [2]],
      ['2026-11-05', [4]],
      ['2026-11-06', [3]],
    ]);
  });
});
