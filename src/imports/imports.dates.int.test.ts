import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/db.js';
import { csv, xlsx } from '../../test/fixtures.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { isoDay } from '../http/zod.js';
import { readPersonDate } from '../text/person-date.js';
import { networkReport } from '../reports/network.service.js';
import { todayInVietnam } from '../text/dates.js';
import { importRoster } from './imports.service.js';

/**
 * Issue 13, item 6: dates from people in the roster. Impossible dates are refused with the reason,
 * an unformatted Excel serial in a date column is read as a date (text or number cell), a two-digit
 * year is a warning with the reading taken; a join-date column gives the membership its start.
 */
let database: Database;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());

const NOW = new Date('2026-06-15T03:00:00Z');
const run = (name: string, data: Buffer, commit = false) => importRoster(database.db, { name, data }, { scope: ALL, commit, maxBytes: 1e7, now: NOW });
const HEADER = ['Tỉnh', 'Xã/phường', 'Thôn/bản', 'Họ và tên', 'Giới tính', 'Ngày sinh', 'Số điện thoại', 'Ngày vào tổ'];
const row = (name: string, born: string | number, joined: string | number = '', phone = '') => ['Sơn La', 'Mai Sơn', 'Tiểu khu 6', name, 'Nam', born, phone, joined];

describe('readPersonDate', () => {
  const read = (t: string, serials = false) => readPersonDate(t, { latestYear: 2026, serials });
  it('reads the ways people write a day, and says why an impossible one is not a day', () => {
    expect([read('3/4/1990'), read('03.04.1990'), read('1990-04-03'), read('1990-04-03T00:00:00Z')]).toEqual(Array(4).fill({ ok: true, day: '1990-04-03' }));
    expect(read('31/02/1990')).toEqual({ ok: false, reason: 'tháng 2 năm 1990 không có ngày 31' });
    expect(read('29/02/2024')).toEqual({ ok: true, day: '2024-02-29' });
    expect(read('29/02/2023')).toEqual({ ok: false, reason: 'tháng 2 năm 2023 không có ngày 29' });
    expect(read('13/13/1990')).toEqual({ ok: false, reason: 'không có tháng 13' });
    expect(read('0/5/1990')).toEqual({ ok: false, reason: 'không có ngày 0' });
    expect(read('3/4/90')).toEqual({ ok: true, day: '1990-04-03', warning: 'năm viết 2 chữ số ("3/4/90"): đọc là 03/04/1990' });
    expect(read('3/4/05')).toEqual({ ok: true, day: '2005-04-03', warning: 'năm viết 2 chữ số ("3/4/05"): đọc là 03/04/2005' });
    expect([read('32874'), read('32874', true), read('32874.75', true), read('45292', true)]).toEqual([null, { ok: true, day: '1990-01-01' }, { ok: true, day: '1990-01-01' }, { ok: true, day: '2024-01-01' }]);
    expect([read('1990'), read('abc')]).toEqual([null, null]);
  });
  it('an office form’s day (YYYY-MM-DD) that does not exist is refused with why', () => {
    const why = (d: string) => { const r = isoDay.safeParse(d); return r.success ? null : r.error.issues.map((i) => i.message); };
    expect(why('2026-02-30')).toEqual(['Ngày 2026-02-30 không có thật: tháng 2 năm 2026 không có ngày 30.']);
    expect(why('2026-13-01')).toEqual(['Ngày 2026-13-01 không có thật: không có tháng 13.']);
    expect(why('01/02/2026')).toEqual(['Ngày phải có dạng YYYY-MM-DD và có thật (ví dụ 2026-12-01).']);
    expect(why('2024-02-29')).toBeNull();
  });
});

