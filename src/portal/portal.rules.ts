import { cleanFreeText, graphemeLength, showsNothing } from '../text/measure.js';

/**
 * The comment's length rule (issue 16, item 2), one function for the page's live "còn N ký tự"
 * counter (bundled into /portal.js) and the server's check: the text as the reader sees it —
 * NFC, zero-width and direction characters removed, trimmed (text/measure.ts cleanFreeText) —
 * counted in grapheme clusters by Intl.Segmenter, 5 to 500. Imports nothing a browser lacks.
 */
export const COMMENT_MIN = 5;
export const COMMENT_MAX = 500;

export type CommentCheck = { ok: true; text: string; length: number } | { ok: false; length: number; reason: string };

/** Cleans and measures a comment → the text to store, or why it cannot be posted (in Vietnamese). */
export function checkComment(raw: string): CommentCheck {
  const text = cleanFreeText(raw);
  const length = commentLength(text);
  if (length < COMMENT_MIN) return { ok: false, length, reason: length === 0 ? 'Bình luận chưa có nội dung.' : `Bình luận cần ít nhất ${COMMENT_MIN} ký tự (đang có ${length}).` };
  if (length > COMMENT_MAX) return { ok: false, length, reason: `Bình luận dài ${length} ký tự, tối đa ${COMMENT_MAX}; hãy rút gọn.` };
  // after NFC a Vietnamese letter carries no loose mark, and an emoji a selector and a keycap at
  // most: three or more stacked on one character is a flood that spills over the lines around it
  if (/\p{M}{3,}/u.test(text)) return { ok: false, length, reason: 'Bình luận có chữ bị chồng quá nhiều dấu; hãy gõ lại phần chữ đó.' };
  return { ok: true, text, length };
}

/** A cleaned comment's length as counted: 0 when it shows nothing (blanks and fillers such as U+3164 only). */
function commentLength(text: string): number {
  return showsNothing(text) ? 0 : graphemeLength(text);
}

/** What the counter says for a draft: "còn N ký tự", or how far over/under it is. */
export function counterText(raw: string): { text: string; state: 'short' | 'ok' | 'over' } {
  const n = commentLength(cleanFreeText(raw));
  if (n > COMMENT_MAX) return { text: `Quá ${n - COMMENT_MAX} ký tự`, state: 'over' };
  if (n < COMMENT_MIN) return { text: `Cần thêm ${COMMENT_MIN - n} ký tự · còn ${COMMENT_MAX - n} ký tự`, state: 'short' };
  return { text: `Còn ${COMMENT_MAX - n} ký tự`, state: 'ok' };
}
