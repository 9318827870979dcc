/** Splits an array into slices of at most `size` (keeps statements under PostgreSQL's 65,535-parameter limit). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
