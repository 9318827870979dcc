/**
 * Numbers and text the Vietnamese way, for every page: "1.459", "45,5%", and the folded form used
 * to filter lists without diacritics. Dates and times are in `time.ts`.
 */
import { searchKey } from '../../text/vietnamese.js';

const numberFormat = new Intl.NumberFormat('vi-VN');
const percentFormat = new Intl.NumberFormat('vi-VN', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 1459 → "1.459"; null and undefined → "0". */
export const num = (n: number | null | undefined): string => numberFormat.format(n ?? 0);

/** Percent with one decimal ("45,5%", "50,0%"); "—" when the whole is 0. */
export const pct = (part: number, whole: number): string => (whole ? percentFormat.format(part / whole) : '—');

/**
 * Lower case without diacritics, đ → d, punctuation as spaces: for filtering in the page ("chieng"
 * matches "Chiềng"). The server's own search key (text/vietnamese.ts), so a list filters as search does.
 */
export const fold = searchKey;

const words = (s: string) => ` ${searchKey(s)} `;

/**
 * Whether `text` already names `place` as whole words, diacritics, case and punctuation ignored:
 * "Tổ công nghệ số cộng đồng Bản Co Khoang" names "Bản Co Khoang" (so a list need not add it again);
 * "Tổ Bản Cốc" does not name "Bản Co". False for an empty place.
 */
export const mentions = (text: string, place: string | null | undefined): boolean => !!place?.trim() && words(text).includes(words(place));
