import { describe, expect, it } from 'vitest';
import { initialMeasure, supportMeasures } from './map.measures.js';

/** The measure a map opens on (issue 17): one with figures, so the demo's province is not hatched all over. */
describe('the measure a map opens on', () => {
  const commune = (code: string, name: string, population: number | null) => ({ kind: 'commune', code, name, sessions: 3, headcount: 7, population, teams: 2, activeTeams: 1, services: { vneid: 4 } });
  const report = (population: number | null) => ({ children: [commune('03664', 'Phường Chiềng An', population), commune('04105', 'Xã Mai Sơn', null)], services: [{ code: 'vneid', name: 'VNeID (định danh điện tử)' }] }) as unknown as Parameters<typeof supportMeasures>[0];

  it('is people reached per 1,000 inhabitants once a commune has its population', () => {
    expect(initialMeasure(supportMeasures(report(2400)))?.id).toBe('headcount-per-1000');
  });

  it('is the first with a figure while no commune has its population (the share of active teams)', () => {
    const measures = supportMeasures(report(null));
    expect(measures.map((m) => [m.id, m.rows.filter((r) => r.value !== null).length])).toEqual([['headcount-per-1000', 0], ['sessions-per-1000', 0], ['active-teams', 2], ['sessions', 2], ['service-vneid', 0]]);
    expect(initialMeasure(measures)?.id).toBe('active-teams');
  });

  it('is the first when no measure has any figure, and none when the page has no measure', () => {
    const empty = [{ id: 'a', label: 'A', unit: '', digits: 0, rows: [{ code: '1', name: 'X', value: null, text: '' }] }, { id: 'b', label: 'B', unit: '', digits: 0, rows: [] }];
    expect(initialMeasure(empty)?.id).toBe('a');
    expect(initialMeasure([])).toBeUndefined();
  });
});
