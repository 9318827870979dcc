import { describe, expect, it } from 'vitest';
import { sessionBreakdown } from './sessions.breakdown.js';

describe('sessions by kind and by place, never in one sum', () => {
  it('each list adds up to the sessions held', () => {
    const b = sessionBreakdown({ sessions: 7, byKind: { home: 3, group: 2, help_desk: 2 }, atServiceCentre: 3 });
    expect(b).toEqual({
      kinds: [
        { code: 'home', label: 'Hướng dẫn tại nhà (một người)', sessions: 3 },
        { code: 'group', label: 'Buổi hướng dẫn nhóm', sessions: 2 },
        { code: 'help_desk', label: 'Tại bàn hỗ trợ', sessions: 2 },
      ],
      places: [
        { code: 'centre', label: 'Tại Trung tâm phục vụ hành chính công', sessions: 3 },
        { code: 'elsewhere', label: 'Nơi khác (nhà dân, thôn, bản, tổ dân phố…)', sessions: 4 },
      ],
      total: 7,
    });
    const sum = (rows: { sessions: number }[]) => rows.reduce((n, r) => n + r.sessions, 0);
    expect([sum(b.kinds), sum(b.places)]).toEqual([7, 7]);
  });

  it('no sessions: zeros, totals 0', () => {
    const b = sessionBreakdown({ sessions: 0, byKind: { home: 0, group: 0, help_desk: 0 }, atServiceCentre: 0 });
    expect([b.kinds.map((k) => k.sessions), b.places.map((p) => p.sessions), b.total]).toEqual([[0, 0, 0], [0, 0], 0]);
  });
});
