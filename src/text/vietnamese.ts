/**
 * Vietnamese text rules used everywhere a name is stored, matched, searched or sorted.
 *
 * - Storage: NFC, trimmed, inner whitespace (incl. non-breaking spaces) collapsed to one space.
 * - Matching (`nameKey`): case-insensitive and blind to where the tone mark sits inside a
 *   syllable, so the old placement "Hoà" equals the new placement "Hòa" (both spellings are
 *   legal, see the 2018 Ministry of Education spelling rules), while "Hòa" ≠ "Hoa".
 * - Search (`searchKey`): additionally ignores every diacritic and maps đ/Đ to d, so
 *   "chieng xom" finds "Chiềng Xôm".
 * - Sorting people (`compareVietnameseNames`): by given name (last word), then by the rest
 *   from the family name on, with the Vietnamese collation of ICU (`Intl.Collator('vi')`).
 */

/** The five combining tone marks of Vietnamese: grave, acute, tilde, hook above, dot below. */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const ALL_MARKS = /[\u0300-\u036f]/g;
const SPACES = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g;
/** Bidirectional control characters have no place in a name and can disguise it. */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Normalises text for storage: NFC, no bidi controls, trimmed, single spaces. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(BIDI_CONTROLS, '').replace(SPACES, ' ').trim();
}

/**
 * Matching key: lower case, NFD, and in each syllable the tone mark moved to the end of the
 * syllable, so tone-mark placement no longer matters. Returns '' for blank input.
 */
export function nameKey(value: string): string {
  const cleaned = cleanText(value).toLocaleLowerCase('vi');
  return cleaned
    .split(' ')
    .map((syllable) => {
      const decomposed = syllable.normalize('NFD');
      const tones = decomposed.match(TONE_MARKS) ?? [];
      return decomposed.replace(TONE_MARKS, '') + tones.join('');
    })
    .join(' ');
}

/** Search key: lower case, no diacritics at all, đ → d. "Chiềng Xôm" → "chieng xom". */
export function searchKey(value: string): string {
  return cleanText(value)
    .toLocaleLowerCase('vi')
    .normalize('NFD')
    .replace(ALL_MARKS, '')
    .replace(/đ/g, 'd')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
}

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** Splits a full name into given name (last word) and the rest ("Hà Thị Hiền" → ["Hiền", "Hà Thị"]). */
export function splitGivenName(fullName: string): [given: string, rest: string] {
  const words = cleanText(fullName).split(' ');
  const given = words.pop() ?? '';
  return [given, words.join(' ')];
}

/** Compares two full names the Vietnamese way: given name first, then family and middle names. */
export function compareVietnameseNames(a: string, b: string): number {
  const [ga, ra] = splitGivenName(a);
  const [gb, rb] = splitGivenName(b);
  return collator.compare(ga, gb) || collator.compare(ra, rb) || collator.compare(a, b);
}

/** Compares two unit or team names with the Vietnamese collation (numbers in natural order). */
export function compareVietnamese(a: string, b: string): number {
  return collator.compare(a, b);
}

/**
 * Title-cases a name written in capitals ("NGUYỄN THỊ HÀ" → "Nguyễn Thị Hà"); names already in
 * mixed case are kept as written.
 */
export function properName(value: string): string {
  const cleaned = cleanText(value);
  if (cleaned !== cleaned.toLocaleUpperCase('vi') && cleaned !== cleaned.toLocaleLowerCase('vi')) return cleaned;
  return cleaned
    .toLocaleLowerCase('vi')
    .split(' ')
    .map((w) => w.charAt(0).toLocaleUpperCase('vi') + w.slice(1))
    .join(' ');
}
