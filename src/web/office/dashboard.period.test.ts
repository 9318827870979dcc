import { describe, expect, it } from 'vitest';
import { periodSpan } from './dashboard.period.js';

/** The days a dashboard's period covers, as written after its name. */
describe('periodSpan', () => {
  it('names one day on the first day of a period that runs on, two ends after it, and the whole of a past one', () => {
    expect(periodSpan('week', { from: '2026-12-07', to: '2026-12-13', until: '2026-12-07' } as never)).toBe(' (07/12/2026, hôm nay)');
    expect(periodSpan('month', { from: '2026-12-01', to: '2026-12-31', until: '2026-12-07' } as never)).toBe(' (01/12/2026 – 07/12/2026, đến hôm nay)');
    expect(periodSpan('month', { from: '2026-11-01', to: '2026-11-30', until: '2026-11-30' } as never)).toBe(' (01/11/2026 – 30/11/2026)');
    expect(periodSpan('week', { from: '2026-12-14', to: '2026-12-20', until: null } as never)).toBe(' (chưa tới: chưa có số liệu)');
  });
});
