// Classes of a choropleth map (issue 17): quantiles or fixed steps, at most 5 classes, a colour
// scale readable by colour-blind people and in black-and-white print, and the legend's labels.

/**
 * ColorBrewer "YlGnBu", 5 classes (Cynthia Brewer, colorbrewer2.org: colour-blind safe, print
 * friendly), light = low. Places without a figure are drawn hatched grey, never as a class.
 */
export const PALETTE = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;
export const NO_DATA = '#d9d9d9';

export type ClassMethod = 'quantile' | 'steps';

/** One class: values v with `from` ≤ v < `to` (the last class includes `to`). */
export interface MapClass { from: number; to: number; colour: string; count: number }

/** A "nice" step for fixed steps: 1, 2, 2.5 or 5 × a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  if (raw <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= raw) ?? 10) * p;
}

/**
 * The classes of `values` (nulls, places without a figure, are left out). `quantile`: when there
 * are at most `k` different values, one class per value; else about the same number of places in
 * each class, breaking only between different values (equal values share a class). `steps`: [0 (or
 * the minimum when below 0), max] cut into equal nice steps (0–20, 20–40 …). A class holds v with
 * from ≤ v < the next class's from. None when there is no value. Light colours are low values.
 */
export function classify(values: (number | null)[], method: ClassMethod, k = PALETTE.length): MapClass[] {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (!xs.length) return [];
  const min = xs[0];
  const max = xs[xs.length - 1];
  const distinct = [...new Set(xs)];
  let bounds: [number, number][];
  if (distinct.length === 1 || (method === 'quantile' && distinct.length <= k)) bounds = distinct.map((d) => [d, d]);
  else if (method === 'steps') {
    const start = min >= 0 ? 0 : min;
    const step = niceStep((max - start) / k);
    // the last class includes its upper end, so at most k classes reach max
    const edges = [Math.floor(start / step) * step];
    while (edges[edges.length - 1] < max) edges.push(Math.round((edges[edges.length - 1] + step) * 1e9) / 1e9);
    bounds = edges.slice(0, -1).map((e, i) => [e, edges[i + 1]]);
  } else {
    const edges = [min];
    for (let i = 1; i < k; i++) {
      const b = xs[Math.floor((i * xs.length) / k)];
      if (b > edges[edges.length - 1] && b < max) edges.push(b);
    }
    edges.push(max);
    bounds = edges.slice(0, -1).map((e, i) => [e, edges[i + 1]]);
  }
  const n = bounds.length;
  // colours spread over the scale: one class gets its middle, 2 its ends, 3 its ends and middle…
  const colourAt = (i: number) => PALETTE[n === 1 ? 2 : Math.round((i * (PALETTE.length - 1)) / (n - 1))];
  const classes = bounds.map(([from, to], i) => ({ from, to, colour: colourAt(i), count: 0 }));
  for (const x of xs) classes[classOf(classes, x)].count++;
  return classes;
}

/** The index of the class holding `v` (the last class includes its upper end). */
export function classOf(classes: MapClass[], v: number): number {
  for (let i = 0; i < classes.length - 1; i++) if (v < classes[i + 1].from) return i;
  return classes.length - 1;
}

/** A number as Vietnamese write it (1.234,5), with at most `digits` decimals. */
export function vnNumber(v: number, digits = 1): string {
  return v.toLocaleString('vi-VN', { maximumFractionDigits: digits });
}

/** A legend label: "từ 2,5 đến dưới 5" (the last class: "từ 5 đến 7,5"). */
export function classLabel(c: MapClass, last: boolean, digits = 1, unit = ''): string {
  if (c.from === c.to) return `${vnNumber(c.from, digits)}${unit}`;
  return `từ ${vnNumber(c.from, digits)} đến ${last ? '' : 'dưới '}${vnNumber(c.to, digits)}${unit}`;
}
