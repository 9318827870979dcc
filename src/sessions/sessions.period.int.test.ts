import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import type { Database } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';

/**
 * GET /api/reports/support's period over HTTP (issue 13, item 9): a wrong date is a 400 saying what
 * is wrong, and the period's `until` (where charts stop) is today in Vietnam by the server's clock.
 */
let database: Database;
let app: TestAppInstance;
let officer: TestClient;
// 00:30 on 03/12/2026 in Vietnam (17:30 UTC on 02/12)
const restoreClock = useClock(new FixedClock('2026-12-02T17:30:00Z'));

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database);
  officer = await signedInClient(app, database.db, { username: 'canbo.chiengan', role: 'commune_officer', unit: '03664' });
});
afterAll(async () => {
  await app.close();
  await database.close();
  restoreClock();
});

const ask = (query: string) => officer.get(`/api/reports/support?unit=03664&${query}`);

describe('the support report’s period', () => {
  it('refuses an impossible day with the reason, as a 400', async () => {
    const cases: [string, string][] = [
      ['from=2026-02-31&to=2026-03-31', 'from=2026-02-31: 31/02/2026 không có (tháng 2 năm 2026 không có ngày 31).'],
      ['from=2026-01-01&to=2026-13-13', 'to=2026-13-13: 13/13/2026 không có (không có tháng 13).'],
      ['period=month&date=2026-04-31', 'date=2026-04-31: 31/04/2026 không có (tháng 4 năm 2026 không có ngày 31).'],
      ['from=31/01/2026&to=2026-02-28', 'from="31/01/2026" không đúng dạng YYYY-MM-DD (ví dụ from=2026-01-31).'],
    ];
    for (const [query, message] of cases) {
      const res = await ask(query);
      expect([query, res.statusCode, res.json().error]).toEqual([query, 400, { code: 'VALIDATION_FAILED', message }]);
    }
  });

  it('names the last day that has begun: today in Vietnam, the end of a past period, none for one ahead', async () => {
    expect((await ask('period=month')).json().period).toEqual({ from: '2026-12-01', to: '2026-12-31', bucket: 'day', until: '2026-12-03' });
    expect((await ask('from=2026-11-01&to=2026-11-30')).json().period).toEqual({ from: '2026-11-01', to: '2026-11-30', bucket: 'day', until: '2026-11-30' });
    expect((await ask('period=year&date=2027-03-01')).json().period).toEqual({ from: '2027-01-01', to: '2027-12-31', bucket: 'month', until: null });
    const csv = (await ask('period=month&format=csv&table=trend')).body.replace(/^\ufeff/, '').trimEnd().split('\n');
    expect(csv).toEqual(['Từ ngày,Đến ngày,Số buổi,Lượt người dân', '01/12/2026,01/12/2026,0,0', '02/12/2026,02/12/2026,0,0', '03/12/2026,03/12/2026,0,0']);
  });
});
