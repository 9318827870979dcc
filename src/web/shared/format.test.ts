import { describe, expect, it } from 'vitest';
import { fold, mentions, num, pct } from './format.js';
import { fromVnDate, vnDate, vnDateTimeLabel, vnToday } from './time.js';

describe('numbers, text and dates the Vietnamese way', () => {
  it('groups thousands with dots and writes percents with a decimal comma', () => {
    expect([num(1459), num(8966), num(0), num(null), num(1234567)]).toEqual(['1.459', '8.966', '0', '0', '1.234.567']);
    expect([pct(1, 3), pct(1, 2), pct(5, 0)]).toEqual(['33,3%', '50,0%', '—']);
  });

  it('folds diacritics and đ for filtering', () => {
    expect(fold('Chiềng Xôm Đoàn Kết')).toBe('chieng xom doan ket');
  });

  it('tells whether a name already names a place (whole words, diacritics ignored)', () => {
    expect(mentions('Tổ công nghệ số cộng đồng Bản Co Khoang', 'Bản Co Khoang')).toBe(true);
    expect(mentions('Tổ công nghệ số cộng đồng xã Chiềng Xôm', 'Xã Chiềng Xôm')).toBe(true);
    expect(mentions('TỔ CNSCĐ BAN CO KHOANG', 'Bản Co Khoang')).toBe(true);
    expect(mentions('Tổ công nghệ số cộng đồng Bản Cốc', 'Bản Co')).toBe(false);
    expect(mentions('Tổ công nghệ số cộng đồng xã Chiềng Xôm', 'Phường Chiềng An')).toBe(false);
    expect(mentions('Tổ dân phố 10', 'Tổ dân phố 1')).toBe(false);
    expect([mentions('Tổ 1', ''), mentions('Tổ 1', null)]).toEqual([false, false]);
  });

  it('shows days dd/mm/yyyy and times in 24 hours, Vietnam time whatever the browser', () => {
    expect(vnDate('2025-07-01')).toBe('01/07/2025');
    expect(vnDate('2025-07-01T23:59:00Z')).toBe('01/07/2025');
    expect(vnDate(null)).toBe('');
    // 17:30 UTC is 00:30 the next day in Vietnam
    expect(vnDateTimeLabel('2026-02-12T17:30:05Z')).toBe('13/02/2026 00:30');
    expect(vnDateTimeLabel('2026-02-12T06:42:05Z', true)).toBe('12/02/2026 13:42:05');
    expect(vnToday(new Date('2026-12-31T18:00:00Z'))).toBe('2027-01-01');
  });

  it('reads a typed day back, refusing days that do not exist', () => {
    expect([fromVnDate('01/07/2025'), fromVnDate('1/7/2025'), fromVnDate(' 29/02/2024 ')]).toEqual(['2025-07-01', '2025-07-01', '2024-02-29']);
    expect([fromVnDate('29/02/2025'), fromVnDate('2025-07-01'), fromVnDate('31/04/2026'), fromVnDate('')]).toEqual([null, null, null, null]);
    // typed with dashes or dots, as people also write days
    expect([fromVnDate('29-11-2026'), fromVnDate('1.7.2025')]).toEqual(['2026-11-29', '2025-07-01']);
  });
});
