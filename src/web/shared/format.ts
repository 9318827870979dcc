/**
 * Numbers and text the Vietnamese way, for every page: "1.459", "45,5%", and the folded form used
 * to filter lists without diacritics. Dates and times are in `time.ts`.
 */
const numberFormat = new Intl.NumberFormat('vi-VN');
const percentFormat = new Intl.NumberFormat('vi-VN', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 1459 → "1.459"; null and undefined → "0". */
export const num = (n: number | null | undefined): string => numberFormat.format(n ?? 0);

/** Percent with one decimal ("45,5%", "50,0%"); "—" when the whole is 0. */
export const pct = (part: number, whole: number): string => (whole ? percentFormat.format(part / whole) : '—');

/** Lower case without diacritics, đ → d: for filtering in the page ("chieng" matches "Chiềng"). */
export const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase();

const words = (s: string) => ` ${fold(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;

/**
 * Whether `text` already names `place` as whole words, diacritics, case and punctuation ignored:
 * "Tổ công nghệ số cộng đồng Bản Co Khoang" names "Bản Co Khoang" (so a list need not add it again);
 * "Tổ Bản Cốc" does not name "Bản Co". False for an empty place.
 */
export const mentions = (text: string, place: string | null | undefined): boolean => !!place?.trim() && words(text).includes(words(place));
