import { describe, expect, it } from 'vitest';
import { resolvePeriod, sentenceFor } from './sessions.report.js';

describe('periods of Vietnamese days', () => {
  const now = new Date('2026-11-29T18:30:00Z'); // 01:30 on 30 November in Vietnam
  it('defaults to the current Vietnamese month, even when it is still the 29th in UTC', () => {
    expect(resolvePeriod({}, now)).toEqual({ from: '2026-11-01', to: '2026-11-30', bucket: 'day' });
    expect(resolvePeriod({ period: 'day' }, now)).toEqual({ from: '2026-11-30', to: '2026-11-30', bucket: 'day' });
  });
  it('resolves weeks from Monday, quarters and years around an anchor date', () => {
    expect(resolvePeriod({ period: 'week', date: '2026-11-29' })).toEqual({ from: '2026-11-23', to: '2026-11-29', bucket: 'day' });
    expect(resolvePeriod({ period: 'week', date: '2026-11-30' })).toEqual({ from: '2026-11-30', to: '2026-12-06', bucket: 'day' });
    expect(resolvePeriod({ period: 'quarter', date: '2026-11-29' })).toEqual({ from: '2026-10-01', to: '2026-12-31', bucket: 'week' });
    expect(resolvePeriod({ period: 'month', date: '2028-02-10' })).toEqual({ from: '2028-02-01', to: '2028-02-29', bucket: 'day' });
    expect(resolvePeriod({ period: 'year', date: '2026-05-05' })).toEqual({ from: '2026-01-01', to: '2026-12-31', bucket: 'month' });
    expect(resolvePeriod({ from: '2026-01-01', to: '2026-05-31' })).toEqual({ from: '2026-01-01', to: '2026-05-31', bucket: 'week' });
  });
  it('explains a bad period', () => {
    expect(() => resolvePeriod({ from: '2026-01-01' })).toThrow('Khoảng thời gian cần cả "from" và "to" dạng YYYY-MM-DD');
    expect(() => resolvePeriod({ from: '2026-02-30', to: '2026-03-01' })).toThrow('from=2026-02-30: 30/02/2026 không có (tháng 2 năm 2026 không có ngày 30).');
    expect(() => resolvePeriod({ from: '2026-01-01', to: '2026-13-13' })).toThrow('to=2026-13-13: 13/13/2026 không có (không có tháng 13).');
    expect(() => resolvePeriod({ from: '2026-1-1', to: '2026-01-31' })).toThrow('from="2026-1-1" không đúng dạng YYYY-MM-DD (ví dụ from=2026-01-31).');
    expect(() => resolvePeriod({ period: 'month', date: '2028-02-30' })).toThrow('date=2028-02-30: 30/02/2028 không có (tháng 2 năm 2028 không có ngày 30).');
    expect(() => resolvePeriod({ period: 'day', date: '29/11/2026' })).toThrow('Ngày "29/11/2026" không hợp lệ; hãy viết YYYY-MM-DD.');
    expect(() => resolvePeriod({ from: '2020-01-01', to: '2026-01-01' })).toThrow('Khoảng thời gian tối đa 3 năm');
  });
});

describe('the sentence', () => {
  it('speaks like the source article', () => {
    expect(sentenceFor({ kind: 'team', name: 'Tổ CNSCĐ xã Chiềng Xôm' }, 1154, [{ name: 'Thanh toán không dùng tiền mặt' }, { name: 'Zalo' }])).toBe(
      'Tổ CNSCĐ xã Chiềng Xôm đã hướng dẫn 1.154 người dân cài đặt và sử dụng: Thanh toán không dùng tiền mặt, Zalo.',
    );
    expect(sentenceFor({ kind: 'commune', name: 'Xã Mường Bú' }, 0, [])).toBe('Các tổ công nghệ số cộng đồng ở Xã Mường Bú chưa ghi nhận buổi hướng dẫn nào trong thời gian này.');
  });
});

describe('standard periods read from the resident counters', () => {
  it('recognises whole calendar months, quarters and years only', async () => {
    const { standardPeriodKey } = await import('./sessions.report.repo.js');
    const { periodKeys } = await import('./sessions.repo.js');
    expect(standardPeriodKey({ from: '2026-01-01', to: '2026-12-31' })).toBe('Y2026');
    expect(standardPeriodKey({ from: '2026-10-01', to: '2026-12-31' })).toBe('Q2026-4');
    expect(standardPeriodKey({ from: '2028-02-01', to: '2028-02-29' })).toBe('M2028-02');
    expect(standardPeriodKey({ from: '2026-02-01', to: '2026-02-28' })).toBe('M2026-02');
    expect([standardPeriodKey({ from: '2026-02-01', to: '2026-02-27' }), standardPeriodKey({ from: '2026-02-01', to: '2026-03-31' }), standardPeriodKey({ from: '2025-12-01', to: '2026-12-31' }), standardPeriodKey({ from: '2026-11-23', to: '2026-11-29' })]).toEqual([null, null, null, null]);
    expect(periodKeys('2026-11-30')).toEqual(['Y2026', 'Q2026-4', 'M2026-11']);
    const { residentKey64 } = await import('./sessions.sync.js');
    expect([residentKey64('ffffffffffffffff00'), residentKey64('7fffffffffffffffab'), residentKey64('0000000000000001')]).toEqual(['-1', '9223372036854775807', '1']);
  });
});
