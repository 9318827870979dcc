import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
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
    // full-width digits and plus (an East Asian keyboard, a copied PDF)
    expect(ok('０９１２ ３４５ ６７８')).toBe('+84912345678');
    expect(ok('＋８４９１２３４５６７８')).toBe('+84912345678');
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
    // the count is of the digits written (a trunk 0 counts only when there, or when +84 stood for it)
    expect(ok('0912 345')).toBe('invalid: "0912 345" có 7 chữ số, số Việt Nam có 10 chữ số (kể cả số 0 đầu)');
    expect(ok('12345')).toBe('invalid: "12345" có 5 chữ số, số Việt Nam có 10 chữ số (kể cả số 0 đầu)');
    expect(ok('+14155550100')).toBe('invalid: "+14155550100" có 11 chữ số, số Việt Nam có 10 chữ số (kể cả số 0 đầu)');
    expect(ok('+84 912 345')).toBe('invalid: "+84 912 345" có 8 chữ số, số Việt Nam có 10 chữ số (kể cả số 0 đầu)');
    expect(ok('01112345678')).toMatch(/đầu số cũ/);
    expect(ok('0012345678')).toMatch(/invalid/);
    expect(ok('')).toMatch(/trống/);
  });

  it('agrees with libphonenumber\'s own parser on which numbers are valid', () => {
    expect(ok('00912345678')).toBe('+84912345678'); // the trunk 0 typed twice, as the parser allows
    // deterministic sample over every leading digit, 9 and 10 digits after the trunk 0
    let seed = 20251;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let valid = 0;
    for (let i = 0; i < 20_000; i++) {
      const digits = Array.from({ length: next() < 0.5 ? 9 : 10 }, () => Math.floor(next() * 10)).join('');
      const theirs = parsePhoneNumberFromString(`+84${digits}`); // what the parser makes of the number without its trunk 0
      const expected = theirs?.isValid() ? theirs.number : 'invalid';
      const ours = normalizePhone(`0${digits}`);
      // pre-2018 numbers are converted first, and "0084…" is the country code: both tested above
      if ((digits.length === 10 && digits.startsWith('1')) || digits.startsWith('084')) continue;
      expect(ours.ok ? ours.e164 : 'invalid', `0${digits}`).toBe(expected);
      if (ours.ok) valid++;
    }
    expect(valid).toBeGreaterThan(2000);
  });

  it('formats for display', () => {
    expect(formatPhone('+84912345678')).toBe('0912 345 678');
  });
});
