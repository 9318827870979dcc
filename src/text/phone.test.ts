import { describe, expect, it } from 'vitest';
import { formatPhone, normalizePhone } from './phone.js';

const ok = (raw: string | number) => {
  const r = normalizePhone(raw);
  return r.ok ? r.e164 : `invalid: ${r.reason}`;
};

describe('normalizePhone', () => {
  it('accepts the forms rosters hold', () => {
    expect(ok('0912 345 678')).toBe('+84912345678');
    expect(ok('0912.345.678')).toBe('+84912345678');
    expect(ok('0912-345-678')).toBe('+84912345678');
    expect(ok(912345678)).toBe('+84912345678'); // a spreadsheet dropped the leading 0
    expect(ok('+84 912 345 678')).toBe('+84912345678');
    expect(ok('84912345678')).toBe('+84912345678');
    expect(ok('0084912345678')).toBe('+84912345678');
  });

  it('converts pre-2018 11-digit mobile numbers to the new prefixes', () => {
    expect(ok('01662 345 678')).toBe('+84362345678');
    expect(ok('0123 456 7890')).toBe('+84834567890');
    expect(ok('1688123456')).toBe('+84388123456'); // 11-digit number that also lost its 0
    const r = normalizePhone('01662345678');
    expect(r.ok && r.converted).toBe(true);
  });

  it('rejects what is not a Vietnamese phone number, saying why', () => {
    expect(ok('abc')).toMatch(/chữ cái/);
    expect(ok('0912 345')).toMatch(/chữ số/);
    expect(ok('01112345678')).toMatch(/đầu số cũ/);
    expect(ok('0012345678')).toMatch(/invalid/);
    expect(ok('')).toMatch(/trống/);
  });

  it('formats for display', () => {
    expect(formatPhone('+84912345678')).toBe('0912 345 678');
  });
});
