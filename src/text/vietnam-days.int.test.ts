import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { csv, HEADER } from '../../test/fixtures.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { importRoster } from '../imports/imports.service.js';
import { FixedClock, useClock } from './clock.js';

/**
 * Issue 13, item 3: every date the server derives is the Vietnam (Asia/Ho_Chi_Minh) date of the
 * injected clock, not the UTC date nor the database's own date. At 00:30 and at 06:59 in Vietnam
 * on 10/03/2026 it is still 09/03/2026 in UTC (17:30 and 23:59); each derived day must be 10/03.
 */
const clock = new FixedClock('2026-03-09T17:30:00Z');
const restore = useClock(clock);
afterAll(restore);

let database: Database;
let app: TestAppInstance;
let officer: TestClient; // commune officer of Phường Chiềng An (03664)
withTestApp(async (t) => {
  ({ database, app } = t);
  officer = await signedInClient(app, database.db, { username: 'canbo.chiengan', role: 'commune_officer', unit: '03664' });
});

const MB = 1024 * 1024;
const MOMENTS = [
  ['00:30 ICT', '2026-03-09T17:30:00.000Z', 'Lò Văn Một', '0912000101'],
  ['06:59 ICT', '2026-03-09T23:59:00.000Z', 'Lò Văn Hai', '0912000102'],
] as const;

describe.each(MOMENTS)('at %s on 10/03/2026 (%s)', (_label, instant, person, phone) => {
  it('an import joins its members on the Vietnam day', async () => {
    clock.set(instant);
    const roster = csv([HEADER, ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', '', person, 'Nam', 1990, phone, 'Thành viên', '']]);
    const report = await importRoster(database.db, { name: 'to.csv', data: roster }, { scope: ALL, commit: true, maxBytes: 20 * MB });
    expect(report.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 0 });
    const rows = await queryRows<{ joinedOn: string; createdAt: string }>(
      database.db,
      sql`select tm.joined_on::text as "joinedOn", (t.created_at at time zone 'Asia/Ho_Chi_Minh')::date::text as "createdAt"
            from team_members tm join members m on m.id = tm.member_id join teams t on t.id = tm.team_id where m.full_name = ${person}`,
    );
    expect(rows).toEqual([{ joinedOn: '2026-03-10', createdAt: '2026-03-10' }]);
  });

  it('"today" of the registry rules, the audit entry, the support report and the field context is 10/03/2026', async () => {
    clock.set(instant);
    const suffix = instant.slice(11, 13);
    const today = await officer.post('/api/teams', { level: 'commune', unit: '03664', name: `Tổ hôm nay ${suffix}`, establishedOn: '2026-03-10' });
    expect(today.statusCode).toBe(201);
    const tomorrow = await officer.post('/api/teams', { level: 'commune', unit: '03664', name: `Tổ ngày mai ${suffix}`, establishedOn: '2026-03-11' });
    expect([tomorrow.statusCode, tomorrow.json().error.message]).toEqual([400, 'Ngày thành lập 11/03/2026 ở tương lai: hãy chọn một ngày đến hôm nay (10/03/2026).']);

    const [entry] = await queryRows<{ at: string; day: string }>(
      database.db,
      sql`select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, (at at time zone 'Asia/Ho_Chi_Minh')::date::text as day
            from audit_log where entity = 'team' and entity_id = ${String(today.json().id)} order by id`,
    );
    expect(entry).toEqual({ at: instant, day: '2026-03-10' });
    const history = (await officer.get(`/api/teams/${today.json().id}/history`)).json();
    expect(history.history.map((l: { at: string; day: string }) => [l.at, l.day])).toEqual([[instant, '10/03/2026']]);

    const report = (await officer.get('/api/reports/support?unit=03664&period=day')).json();
    expect([report.period.from, report.period.to, report.period.bucket]).toEqual(['2026-03-10', '2026-03-10', 'day']);
    const month = (await officer.get('/api/reports/support?unit=03664')).json();
    expect([month.period.from, month.period.to]).toEqual(['2026-03-01', '2026-03-31']);

    const context = (await officer.get('/api/field/context')).json();
    expect(context.today).toBe('2026-03-10');
  });
});
