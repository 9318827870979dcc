import { describe, expect, it } from 'vitest';
import { buildRecord, emptyForm, type FormState } from '../web/field/record.js';
import { CCCD_PROVINCE_CODES, checkNationalId } from './national-id.js';

/** CCCD rules shared by the field app and the server (Circular 59/2021/TT-BCA). */
describe('checkNationalId', () => {
  it('keeps the 63 province codes of the Circular', () => {
    const codes = Object.keys(CCCD_PROVINCE_CODES);
    expect([codes.length, codes[0], codes.at(-1), CCCD_PROVINCE_CODES['014']]).toEqual([63, '001', '096', 'Sơn La']);
  });

  it('accepts 12 digits, ignoring spaces, dots and dashes', () => {
    expect(checkNationalId('014 190.000-123')).toEqual({ kind: 'ok', value: '014190000123', province: 'Sơn La' });
  });

  it('suggests left-padding for 11 and 10 digits (never repairs silently); 9 digits are an old CMND', () => {
    expect(checkNationalId('14190000123')).toMatchObject({ kind: 'repair', typed: '14190000123', suggestion: '014190000123' });
    expect(checkNationalId('1090012345')).toMatchObject({ kind: 'repair', suggestion: '001090012345' });
    // padded to 12 it would begin 000, a prefix no province has: no suggestion to confirm
    expect(checkNationalId('123456789')).toEqual({ kind: 'invalid', reason: '"123456789" có 9 chữ số: đây là số chứng minh nhân dân cũ (CMND), không phải số căn cước. Hãy hỏi số căn cước 12 chữ số in trên thẻ.' });
  });

  it('refuses placeholders: twelve times one digit, and the prefix 000', () => {
    const fix = 'hãy nhập đúng 12 chữ số in trên thẻ, hoặc bỏ trống nếu người dân không cung cấp.';
    expect(checkNationalId('000000000000')).toEqual({ kind: 'invalid', reason: `"000000000000" không phải số căn cước thật (số điền tạm): ${fix}` });
    expect(checkNationalId('1111 1111 1111')).toEqual({ kind: 'invalid', reason: `"111111111111" không phải số căn cước thật (số điền tạm): ${fix}` });
    expect(checkNationalId('000190000123')).toEqual({ kind: 'invalid', reason: `"000190000123" không phải số căn cước thật (không tỉnh nào có mã 000): ${fix}` });
  });

  it('reads full-width digits as digits', () => {
    expect(checkNationalId('０１４１９００００１２３')).toEqual({ kind: 'ok', value: '014190000123', province: 'Sơn La' });
  });

  it('warns on a prefix outside the list, and keeps the value', () => {
    expect(checkNationalId('999123456789')).toEqual({
      kind: 'ok',
      value: '999123456789',
      province: null,
      warning: 'Ba số đầu "999" không có trong danh sách mã tỉnh nơi đăng ký khai sinh (Thông tư 59/2021/TT-BCA). Số vẫn được lưu; hãy đối chiếu lại với thẻ.',
    });
  });

  it('refuses letters, too short and too long values with the reason', () => {
    expect(checkNationalId('01419000O123')).toEqual({ kind: 'invalid', reason: 'Số căn cước chỉ gồm chữ số; "O" không phải chữ số. Hãy nhập đúng 12 chữ số in trên thẻ.' });
    expect(checkNationalId('12345678')).toEqual({ kind: 'invalid', reason: 'Số căn cước phải có đúng 12 chữ số; "12345678" có 8 chữ số.' });
    expect(checkNationalId('0141900001234')).toEqual({ kind: 'invalid', reason: 'Số căn cước phải có đúng 12 chữ số; "0141900001234" có 13 chữ số.' });
    expect(checkNationalId('  ')).toEqual({ kind: 'invalid', reason: 'Số căn cước đang trống: hãy nhập 12 chữ số in trên thẻ.' });
  });
});

describe('the field app form uses the same CCCD rules', () => {
  const NOW = new Date('2026-11-29T16:50:00Z');
  const form = (nationalId: string, consent = true): FormState => ({
    ...emptyForm({ teamId: 12, memberIds: [5], place: '', kind: 'home' }),
    services: [{ code: 'vneid', outcome: 'eid_level2' }],
    resident: { fullName: '', birthYear: '', gender: '', ethnicity: '', phone: '', nationalId, consent },
  });
  const ID = '00000000-0000-4000-8000-000000000001';

  it('sends 12 digits, waits for the confirmation of a repair, refuses letters and a missing consent', () => {
    const ok = buildRecord(form('014 190 000 123'), ID, NOW);
    expect(ok.ok && ok.record.resident).toEqual({ nationalId: '014190000123', consent: true });
    expect(buildRecord(form('14190000123'), ID, NOW)).toEqual({ ok: false, field: 'nationalId', message: expect.stringContaining('hãy xác nhận số 014190000123') });
    expect(buildRecord(form('01419000O123'), ID, NOW)).toEqual({ ok: false, field: 'nationalId', message: 'Số căn cước chỉ gồm chữ số; "O" không phải chữ số. Hãy nhập đúng 12 chữ số in trên thẻ.' });
    expect(buildRecord(form('014190000123', false), ID, NOW)).toMatchObject({ ok: false, field: 'consent' });
  });
});
