/**
 * Vietnamese text rules used everywhere a name is stored, matched, searched or sorted.
 *
 * - Storage: NFC, trimmed, inner whitespace (incl. non-breaking spaces) collapsed to one space.
 * - Matching (`nameKey`): case-insensitive and blind to where the tone mark sits inside a
 *   syllable, so the old placement "Hoà" equals the new placement "Hòa" (both spellings are
 *   legal, see the 2018 Ministry of Education spelling rules), while "Hòa" ≠ "Hoa".
 * - Search (`searchKey`): additionally ignores every diacritic and maps đ/Đ to d, so
 *   "chieng xom" finds "Chiềng Xôm".
 * - Sorting (`compareVietnamese`, the one order of every list, API answer and export): the
 *   Vietnamese alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y ("Bản Ấm" with
 *   the A's, "Bản Đán" after "Bản Dọn"), tones after letters, then case, numbers by value ("Tổ dân
 *   phố 2" before "Tổ dân phố 10"): ICU's "vi" collation (`Intl.Collator('vi', {numeric})`; Node
 *   ships full ICU, checked in vietnamese.test.ts), with code points last so equal-looking texts
 *   still get one order whatever order the database returned them in.
 * - Sorting people (`compareVietnameseNames`): by given name (last word), then by the rest
 *   from the family name on, then as `compareVietnamese`.
 */

/** The five combining tone marks of Vietnamese: grave, acute, tilde, hook above, dot below. */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const ALL_MARKS = /[\u0300-\u036f]/g;
const SPACES = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g;
/** Bidirectional control characters have no place in a name and can disguise it. */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Anything `cleanText` has to change besides NFC: other whitespace, doubled, leading or trailing spaces, bidi controls. */
const NEEDS_SPACING = /[\t-\r\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u2066-\u2069\u3000\ufeff]| {2}|^ | $/;

/** Normalises text for storage: NFC, no bidi controls, trimmed, single spaces. */
export function cleanText(value: string): string {
  // most cells are already clean: one test instead of three replacements
  if (!NEEDS_SPACING.test(value)) return value.normalize('NFC');
  return value.normalize('NFC').replace(BIDI_CONTROLS, '').replace(SPACES, ' ').trim();
}

/**
 * Keys of the same few thousand unit, role and place names are asked for on every row of a
 * roster: each distinct text is worked out once. Bounded: emptied when it reaches `max` entries.
 */
function cached(f: (value: string) => string, max = 100_000): (value: string) => string {
  const memo = new Map<string, string>();
  return (value) => {
    let key = memo.get(value);
    if (key === undefined) {
      if (memo.size >= max) memo.clear();
      memo.set(value, (key = f(value)));
    }
    return key;
  };
}

/** A syllable holding a tone mark, after NFD. */
const TONED_SYLLABLE = /[^ ]*[\u0300\u0301\u0303\u0309\u0323][^ ]*/g;

/**
 * Matching key: lower case, NFD, and in each syllable the tone mark moved to the end of the
 * syllable, so tone-mark placement no longer matters. Returns '' for blank input.
 * Lower case is the default Unicode mapping: Vietnamese has no locale-specific case rules
 * (ICU's tailorings are for Turkish, Azeri and Lithuanian), and the default is ten times faster.
 */
export const nameKey = cached((value: string): string =>
  cleanText(value)
    .toLowerCase()
    .normalize('NFD')
    .replace(TONED_SYLLABLE, (syllable) => syllable.replace(TONE_MARKS, '') + (syllable.match(TONE_MARKS) ?? []).join('')),
);

/** Search key: lower case, no diacritics at all, đ → d. "Chiềng Xôm" → "chieng xom". */
export const searchKey = cached((value: string): string =>
  cleanText(value)
    .toLowerCase()
    .normalize('NFD')
    .replace(ALL_MARKS, '')
    .replace(/đ/g, 'd')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/ +/g, ' ')
    .trim(),
);

/** Letters only (a = á = A, but a ≠ ă ≠ â), numbers by value. */
const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
/** Letters, then tones, then case; numbers by value. */
const fullCollator = new Intl.Collator('vi', { numeric: true });
const byCodePoints = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
  return collator.compare(ga, gb) || collator.compare(ra, rb) || compareVietnamese(a, b);
}

/** Compares two unit, team or other names in the Vietnamese order (numbers in natural order); 0 only for equal strings. */
export function compareVietnamese(a: string, b: string): number {
  return fullCollator.compare(a, b) || byCodePoints(a, b);
}

/** Sorts `list` in place by the text `key` gives, in the Vietnamese order (`compareVietnamese`); returns it. */
export function sortVietnamese<T>(list: T[], key: (item: T) => string): T[] {
  return list.sort((a, b) => compareVietnamese(key(a), key(b)));
}

/**
 * Title-cases a name written in capitals ("NGUYỄN THỊ HÀ" → "Nguyễn Thị Hà"); names already in
 * mixed case are kept as written.
 */
export function properName(value: string): string {
  const cleaned = cleanText(value);
  if (cleaned !== cleaned.toUpperCase() && cleaned !== cleaned.toLowerCase()) return cleaned;
  return cleaned
    .toLowerCase()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
