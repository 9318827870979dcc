import { describe, expect, it } from 'vitest';
import { isoDayProblem, readDayVi } from './day-reason.js';

describe('dates people type, with the reason when they are no day', () => {
  it('reads dd/mm/yyyy and says what is impossible', () => {
    expect(readDayVi('1/2/2026')).toEqual({ day: '2026-02-01' });
    expect(readDayVi(' 29.02.2028 ')).toEqual({ day: '2028-02-29' });
    expect(readDayVi('31/02/2026')).toEqual({ error: '31/02/2026 không có (tháng 2 năm 2026 không có ngày 31).' });
    expect(readDayVi('29/02/2026')).toEqual({ error: '29/02/2026 không có (tháng 2 năm 2026 không có ngày 29).' });
    expect(readDayVi('13/13/2026')).toEqual({ error: '13/13/2026 không có (không có tháng 13).' });
    expect(readDayVi('0/5/2026')).toEqual({ error: '00/05/2026 không có (không có ngày 0).' });
    expect(readDayVi('2026-02-01')).toEqual({ error: '"2026-02-01" không phải một ngày: hãy nhập ngày/tháng/năm, ví dụ 01/11/2026.' });
    expect(readDayVi('3/4/90')).toEqual({ error: '"3/4/90" không phải một ngày: hãy nhập ngày/tháng/năm, ví dụ 01/11/2026.' });
    expect(readDayVi('  ')).toEqual({ error: 'Hãy nhập ngày dạng ngày/tháng/năm, ví dụ 01/11/2026.' });
  });

  it('says what is wrong with a YYYY-MM-DD query value', () => {
    expect(isoDayProblem('from', '2026-02-31')).toBe('from=2026-02-31: 31/02/2026 không có (tháng 2 năm 2026 không có ngày 31).');
    expect(isoDayProblem('to', '2026-00-10')).toBe('to=2026-00-10: 10/00/2026 không có (không có tháng 0).');
    expect(isoDayProblem('to', '31/12/2026')).toBe('to="31/12/2026" không đúng dạng YYYY-MM-DD (ví dụ to=2026-01-31).');
    expect([isoDayProblem('date', '2026-12-31'), isoDayProblem('date', '2100-02-28')]).toEqual([null, null]);
    expect(isoDayProblem('date', '2100-02-29')).toBe('date=2100-02-29: 29/02/2100 không có (tháng 2 năm 2100 không có ngày 29).');
  });
});
