/**
 * Citizen identity card number (căn cước / CCCD) rules, browser-safe (no node imports): the field
 * app and the server call the same function.
 *
 * Rules (Circular 59/2021/TT-BCA, art. 7; Law on Identification 2023):
 * - exactly 12 digits; spaces, dots and dashes typed between groups are ignored;
 * - the first 3 digits are the code of the province where the birth was registered. The list below
 *   is the 63 codes of the Circular (001 Hà Nội … 096 Cà Mau). The 2025 merger of provinces did not
 *   re-number cards already issued, and new codes may follow: a prefix outside the list is therefore
 *   a WARNING (kept), never a refusal;
 * - a 10 or 11-digit value is most often a 12-digit number whose leading zeros a spreadsheet
 *   dropped (e.g. 1090012345 for 001090012345): we SUGGEST the left-padded 12 digits and the user
 *   must confirm (send the 12 digits back) — never repaired silently;
 * - a 9-digit value is an old identity card (CMND), not a CCCD that lost zeros (padded, it would
 *   start 000, which no province has): refused, asking for the 12-digit number;
 * - full-width digits (an East Asian keyboard or a copied PDF: "０１４…") are read as digits (NFKC);
 * - a placeholder is refused, not kept: twelve times the same digit ("000000000000") or the
 *   prefix 000, which no province has (the codes run 001–096).
 */

/** Province-of-birth codes of Circular 59/2021/TT-BCA (63 provinces before the 2025 merger). */
export const CCCD_PROVINCE_CODES: Readonly<Record<string, string>> = {
  '001': 'Hà Nội', '002': 'Hà Giang', '004': 'Cao Bằng', '006': 'Bắc Kạn', '008': 'Tuyên Quang', '010': 'Lào Cai',
  '011': 'Điện Biên', '012': 'Lai Châu', '014': 'Sơn La', '015': 'Yên Bái', '017': 'Hòa Bình', '019': 'Thái Nguyên',
  '020': 'Lạng Sơn', '022': 'Quảng Ninh', '024': 'Bắc Giang', '025': 'Phú Thọ', '026': 'Vĩnh Phúc', '027': 'Bắc Ninh',
  '030': 'Hải Dương', '031': 'Hải Phòng', '033': 'Hưng Yên', '034': 'Thái Bình', '035': 'Hà Nam', '036': 'Nam Định',
  '037': 'Ninh Bình', '038': 'Thanh Hóa', '040': 'Nghệ An', '042': 'Hà Tĩnh', '044': 'Quảng Bình', '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế', '048': 'Đà Nẵng', '049': 'Quảng Nam', '051': 'Quảng Ngãi', '052': 'Bình Định', '054': 'Phú Yên',
  '056': 'Khánh Hòa', '058': 'Ninh Thuận', '060': 'Bình Thuận', '062': 'Kon Tum', '064': 'Gia Lai', '066': 'Đắk Lắk',
  '067': 'Đắk Nông', '068': 'Lâm Đồng', '070': 'Bình Phước', '072': 'Tây Ninh', '074': 'Bình Dương', '075': 'Đồng Nai',
  '077': 'Bà Rịa - Vũng Tàu', '079': 'Hồ Chí Minh', '080': 'Long An', '082': 'Tiền Giang', '083': 'Bến Tre', '084': 'Trà Vinh',
  '086': 'Vĩnh Long', '087': 'Đồng Tháp', '089': 'An Giang', '091': 'Kiên Giang', '092': 'Cần Thơ', '093': 'Hậu Giang',
  '094': 'Sóc Trăng', '095': 'Bạc Liêu', '096': 'Cà Mau',
};

/** Result of checking a typed CCCD. `ok` values are 12 digits; `repair` needs the user's confirmation. */
export type NationalIdCheck =
  | { kind: 'ok'; value: string; province: string | null; warning?: string }
  | { kind: 'repair'; typed: string; suggestion: string; message: string }
  | { kind: 'invalid'; reason: string };

/** The typed value as digits: full-width digits read as ASCII (NFKC), spaces, dots, dashes and invisible characters dropped. */
export function typedNationalId(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s.\-\u200b-\u200d\ufeff]/g, '');
}

/**
 * Checks a typed citizen ID. Returns `ok` (12 digits, with a warning when the province prefix is not
 * in the list), `repair` (10–11 digits: the left-padded suggestion, to be confirmed), or `invalid`
 * with the reason in Vietnamese (what is wrong and how to fix it).
 */
export function checkNationalId(raw: string): NationalIdCheck {
  const typed = typedNationalId(raw);
  if (typed === '') return { kind: 'invalid', reason: 'Số căn cước đang trống: hãy nhập 12 chữ số in trên thẻ.' };
  if (!/^\d+$/.test(typed)) {
    const bad = [...typed].find((c) => !/\d/.test(c));
    return { kind: 'invalid', reason: `Số căn cước chỉ gồm chữ số; "${bad}" không phải chữ số. Hãy nhập đúng 12 chữ số in trên thẻ.` };
  }
  if (typed.length === 12) {
    const prefix = typed.slice(0, 3);
    const placeholder = /^(\d)\1{11}$/.test(typed);
    if (placeholder || prefix === '000') {
      return { kind: 'invalid', reason: `"${typed}" không phải số căn cước thật (${placeholder ? 'số điền tạm' : 'không tỉnh nào có mã 000'}): hãy nhập đúng 12 chữ số in trên thẻ, hoặc bỏ trống nếu người dân không cung cấp.` };
    }
    const province = CCCD_PROVINCE_CODES[prefix] ?? null;
    if (province) return { kind: 'ok', value: typed, province };
    return {
      kind: 'ok',
      value: typed,
      province: null,
      warning: `Ba số đầu "${prefix}" không có trong danh sách mã tỉnh nơi đăng ký khai sinh (Thông tư 59/2021/TT-BCA). Số vẫn được lưu; hãy đối chiếu lại với thẻ.`,
    };
  }
  if (typed.length === 9) {
    return { kind: 'invalid', reason: `"${typed}" có 9 chữ số: đây là số chứng minh nhân dân cũ (CMND), không phải số căn cước. Hãy hỏi số căn cước 12 chữ số in trên thẻ.` };
  }
  if (typed.length === 10 || typed.length === 11) {
    const suggestion = typed.padStart(12, '0');
    const lead = `"${typed}" có ${typed.length} chữ số, thiếu ${12 - typed.length} số 0 ở đầu (bảng tính thường làm mất số 0 đầu).`;
    return { kind: 'repair', typed, suggestion, message: `${lead} Nếu đúng là số căn cước mất số 0 đầu, hãy xác nhận số ${suggestion}.` };
  }
  return { kind: 'invalid', reason: `Số căn cước phải có đúng 12 chữ số; "${typed}" có ${typed.length} chữ số.` };
}
