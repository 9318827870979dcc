import { describe, expect, it } from 'vitest';
import { findHeader, isNumberingRow, isSignatureRow, isTotalsRow } from './imports.columns.js';

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

describe('the column-numbering row under the header', () => {
  it('is recognised written (1) (2) …, 1 2 3 …, [1] [2] … or starting later, with empty cells between', () => {
    expect(isNumberingRow(['(1)', '(2)', '(3)', '(4)', '(5)', '(6)'])).toBe(true);
    expect(isNumberingRow(['1', '2', '3', '4', '5', '6', '7'])).toBe(true);
    expect(isNumberingRow(['[1]', '[2]', '[3]'])).toBe(true);
    expect(isNumberingRow(['', '(2)', '', '(3)', '(4)'])).toBe(true);
    expect(isNumberingRow(['1.', '2.', '3.'])).toBe(true);
  });
  it('is not a member row, a short row or numbers that do not count up', () => {
    expect(isNumberingRow(['1', 'Lò Văn Bình', 'Nam', '1990'])).toBe(false);
    expect(isNumberingRow(['1', '2'])).toBe(false);
    expect(isNumberingRow(['1', '1990', '2'])).toBe(false);
    expect(isNumberingRow(['3', '2', '1'])).toBe(false);
  });
});

describe('"Chức vụ" beside "Đoàn thể / đơn vị công tác"', () => {
  it('is the role in the team, and the affiliation column is the other one', () => {
    const sheet = { name: 'DS', rows: [['STT', 'Họ và tên', 'Năm sinh', 'Chức vụ', 'Đoàn thể / đơn vị công tác', 'Số điện thoại']], rowNumbers: [1] };
    expect(findHeader(sheet)?.columns).toEqual({ fullName: 1, birthYear: 2, role: 3, affiliation: 4, phone: 5 });
    // alone, "Chức vụ" keeps meaning the person's position
    const alone = { name: 'DS', rows: [['STT', 'Họ và tên', 'Chức vụ', 'Số điện thoại']], rowNumbers: [1] };
    expect(findHeader(alone)?.columns).toEqual({ fullName: 1, affiliation: 2, phone: 3 });
  });
});
