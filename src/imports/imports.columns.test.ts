import { describe, expect, it } from 'vitest';
import { isSignatureRow, isTotalsRow } from './imports.columns.js';

describe('rows that are not members', () => {
  it('knows totals rows, and that the Tòng family are people', () => {
    const totals = ['Tổng cộng', 'TỔNG CỘNG:', 'Tổng số: 15 người', 'Tong so', 'Cộng: 12', 'Cộng 12 người', 'Tổng', 'tổng số 9'];
    const people = ['Tòng Văn Xa', 'TÒNG THỊ SỐ', 'Tòng Sơn', 'Tòng Cộng Hoà', 'Công Văn Tổng', 'Cống Thị Mai'];
    expect(totals.map(isTotalsRow)).toEqual(totals.map(() => true));
    expect(people.map(isTotalsRow)).toEqual(people.map(() => false));
  });

  it('knows the signature block, but not a member whose position starts with "Chủ tịch"', () => {
    const roleColumn = 4;
    expect(isSignatureRow(['3', 'Lò Thị Mai', 'Nữ', '1980', 'Chủ tịch Hội Phụ nữ xã'], [roleColumn])).toBe(false);
    expect(isSignatureRow(['', '', 'TM. ỦY BAN NHÂN DÂN', '', ''], [roleColumn])).toBe(true);
    expect(isSignatureRow(['', 'Người lập biểu', '', '', ''], [roleColumn])).toBe(true);
    expect(isSignatureRow(['', '', '', 'CHỦ TỊCH', ''], [roleColumn])).toBe(true);
  });
});
