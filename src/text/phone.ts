import { PhoneNumber } from 'libphonenumber-js/max';

/**
 * Vietnamese phone numbers.
 *
 * Input: whatever a roster holds: "0912 345 678", "912345678" (a spreadsheet dropped the
 * leading 0), "+84 912.345.678", "84-912-345-678", or a pre-2018 11-digit mobile number
 * ("01662 345 678"). Output: E.164 ("+84912345678") or a reason it is not a valid number.
 *
 * The 11-digit → 10-digit conversion follows the Ministry of Information and Communications'
 * 2018 renumbering of mobile prefixes (Circular 22/2014/TT-BTTTT as amended; carried out
 * 15 Sep – 15 Nov 2018). Validity of the result (mobile and landline ranges) comes from
 * Google's libphonenumber metadata via `libphonenumber-js`.
 */
const OLD_MOBILE_PREFIXES: Record<string, string> = {
  // Viettel
  '162': '32', '163': '33', '164': '34', '165': '35', '166': '36', '167': '37', '168': '38', '169': '39',
  // MobiFone
  '120': '70', '121': '79', '122': '77', '126': '76', '128': '78',
  // VinaPhone
  '123': '83', '124': '84', '125': '85', '127': '81', '129': '82',
  // Vietnamobile
  '186': '56', '188': '58',
  // Gmobile
  '199': '59',
};

export type PhoneResult =
  | { ok: true; e164: string; converted: boolean }
  | { ok: false; reason: string };

/** Normalises one Vietnamese phone number to E.164; see the module comment for accepted forms. */
export function normalizePhone(raw: string | number): PhoneResult {
  // full-width digits and plus sign ("０９１２…", an East Asian keyboard or a copied PDF) read as ASCII
  const text = String(raw).normalize('NFKC').trim();
  if (!text) return { ok: false, reason: 'trống' };
  if (/[a-zA-Z]/.test(text.replace(/^(tel|đt|dt)[:.]?/i, ''))) {
    return { ok: false, reason: `"${text}" có chữ cái, không phải số điện thoại` };
  }
  let digits = text.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  if (digits.includes('+')) return { ok: false, reason: `"${text}" có dấu + ở giữa` };
  // digits as written, for the message below: the trunk 0 counts only when it was there or
  // replaced by a country code ("12345" has 5 digits, "+1 415 555 0100" 11)
  const written = digits.length;
  let trunk = 0;
  if (digits.startsWith('0084')) { digits = digits.slice(4); trunk = 1; }
  else if (digits.startsWith('84') && digits.length >= 11) { digits = digits.slice(2); trunk = 1; }
  else if (digits.startsWith('0')) digits = digits.slice(1);
  // national significant number now, without the trunk 0
  let converted = false;
  if (digits.length === 10 && digits.startsWith('1')) {
    const next = OLD_MOBILE_PREFIXES[digits.slice(0, 3)];
    if (!next) return { ok: false, reason: `đầu số cũ 0${digits.slice(0, 3)} không có trong bảng chuyển đổi 2018` };
    digits = next + digits.slice(3);
    converted = true;
  }
  if (digits.length < 9 || digits.length > 10) {
    return { ok: false, reason: `"${text}" có ${trunk ? digits.length + 1 : written} chữ số, số Việt Nam có 10 chữ số (kể cả số 0 đầu)` };
  }
  // the trunk 0 written twice ("00912…"): libphonenumber's parser drops one more, and so do we
  if (digits.startsWith('0')) digits = digits.slice(1);
  // the number is already taken apart above: the library's PhoneNumber is built from it directly
  // (its parser would repeat that work, at three times the cost) and checked against its ranges
  const parsed = new PhoneNumber(`+84${digits}`);
  if (!parsed.isValid()) return { ok: false, reason: `"${text}" không phải số điện thoại Việt Nam hợp lệ` };
  return { ok: true, e164: parsed.number, converted };
}

/** Formats an E.164 Vietnamese number for display: "+84912345678" → "0912 345 678". */
export function formatPhone(e164: string): string {
  const national = '0' + e164.replace(/^\+84/, '');
  return national.length === 10 ? `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}` : national;
}
