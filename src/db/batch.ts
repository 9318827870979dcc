// Batching, free of any database import: the field app's sync engine bundles it for the browser.

/** Splits an array into slices of at most `size` (keeps statements under PostgreSQL's 65,535-parameter limit). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError('size must be ≥ 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
