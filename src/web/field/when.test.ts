import { describe, expect, it } from 'vitest';
import { dateProblem, parseDate, parseTime, tidyDate, tidyTime, timeProblem, typeDate, typeTime } from './when.js';

describe('typing a date the Vietnamese way (dd/mm/yyyy)', () => {
  it('puts the slashes in while digits are typed, and takes other separators', () => {
    const typed = (s: string) => [...s].map((_, i) => typeDate(s.slice(0, i + 1)));
    expect(typed('06012026')).toEqual(['0', '06', '06/0', '06/01', '06/01/2', '06/01/20', '06/01/202', '06/01/2026']);
    // as the box does: each keystroke added to what the box shows after the last one
    const inBox = (s: string) => [...s].reduce((box, key) => typeDate(box + key), '');
    expect([inBox('01122026'), inBox('06012026'), inBox('1122026'), inBox('6/1/2026'), inBox('06/01/2026')]).toEqual(['01/12/2026', '06/01/2026', '11/2/2026', '6/1/2026', '06/01/2026']);
    expect([typeDate('612'), typeDate('6.1.2026'), typeDate('6-1-2026'), typeDate('35'), typeDate('06/01/2026')]).toEqual(['6/12', '6/1/2026', '6/1/2026', '3/5', '06/01/2026']);
  });

  it('reads day first, whatever the browser language', () => {
    expect([parseDate('06/01/2026'), parseDate('6/1/2026'), parseDate('06012026'), parseDate(' 29.02.2024 ')]).toEqual(['2026-01-06', '2026-01-06', '2026-01-06', '2024-02-29']);
    expect([parseDate('01/13/2026'), parseDate('2026-01-06'), parseDate('31/04/2026'), parseDate('')]).toEqual([null, null, null, null]);
    expect([tidyDate('6/1/2026'), tidyDate('06012026'), tidyDate('abc')]).toEqual(['06/01/2026', '06/01/2026', 'abc']);
    expect(dateProblem('13/13/2026', '2026-01-06')).toBe('Ngày chưa đúng: nhập ngày/tháng/năm, ví dụ 06/01/2026.');
    expect(dateProblem('', '2026-01-06')).toBe('Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 06/01/2026.');
    expect(dateProblem('06/01/2026', '2026-01-06')).toBeNull();
  });
});

describe('typing a time on the 24-hour clock (HH:mm)', () => {
  it('puts the colon in while digits are typed', () => {
    expect([typeTime('0'), typeTime('09'), typeTime('093'), typeTime('0930'), typeTime('930'), typeTime('1745'), typeTime('9h30'), typeTime('9.30')]).toEqual(['0', '09', '09:3', '09:30', '9:30', '17:45', '9:30', '9:30']);
  });

  it('reads 0–23 hours, no AM/PM', () => {
    expect([parseTime('09:30'), parseTime('9:30'), parseTime('0930'), parseTime('23:59'), parseTime('00:00')]).toEqual(['09:30', '09:30', '09:30', '23:59', '00:00']);
    expect([parseTime('24:00'), parseTime('9:30 AM'), parseTime('12:60'), parseTime('')]).toEqual([null, null, null, null]);
    expect([tidyTime('930'), tidyTime('x')]).toEqual(['09:30', 'x']);
    expect(timeProblem('1:42 AM')).toBe('Giờ chưa đúng: nhập giờ:phút theo 24 giờ (0–23), ví dụ 14:30.');
    expect(timeProblem('13:42')).toBeNull();
  });
});
