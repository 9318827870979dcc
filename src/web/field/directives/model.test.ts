import { describe, expect, it } from 'vitest';
import type { InboxDirective } from '../../../directives/directives.board.js';
import { readNumber, withPending } from './model.js';

describe('the directives screen on the phone', () => {
  it('reads numbers as Vietnamese write them', () => {
    expect(['120', '1.200', '12.345.678', '2,5', '1.200,5', ' 350 ', '1 200'].map(readNumber)).toEqual([120, 1200, 12345678, 2.5, 1200.5, 350, 1200]);
    expect(['1.2', '1,2,3', 'abc', '', '-3', '1.20'].map(readNumber)).toEqual([null, null, null, null, null, null]);
  });

  it('a report waiting on the phone shows as done after a reload, with its figures; a refused one does not', () => {
    const d = { id: 7, readAt: null, willDoAt: null, doneAt: null, channels: [], households: null, figure: null } as unknown as InboxDirective;
    const at = '2026-12-02T08:00:00+07:00';
    const shown = withPending([d, { ...d, id: 8 }], [
      { id: 'a', userId: 1, status: 'pending', record: { id: 'a', directiveId: 7, status: 'read', at } },
      { id: 'b', userId: 1, status: 'pending', record: { id: 'b', directiveId: 7, status: 'done', at, channels: ['zalo_group'], households: 350 } },
      { id: 'c', userId: 1, status: 'rejected', reason: 'x', record: { id: 'c', directiveId: 8, status: 'done', at } },
    ]);
    expect(shown.map((x) => [x.id, x.readAt, x.willDoAt, x.doneAt, x.channels, x.households])).toEqual([
      [7, at, at, at, ['zalo_group'], 350],
      [8, null, null, null, [], null],
    ]);
  });
});
