import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/auth.js';
import { sessionIds, sessionsRegistry } from '../../test/sessions.js';
import { testApp, testDatabase, TEST_SECRETS, type TestAppInstance } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { DataProtector } from '../privacy/protector.js';
import { syncSessions, type SyncRecord } from '../sessions/sessions.sync.js';

/**
 * One person, one resident (issue 13 item 4), on both databases: sync and every other insert are
 * held by the unique keyed hashes of phone and CCCD (migration 0013).
 */
let database: Database;
let app: TestAppInstance;
const protector = new DataProtector(TEST_SECRETS);
const NOW = new Date('2026-11-29T12:00:00+07:00');
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
const uuid = sessionIds();
const rec = (resident: Record<string, unknown>, over: Record<string, unknown> = {}): SyncRecord =>
  ({ id: uuid(), teamId: team.chiengAn, memberIds: [member['Hà Thị Hiền']], occurredAt: '2026-11-10T09:00:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'eid_level2' }], resident: { consent: true, ...resident }, ...over }) as SyncRecord;
const sync = (records: unknown[]) => syncSessions(database.db, protector, records, { userId: null, scope: ALL }, NOW);
const residentsRows = () => queryRows<{ id: number; phone_hash: string | null; national_id_hash: string | null }>(database.db, sql`select id, phone_hash, national_id_hash from residents order by id`);
const sessionResidents = () => queryRows<{ resident_id: number | null }>(database.db, sql`select resident_id from support_sessions order by occurred_at, id`);

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database);
  ({ team, member } = await sessionsRegistry(database.db));
});
afterAll(async () => {
  await app.close();
  await database.close();
});
beforeEach(async () => {
  await database.db.execute(sql`delete from support_sessions`);
  await database.db.execute(sql`delete from residents`);
});

