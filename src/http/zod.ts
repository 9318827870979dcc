/**
 * zod's Vietnamese messages: the server (http/app.ts) and the office UI (which checks its forms
 * with the server's own schemas, forms.tsx) both import this module, so a refusal reads the same
 * in the form as in the server's 400 answer. Only the Vietnamese locale is loaded, and through
 * named imports, so the browser bundle carries neither zod's other locales nor its whole namespace.
 */
import { config, z } from 'zod';
import vi from 'zod/v4/locales/vi.js';
import { isIsoDay } from '../text/dates.js';
import { cleanFreeText, graphemeLength } from '../text/measure.js';
import { readPersonDate } from '../text/person-date.js';

config(vi());


/**
 * A calendar day as YYYY-MM-DD that exists; days are Vietnam days wherever they are used. A day
 * that does not exist is refused with why ("2026-02-30: tháng 2 năm 2026 không có ngày 30").
 */
export const isoDay = z
  .string()
  .max(10)
  .superRefine((d, ctx) => {
    if (isIsoDay(d)) return;
    const r = /^\d{4}-\d{2}-\d{2}$/.test(d) ? readPersonDate(d, { latestYear: 9999 }) : null;
    ctx.addIssue({ code: 'custom', message: r && !r.ok ? `Ngày ${d} không có thật: ${r.reason}.` : 'Ngày phải có dạng YYYY-MM-DD và có thật (ví dụ 2026-12-01).' });
  })
  .refine((d) => !isIsoDay(d) || d >= '1900-01-01', 'Ngày trước năm 1900: hãy kiểm tra lại năm.');

/** Control characters (line breaks and tabs aside) and the invisible ones that reorder or hide text. */
const HIDDEN_INSIDE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;
/**
 * Whitespace and zero-width characters at either end, trimmed away (direction controls are not:
 * they are refused wherever they are, or removed for the phone's notes).
 */
const ZW = '[\\s\\u00ad\\u180e\\u200b-\\u200d\\u2060\\ufeff]';
const TAG = '\\udb40[\\udc00-\\udc7f]';
// tag characters only at the start: at the end they may close an emoji flag (text/measure.ts keeps those)
const INVISIBLE_ENDS = new RegExp(`^(?:${ZW}|${TAG})+|(?:${ZW})+$`, 'g');

/**
 * A length-limited free-text field measured as people see it (issue 13, item 5), the same on the
 * server and in the office forms (and on the phone, which counts with text/measure.ts): NFC,
 * trimmed of spaces and zero-width characters at both ends, at most `max` user-perceived characters
 * (grapheme clusters: "Tốt👍" is 4 whether typed NFC or NFD). Invisible characters inside:
 * `hidden: 'refuse'` (default; names, notes and reasons typed in the office, where a direction
 * override or a zero-width mark inside is refused with a message) or `'remove'` (the phone's
 * notes: removed by cleanFreeText, never a reason to lose a record). `oneLine` collapses inner
 * whitespace to single spaces (names, reasons); otherwise line breaks are kept. `what` names the
 * field in the message ("Ghi chú dài 501 ký tự, tối đa 500").
 */
export function freeText(max: number, what: string, opts: { hidden?: 'refuse' | 'remove'; oneLine?: boolean } = {}) {
  const hidden = opts.hidden ?? 'refuse';
  // a raw bound before any work: NFD Vietnamese takes up to 3 code units a character, emoji more
  const ends = z
    .string()
    .max(max * 12, `${what} dài quá ${max} ký tự.`)
    .transform((s) => s.normalize('NFC').replace(INVISIBLE_ENDS, ''));
  const inside =
    hidden === 'refuse'
      ? ends.refine((s) => !HIDDEN_INSIDE.test(s.replace(/[\t\n\r]/g, ' ')), `${what} có ký tự điều khiển hoặc ký tự ẩn (đảo chiều chữ, ký tự rỗng); hãy gõ lại phần chữ này.`)
      : ends.refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(s), `${what} có ký tự điều khiển; hãy gõ lại phần chữ này.`);
  return inside
    .transform((s) => {
      const clean = cleanFreeText(s);
      return opts.oneLine ? clean.replace(/\s+/g, ' ') : clean;
    })
    .superRefine((s, ctx) => {
      const n = graphemeLength(s);
      if (n > max) ctx.addIssue({ code: 'custom', message: `${what} dài ${n} ký tự, tối đa ${max}; hãy rút gọn.` });
    });
}