describe('dates in a roster', () => {
  it('refuses impossible days with the reason, reads Excel serials in a date column, warns of two-digit years', async () => {
    const report = await run('ngay.csv', csv([
      HEADER,
      row('Lò Văn Một', '31/02/1990'),
      row('Lò Văn Hai', '13/13/1990'),
      row('Lò Văn Ba', '32874', '45292'),
      row('Lò Văn Bốn', '3/4/90', '1/3/24'),
      row('Lò Văn Năm', 1985, '30/02/2024'),
      row('Lò Văn Sáu', 1985, '01/07/2026'),
    ]));
    expect(report.problems.map((p) => [p.row, p.column, p.severity, p.message, p.suggestion])).toEqual([
      [2, 'Ngày sinh', 'error', 'Ngày sinh "31/02/1990" không có thật: tháng 2 năm 1990 không có ngày 31', 'Kiểm tra lại ngày sinh, hoặc chỉ ghi năm sinh 4 chữ số'],
      [3, 'Ngày sinh', 'error', 'Ngày sinh "13/13/1990" không có thật: không có tháng 13', 'Kiểm tra lại ngày sinh, hoặc chỉ ghi năm sinh 4 chữ số'],
      [5, 'Ngày sinh', 'warning', 'Ngày sinh năm viết 2 chữ số ("3/4/90"): đọc là 03/04/1990', 'Ghi năm 4 chữ số để khỏi nhầm thế kỷ'],
      [5, 'Ngày vào tổ', 'warning', 'Ngày vào tổ: năm viết 2 chữ số ("1/3/24"): đọc là 01/03/2024', 'Ghi năm 4 chữ số để khỏi nhầm thế kỷ'],
      [6, 'Ngày vào tổ', 'error', 'Ngày vào tổ "30/02/2024" không có thật: tháng 2 năm 2024 không có ngày 30', 'Kiểm tra lại ngày, tháng, năm'],
      [7, 'Ngày vào tổ', 'error', 'Ngày vào tổ 01/07/2026 ở tương lai (hôm nay 15/06/2026)', 'Ghi ngày thành viên đã vào tổ, đến hôm nay'],
    ]);
    expect(report.counts).toEqual({ new: 2, updated: 0, unchanged: 0, invalid: 4 });
  });

  it('under "Năm sinh" a 5-digit number is refused, with what it would be as an Excel day', async () => {
    const report = await run('nam.csv', csv([['Tỉnh', 'Xã/phường', 'Họ và tên', 'Năm sinh'], ['Sơn La', 'Mai Sơn', 'Lò Văn Bảy', '32874'], ['Sơn La', 'Mai Sơn', 'Lò Văn Tám', '85']]));
    expect(report.problems.map((p) => [p.row, p.severity, p.message, p.suggestion])).toEqual([
      [2, 'error', 'Năm sinh "32874" không đọc được', 'Ghi năm sinh 4 chữ số, ví dụ 1990, hoặc ngày sinh dd/mm/yyyy. Nếu đây là ngày của Excel chưa định dạng (32874 là ngày 01/01/1990), hãy định dạng cột là ngày hoặc đặt tiêu đề cột là "Ngày sinh".'],
      [3, 'warning', 'Năm sinh viết 2 chữ số ("85"): đọc là 1985', 'Ghi năm 4 chữ số để khỏi nhầm thế kỷ'],
    ]);
  });

  it('a commit takes the birth year and the join date read from serial numbers in an .xlsx (number cells not formatted as dates)', async () => {
    const file = await xlsx([{ name: 'To', rows: [HEADER, row('Lò Văn Chín', 32874, 45292, '0912000901'), row('Lò Văn Mười', '3/4/90', '', '0912000902')] }]);
    const report = await run('ngay.xlsx', file, true);
    expect(report.counts).toEqual({ new: 2, updated: 0, unchanged: 0, invalid: 0 });
    const rows = await queryRows<{ fullName: string; birthYear: number; joinedOn: string; startReason: string }>(
      database.db,
      sql`select m.full_name as "fullName", m.birth_year as "birthYear", tm.joined_on::text as "joinedOn", tm.start_reason as "startReason" from members m join team_members tm on tm.member_id = m.id where m.phone in ('+84912000901', '+84912000902') order by m.phone`,
    );
    // without a join date the membership starts on the import day (today by the server's clock),
    // marked 'imported': the person was on the roster that day, which is not a join date
    const today = todayInVietnam();
    expect(rows).toEqual([
      { fullName: 'Lò Văn Chín', birthYear: 1990, joinedOn: '2024-01-01', startReason: 'joined' },
      { fullName: 'Lò Văn Mười', birthYear: 1990, joinedOn: today, startReason: 'imported' },
    ]);
    // the network report's movement counts the import day's list apart from the joins
    const moves = await networkReport(database.db, '14', ALL, { from: '2024-01-01', to: today });
    expect(moves.movement).toEqual({ joined: 1, imported: 1, left: 0 });
  });
});