describe('residents counted once', () => {
  it('the same phone in two syncs, written differently, is one resident', async () => {
    const a = await sync([rec({ phone: '0912 345 678' })]);
    const b = await sync([rec({ phone: '+84912345678' }, { occurredAt: '2026-11-11T09:00:00+07:00' })]);
    expect([a[0].status, b[0].status]).toEqual(['accepted', 'accepted']);
    const rows = await residentsRows();
    expect(rows.length).toBe(1);
    expect(rows[0].phone_hash).toBe(protector.hash('+84912345678'));
    expect(await sessionResidents()).toEqual([{ resident_id: rows[0].id }, { resident_id: rows[0].id }]);
  });

  it('the same CCCD three times (one batch and a later one) is one resident', async () => {
    await sync([rec({ nationalId: '014190000123' }), rec({ nationalId: '014 190 000 123' })]);
    await sync([rec({ nationalId: '014190000123' })]);
    const rows = await residentsRows();
    expect(rows.length).toBe(1);
    expect(rows[0].national_id_hash).toBe(protector.hash('014190000123'));
    expect((await sessionResidents()).map((s) => s.resident_id)).toEqual([rows[0].id, rows[0].id, rows[0].id]);
  });

  it('two concurrent syncs of the same person make one resident and both batches succeed', async () => {
    const [a, b] = await Promise.all([sync([rec({ phone: '0912000111', nationalId: '014190000555' })]), sync([rec({ phone: '0912000111', nationalId: '014190000555' })])]);
    expect([a[0].status, b[0].status]).toEqual(['accepted', 'accepted']);
    const rows = await residentsRows();
    expect(rows.length).toBe(1);
    expect((await sessionResidents()).map((s) => s.resident_id)).toEqual([rows[0].id, rows[0].id]);
  });

  it('an ID wins over a phone held by another resident; a first ID is added to the phone’s resident', async () => {
    await sync([rec({ phone: '0912000222' })]); // resident A: phone only
    await sync([rec({ phone: '0912000222', nationalId: '014190000777' })]); // A gives the ID
    let rows = await residentsRows();
    expect(rows.length).toBe(1);
    expect(rows[0].national_id_hash).toBe(protector.hash('014190000777'));
    await sync([rec({ phone: '0912000222', nationalId: '014190000888' })]); // a family member with A's phone
    rows = await residentsRows();
    expect(rows.length).toBe(2);
    expect([rows[1].phone_hash, rows[1].national_id_hash]).toEqual([null, protector.hash('014190000888')]);
    expect((await sessionResidents()).map((s) => s.resident_id)).toEqual([rows[0].id, rows[0].id, rows[1].id]);
  });

  it('the unique indexes hold an insert that bypasses the code', async () => {
    await sync([rec({ phone: '0912000333', nationalId: '014190000999' })]);
    const h = protector.hash('+84912000333');
    const violation = (q: Promise<unknown>) => q.then(() => 'inserted', (e: { cause?: { code?: string; constraint?: string; message?: string } }) => [e.cause?.code, e.cause?.constraint ?? e.cause?.message?.match(/residents_\w+_key/)?.[0]]);
    expect(await violation(database.db.execute(sql`insert into residents (commune_id, phone_hash) select commune_id, ${h} from residents limit 1`))).toEqual(['23505', 'residents_phone_hash_key']);
    expect(await violation(database.db.execute(sql`insert into residents (commune_id, national_id_hash) select commune_id, ${protector.hash('014190000999')} from residents limit 1`))).toEqual(['23505', 'residents_national_id_hash_key']);
    expect((await residentsRows()).length).toBe(1);
  });

  it('the residents route and sync share the rule: same phone or ID gives back the same resident', async () => {
    const officer = await signedInClient(app, database.db, { username: 'canbo.residents', role: 'commune_officer', unit: '03664' });
    const consent = { purpose: 'Hỗ trợ kích hoạt VNeID mức 2' };
    const a = await officer.post('/api/residents', { unit: '03664', fullName: 'Lò Văn Pọm', phone: '0912 444 555', consent });
    const b = await officer.post('/api/residents', { unit: '03664', phone: '+84912444555', nationalId: '014160000321', consent });
    await sync([rec({ nationalId: '014160000321' })]);
    const rows = await residentsRows();
    expect([a.statusCode, b.statusCode, a.json().id, b.json().id]).toEqual([200, 200, rows[0].id, rows[0].id]);
    expect(rows.map((r) => [r.phone_hash, r.national_id_hash])).toEqual([[protector.hash('+84912444555'), protector.hash('014160000321')]]);
    expect((await sessionResidents()).map((s) => s.resident_id)).toEqual([rows[0].id]);
  });

  it('the route says whether it created or found the resident, and gives another commune’s resident no id', async () => {
    const consent = { purpose: 'Hỗ trợ kích hoạt VNeID mức 2' };
    const here = await signedInClient(app, database.db, { username: 'canbo.here', role: 'commune_officer', unit: '03664' });
    const there = await signedInClient(app, database.db, { username: 'canbo.there', role: 'commune_officer', unit: '04105' });
    const first = (await here.post('/api/residents', { unit: '03664', fullName: 'Lò Thị Ún', phone: '0912 777 888', consent })).json();
    const again = (await here.post('/api/residents', { unit: '03664', phone: '+84912777888', consent })).json();
    const away = await there.post('/api/residents', { unit: '04105', fullName: 'Tên khác', phone: '0912777888', consent });
    const rows = await residentsRows();
    expect([first, again, away.statusCode, away.json()]).toEqual([{ id: rows[0].id, created: true }, { id: rows[0].id, created: false }, 200, { id: null, created: false }]);
    // one resident, kept where first recorded; the other commune's name was not written over it
    expect(rows.length).toBe(1);
    const audit = await queryRows<{ action: string; commune: string }>(
      database.db,
      sql`select a.action, u.code as commune from audit_log a join admin_units u on u.id = a.commune_id where a.entity = 'resident' and a.entity_id = ${String(rows[0].id)} order by a.id`,
    );
    expect(audit).toEqual([
      { action: 'resident.created', commune: '03664' },
      { action: 'resident.matched', commune: '03664' },
      { action: 'resident.matched', commune: '03664' },
    ]);
  });

  it('a CCCD that lost its leading zeros is refused with the suggestion, and kept once confirmed', async () => {
    const [r] = await sync([rec({ nationalId: '14190000123' })]);
    expect(r).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(r)).toContain('014190000123');
    expect((await residentsRows()).length).toBe(0);
    const [ok] = await sync([rec({ nationalId: '014190000123' })]);
    expect(ok.status).toBe('accepted');
    expect((await residentsRows()).length).toBe(1);
  });

  it('migration 0013 merges existing duplicates before making the hashes unique, keeping sessions', async () => {
    await sync([
      rec({ phone: '0912000001' }),
      rec({ phone: '0912000002' }),
      rec({ nationalId: '014190000001' }),
      rec({ nationalId: '014190000002', phone: '0912000004' }),
      rec({ nationalId: '014190000005', phone: '0912000005' }),
    ]);
    const before = await residentsRows();
    const [r1, r2, r3, r4, r5] = before.map((r) => r.id);
    await database.db.execute(sql`drop index residents_phone_hash_key`);
    await database.db.execute(sql`drop index residents_national_id_hash_key`);
    const p1 = before[0].phone_hash!;
    await database.db.execute(sql`update residents set phone_hash = ${p1} where id in (${r2}, ${r5})`); // r2: same phone; r5: a family member with its own ID
    await database.db.execute(sql`update residents set national_id_hash = ${before[2].national_id_hash} where id = ${r4}`); // r4: same ID as r3
    const migration = readFileSync(new URL('../db/migrations/0013_residents_unique_identity.sql', import.meta.url), 'utf8');
    for (const statement of migration.split('--> statement-breakpoint')) await database.db.execute(sql.raw(statement));
    const after = await residentsRows();
    expect(after).toEqual([
      { id: r1, phone_hash: p1, national_id_hash: null },
      { id: r3, phone_hash: protector.hash('+84912000004'), national_id_hash: protector.hash('014190000001') },
      { id: r5, phone_hash: null, national_id_hash: protector.hash('014190000005') },
    ]);
    expect((await sessionResidents()).map((x) => x.resident_id)).toEqual([r1, r1, r3, r3, r5]);
    const indexes = await queryRows<{ indexname: string }>(database.db, sql`select indexname from pg_indexes where tablename = 'residents' and indexname like '%hash%' order by indexname`);
    expect(indexes.map((i) => i.indexname)).toEqual(['residents_national_id_hash_key', 'residents_phone_hash_key']);
  });
});

describe('one person, one key in the counts', () => {
  it('a person seen with phone and CCCD, then with the CCCD only, then with the phone written another way is one key of the rollups', async () => {
    const results = await sync([
      rec({ phone: '0912 777 001', nationalId: '014190004321' }),
      rec({ nationalId: '014190004321' }, { occurredAt: '2026-11-11T09:00:00+07:00' }),
      rec({ phone: '+84912777001' }, { occurredAt: '2026-11-12T09:00:00+07:00' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const keys = await queryRows<{ people: number; keyed: number; residents: number }>(
      database.db,
      sql`select count(distinct resident_key)::int as people, count(resident_key)::int as keyed, count(distinct resident_id)::int as residents from support_sessions`,
    );
    expect(keys[0]).toEqual({ people: 1, keyed: 3, residents: 1 });
  });
});

