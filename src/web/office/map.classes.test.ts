import { describe, expect, it } from 'vitest';
import { classify, classLabel, classOf, NO_DATA, PALETTE } from './map.classes.js';

/** The map's classes (issue 17): what a reader sees in the legend for the figures of real pages. */
describe('map classes', () => {
  it('gives each value its own class when there are few, lightest for the lowest', () => {
    const values = [...Array(72).fill(0), 2, 2, 1, null];
    const c = classify(values, 'quantile');
    expect(c.map((x) => [x.from, x.to, x.colour, x.count])).toEqual([[0, 0, PALETTE[0], 72], [1, 1, PALETTE[2], 1], [2, 2, PALETTE[4], 2]]);
    expect(c.map((x, i) => classLabel(x, i === c.length - 1, 0, ' buổi'))).toEqual(['0 buổi', '1 buổi', '2 buổi']);
  });

  it('cuts many values into quantiles that never split equal values', () => {
    const values = Array.from({ length: 75 }, (_, i) => i % 25);
    const c = classify(values, 'quantile');
    expect(c.map((x) => [x.from, x.to, x.count])).toEqual([[0, 5, 15], [5, 10, 15], [10, 15, 15], [15, 20, 15], [20, 24, 15]]);
    expect(classLabel(c[0], false)).toBe('từ 0 đến dưới 5');
    expect(classLabel(c[4], true)).toBe('từ 20 đến 24');
    expect(c.map((x) => x.colour)).toEqual([...PALETTE]);
  });

  it('cuts fixed nice steps from 0, with Vietnamese decimals', () => {
    const c = classify([0.4, 1.2, 3.9, 7.3, 9.6], 'steps');
    expect(c.map((x) => [x.from, x.to, x.count])).toEqual([[0, 2, 2], [2, 4, 1], [4, 6, 0], [6, 8, 1], [8, 10, 1]]);
    expect(classLabel({ from: 2.5, to: 7.5, colour: PALETTE[0], count: 1 }, false, 1, '%')).toBe('từ 2,5 đến dưới 7,5%');
    expect(classOf(c, 2)).toBe(1);
    expect(classOf(c, 10)).toBe(4);
  });

  it('has no class without a figure, one for a single value, and keeps no-data apart from the scale', () => {
    expect(classify([null, null], 'quantile')).toEqual([]);
    expect(classify([5, 5, 5], 'steps').map((x) => [x.from, x.to, x.count])).toEqual([[5, 5, 3]]);
    expect(classify([0, 10], 'steps').map((x) => [x.from, x.to])).toEqual([[0, 2], [2, 4], [4, 6], [6, 8], [8, 10]]);
    expect(classify([5, 5], 'quantile').map((x) => [x.from, x.to, x.colour])).toEqual([[5, 5, PALETTE[2]]]);
    expect(PALETTE).not.toContain(NO_DATA);
  });
});
