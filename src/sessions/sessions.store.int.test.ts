import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIds, sessionsRegistry } from '../../test/sessions.js';
import { testDatabase, TEST_SECRETS } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { DataProtector } from '../privacy/protector.js';
import { compareAllRollups } from './sessions.rollup.js';
import { groupCommitStats } from './sessions.store.js';
import { syncSessions, type SyncRecord, type SyncResult } from './sessions.sync.js';

/**
 * Group commit of syncs (sessions.store.ts): many small requests at once, as 200 phones send them,
 * are written in shared transactions; each record still counts exactly once, a record sent in two
 * requests at once is accepted in one and a duplicate in the other, one resident per phone, and
 * every rollup equals its rebuild. Registry: test/sessions.ts (Chiềng An's commune team, Tiểu khu 6's village team).
 */
let database: Database;
const protector = new DataProtector(TEST_SECRETS);
const NOW = new Date('2026-11-29T12:00:00+07:00');
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
const uuid = sessionIds();

beforeAll(async () => {
  database = await testDatabase();
  ({ team, member } = await sessionsRegistry(database.db));
});
afterAll(async () => {
  await database.close();
});

describe('group commit of concurrent syncs', () => {
  it('counts each record once across 30 requests sent at once, with resends inside and across them', async () => {
    const records: SyncRecord[] = [];
    for (let i = 0; i < 60; i++) {
      const chiengAn = i % 3 !== 0;
      // days of November, hours across the whole Vietnamese day (00:30 and 06:59 included)
      const hour = [0, 6, 9, 13, 21, 23][i % 6];
      records.push({
        id: uuid(),
        teamId: chiengAn ? team.chiengAn : team.tieuKhu6,
        memberIds: chiengAn ? [member['Hà Thị Hiền'], ...(i % 4 === 0 ? [member['Lò Văn Bình']] : [])] : [member['Nguyễn Thị Hà']],
        occurredAt: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${hour === 6 ? '59' : '30'}:00+07:00`,
        kind: i % 5 === 0 ? 'group' : 'home',
        ...(i % 5 === 0 ? { residentsCount: 3 + (i % 7) } : {}),
        ...(i % 7 === 1 ? { resident: { phone: '0912 345 678', consent: true } } : {}),
        services: [{ code: 'vneid', outcome: i % 2 ? 'eid_level2' : 'installed' }, ...(i % 3 === 0 ? [{ code: 'vssid', outcome: 'informed' }] : [])],
      } as SyncRecord);
    }
    // 30 requests of 1–3 records; every 4th record also rides in the next request (a resend at once)
    const requests: SyncRecord[][] = [];
    for (let at = 0, n = 0; at < records.length; n++) {
      const size = 1 + (n % 3);
      const part = records.slice(at, at + size);
      if (n % 2 === 1 && at >= 4) part.push(records[at - 4]);
      requests.push(part);
      at += size;
    }
    const resent = requests.reduce((s, r) => s + r.length, 0) - records.length;
    expect(requests.length).toBe(30);
    expect(resent).toBe(14);

    expect(groupCommitStats(database.db)).toEqual({ groups: 0, jobs: 0 });
    const answers: SyncResult[][] = await Promise.all(requests.map((r) => syncSessions(database.db, protector, r, { userId: null, scope: ALL }, NOW)));
    const byId = new Map<string, string[]>();
    answers.flat().forEach((a) => byId.set(a.id!, [...(byId.get(a.id!) ?? []), a.status]));
    expect(byId.size).toBe(60);
    for (const [id, statuses] of byId) expect(statuses.filter((s) => s === 'accepted'), id).toEqual(['accepted']);
    expect(answers.flat().filter((a) => a.status === 'duplicate')).toHaveLength(14);
    expect(answers.flat().filter((a) => a.status === 'rejected')).toHaveLength(0);

    const [stored] = await queryRows<{ sessions: number; heads: number; residents: number; phoneResidents: number }>(
      database.db,
      sql`select (select count(*)::int from support_sessions) as sessions, (select sum(residents_count)::int from support_sessions) as heads,
                 (select count(distinct resident_id)::int from support_sessions where resident_id is not null) as residents,
                 (select count(*)::int from residents where phone_hash is not null) as "phoneResidents"`,
    );
    // 12 groups (i % 5 === 0) of 3 + (i % 7) residents; 48 one-to-one sessions
    const heads = records.reduce((s, r) => s + (r.residentsCount ?? 1), 0);
    expect(heads).toBe(48 + [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55].reduce((s, i) => s + 3 + (i % 7), 0));
    expect(stored).toEqual({ sessions: 60, heads, residents: 1, phoneResidents: 1 });
    const diff = await compareAllRollups(database.db);
    expect(diff).toEqual(Object.fromEntries(Object.keys(diff).map((t) => [t, 0])));
    expect(Object.keys(diff).length).toBeGreaterThanOrEqual(9);
    // they were written in shared transactions: fewer groups than requests
    const { groups, jobs } = groupCommitStats(database.db);
    expect(jobs).toBe(30);
    expect(groups).toBeLessThan(jobs);
  });

  it("keeps a session's members and services tied to its id (migration 0025): deleted with it, refused without it at commit", async () => {
    const [one] = await queryRows<{ id: string }>(database.db, sql`select s.id from support_sessions s where exists (select 1 from support_session_services v where v.session_id = s.id) order by s.id limit 1`);
    const children = () =>
      queryRows<{ members: number; services: number; ids: number }>(
        database.db,
        sql`select (select count(*)::int from support_session_members where session_id = ${one.id}) as members, (select count(*)::int from support_session_services where session_id = ${one.id}) as services,
                   (select count(*)::int from support_session_ids where id = ${one.id}) as ids`,
      );
    const [before] = await children();
    expect(before.ids).toBe(1);
    expect(before.members).toBeGreaterThanOrEqual(1);
    expect(before.services).toBeGreaterThanOrEqual(1);
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`delete from support_sessions where id = ${one.id}`);
    });
    expect((await children())[0]).toEqual({ members: 0, services: 0, ids: 0 });
    // a member row for a session that does not exist: the deferred check refuses it when the transaction commits
    const orphan = database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into support_session_members (session_id, member_id, day) values ('00000000-0000-4000-8000-00000000ffff', ${member['Hà Thị Hiền']}, '2026-11-02')`);
    });
    await expect(orphan).rejects.toThrow();
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from support_session_members where session_id = '00000000-0000-4000-8000-00000000ffff'`);
    expect(n).toBe(0);
  });
});
