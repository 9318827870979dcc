/**
 * Free text measured as people see it: one function for the phone's "còn N ký tự" counter,
 * the office forms and the server's check, so a note the counter accepts is never refused.
 *
 * - `cleanFreeText`: NFC, without zero-width and bidirectional control characters (U+200B, U+200C,
 *   U+200E, U+200F, U+202A–U+202E, U+2060–U+2064, U+2066–U+2069, U+FEFF, U+00AD, U+061C), trimmed
 *   of whitespace at both ends; inner line breaks are kept. The zero-width joiner (U+200D) and tag
 *   characters (U+E0020–U+E007F) are kept after a visible character, where they build one emoji
 *   ("👨‍👩‍👧", the flag of Scotland), and removed anywhere else. Lone surrogates (not text) are
 *   replaced by U+FFFD by `toWellFormed`, so what is stored is what is counted.
 * - `graphemeLength`: user-perceived characters (extended grapheme clusters, Unicode UAX #29)
 *   counted with `Intl.Segmenter`, so "Tốt👍" is 4 whether typed as NFC or NFD and a flag or
 *   a family emoji is one.
 */

/** Characters nobody sees, which must neither count nor be stored. */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** Joiners and tag characters at the start or after whitespace: they join nothing. */
const STRAY_JOINERS = /(^|\s)(?:\u200d|\udb40[\udc00-\udc7f])+/g;
/** A joiner before whitespace or the end (no lookbehind: old WebViews cannot parse it). */
const LOOSE_ZWJ = /\u200d+(?=\s|$)/g;

/** NFC, invisible characters removed, trimmed. */
export function cleanFreeText(value: string): string {
  let text = value.normalize('NFC').replace(INVISIBLE, '');
  text = text.replace(STRAY_JOINERS, '$1').replace(LOOSE_ZWJ, '').replace(/\u200d{2,}/g, '\u200d').trim();
  // String.prototype.toWellFormed: Node 20, Chrome 111, Safari 16.4; older WebViews keep the text as it is
  const wellFormed = (text as { toWellFormed?: () => string }).toWellFormed;
  return wellFormed ? wellFormed.call(text) : text;
}

/** What draws nothing although it is not removed: whitespace, default-ignorable code points (the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, variation selectors…) and the braille blank U+2800. */
const DRAWS_NOTHING = /[\s\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** Whether `value` (cleaned) shows nothing at all to a reader: only blanks and fillers, such as six U+3164. */
export function showsNothing(value: string): boolean {
  return value.replace(DRAWS_NOTHING, '') === '';
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
