/**
 * Free text measured as people see it: one function for the phone's "còn N ký tự" counter,
 * the office forms and the server's check, so a note the counter accepts is never refused.
 *
 * - `cleanFreeText`: NFC, without zero-width and bidirectional control characters (U+200B–U+200F,
 *   U+202A–U+202E, U+2060–U+2064, U+2066–U+2069, U+FEFF, U+00AD, U+061C, tag characters
 *   U+E0000–U+E007F), trimmed of whitespace at both ends; inner line breaks are kept.
 * - `graphemeLength`: user-perceived characters (extended grapheme clusters, Unicode UAX #29)
 *   counted with `Intl.Segmenter`, so "Tốt👍" is 4 whether typed as NFC or NFD and a flag or
 *   a family emoji is one.
 */

/** Characters nobody sees, which must neither count nor be stored. */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g;

/** NFC, invisible characters removed, trimmed. */
export function cleanFreeText(value: string): string {
  return value.normalize('NFC').replace(INVISIBLE, '').trim();
}

let segmenter: Intl.Segmenter | undefined;

/** The number of user-perceived characters of `value` as given (callers clean first). */
export function graphemeLength(value: string): number {
  // ASCII needs no segmentation: one code unit is one character (CR LF aside, counted as one)
  if (/^[\x20-\x7e]*$/.test(value)) return value.length;
  segmenter ??= new Intl.Segmenter('vi', { granularity: 'grapheme' });
  let n = 0;
  for (const _ of segmenter.segment(value)) n++;
  return n;
}

/** `graphemeLength(cleanFreeText(value))`: what the counter shows and the server checks. */
export function visibleLength(value: string): number {
  return graphemeLength(cleanFreeText(value));
}
