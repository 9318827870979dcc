import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { TEST_SECRETS, type TestAppInstance, withTestApp } from '../../test/db.js';
import { type Database, queryRows } from '../db/client.js';
import { DataProtector } from '../privacy/protector.js';
import { retireKeys, withNewDataKey } from '../privacy/secrets.js';
import { eraseResidents, exportResidents, reencryptResidents } from './residents.service.js';

let database: Database;
let app: TestAppInstance;
let officer: TestClient;
const protector = new DataProtector(TEST_SECRETS);
const CONSOLE = { userId: null, ip: 'cli' };

withTestApp(async (t) => {
  ({ database, app } = t);
  officer = await signedInClient(app, database.db, { username: 'canbo.xa', role: 'commune_officer', unit: '03664' });
});

describe('residents’ personal data', () => {
  it('needs consent to keep a phone or ID number', async () => {
    const res = await officer.post('/api/residents', { unit: '03664', fullName: 'Nguyễn Thị Hà', phone: '0912345678' });
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'CONSENT_REQUIRED']);
    const badId = await officer.post('/api/residents', { unit: '03664', nationalId: '01415800A234', consent: { purpose: 'Hỗ trợ kích hoạt VNeID' } });
    expect([badId.statusCode, badId.json().error.message]).toEqual([400, 'Số căn cước chỉ gồm chữ số; "A" không phải chữ số. Hãy nhập đúng 12 chữ số in trên thẻ.']);
    // lost leading zero: refused with the suggestion, never repaired silently; the client confirms by sending 12 digits
    const short = await officer.post('/api/residents', { unit: '03664', nationalId: '14158001234', consent: { purpose: 'Hỗ trợ kích hoạt VNeID' } });
    expect([short.statusCode, short.json().error.details]).toEqual([400, { suggestion: '014158001234' }]);
    expect(short.json().error.message).toContain('hãy xác nhận số 014158001234');
  });

  it('stores numbers encrypted: a raw dump shows no phone or ID number', async () => {
    const res = await officer.post('/api/residents', { unit: '03664', fullName: 'Nguyễn Thị Hà', birthYear: 1958, gender: 'female', phone: '0912 345 678', nationalId: '014158001234', consent: { purpose: 'Hỗ trợ kích hoạt VNeID mức 2' } });
    expect(res.statusCode).toBe(200);
    const dump = JSON.stringify(await queryRows(database.db, sql`select * from residents`)) + JSON.stringify(await queryRows(database.db, sql`select * from audit_log`));
    for (const needle of ['912345678', '0912345678', '+84912345678', '014158001234', '158001234']) expect(dump).not.toContain(needle);
    const [row] = await queryRows<{ phone_enc: string; phone_hash: string }>(database.db, sql`select phone_enc, phone_hash from residents`);
    expect(row.phone_enc).toMatch(/^v1\.k1\./);
    expect(protector.decrypt(row.phone_enc)).toBe('+84912345678');
    expect(row.phone_hash).toBe(protector.hash('+84912345678'));
  });

  it('shows numbers masked, and in full only with a purpose that is logged', async () => {
    const masked = (await officer.get('/api/residents?commune=03664')).json().residents;
    expect(masked).toEqual([{ id: 1, fullName: 'Nguyễn Thị Hà', gender: 'female', birthYear: 1958, phone: '09•••••678', nationalId: '•••••••••234', consent: { purpose: 'Hỗ trợ kích hoạt VNeID mức 2', at: expect.any(String) }, erased: false }]);
    expect((await officer.get('/api/residents?commune=03664&purpose=ng%E1%BA%AFn')).json().error.code).toBe('PURPOSE_REQUIRED');
    const purpose = 'Gọi lại để hẹn hướng dẫn VNeID';
    const full = (await officer.get(`/api/residents?commune=03664&purpose=${encodeURIComponent(purpose)}`)).json().residents;
    expect([full[0].phone, full[0].nationalId]).toEqual(['+84912345678', '014158001234']);
    const log = (await officer.get('/api/audit?unit=03664')).json().entries;
    expect(log.find((e: { action: string }) => e.action === 'resident.revealed')).toMatchObject({ after: { purpose, count: 1 } });
    expect((await officer.get('/api/residents?commune=04105')).json().error.code).toBe('OUT_OF_SCOPE');
    expect((await officer.get('/api/residents?commune=14')).json().error.code).toBe('VALIDATION_FAILED');
  });

  it('rotates the data key: values are re-encrypted and still readable', async () => {
    const rotated = withNewDataKey(TEST_SECRETS);
    const next = new DataProtector(rotated);
    expect(await reencryptResidents(database.db, next)).toBe(2);
    const [row] = await queryRows<{ phone_enc: string }>(database.db, sql`select phone_enc from residents`);
    expect(row.phone_enc.split('.')[1]).toBe(rotated.currentKeyId);
    expect(new DataProtector(retireKeys(rotated)).decrypt(row.phone_enc)).toBe('+84912345678');
    expect(() => protector.decrypt(row.phone_enc)).toThrow(/không có khoá/);
    expect(await reencryptResidents(database.db, next)).toBe(0);
    // back to the app's key, which the following tests use
    expect(await reencryptResidents(database.db, new DataProtector({ ...rotated, currentKeyId: 'k1' }))).toBe(2);
  });

  it('exports a resident’s data on request and erases it, keeping the counts', async () => {
    const exported = await exportResidents(database.db, protector, { phone: '0912345678' }, CONSOLE);
    expect(exported).toMatchObject([{ fullName: 'Nguyễn Thị Hà', phone: '+84912345678', nationalId: '014158001234', birthYear: 1958 }]);
    expect(await eraseResidents(database.db, protector, { nationalId: '014158001234' }, CONSOLE)).toEqual([1]);
    const [row] = await queryRows<Record<string, unknown>>(database.db, sql`select full_name, phone_enc, phone_hash, national_id_enc, birth_year, gender, commune_id, erased_at from residents`);
    expect(row).toMatchObject({ full_name: null, phone_enc: null, phone_hash: null, national_id_enc: null, birth_year: 1958, gender: 'female' });
    expect(row.erased_at).not.toBeNull();
    await expect(exportResidents(database.db, protector, { phone: '0912345678' }, CONSOLE)).rejects.toMatchObject({ code: 'RESIDENT_NOT_FOUND' });
  });

});

describe('audit log', () => {
  it('is append-only, even for direct SQL', async () => {
    const failure = (q: Promise<unknown>) => q.then(() => 'accepted', (e: Error & { cause?: Error }) => (e.cause ?? e).message);
    expect(await failure(database.db.execute(sql`update audit_log set action = 'x'`))).toMatch(/audit_log is append-only \(UPDATE refused\)/);
    expect(await failure(database.db.execute(sql`delete from audit_log`))).toMatch(/audit_log is append-only \(DELETE refused\)/);
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log where action like 'resident.%'`);
    expect(n).toBe(4); // created, revealed, exported, erased
  });

  it('exports CSV per unit', async () => {
    const res = await officer.get('/api/audit?unit=03664&format=csv');
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.split(/\r?\n/);
    expect(lines[0]).toBe('\ufeffMã,Thời điểm (UTC),Người dùng,Địa chỉ IP,Hành động,Đối tượng,Mã đối tượng,Trước,Sau');
    expect(lines.filter((l) => l.includes('resident.revealed'))).toHaveLength(1);
  });
});

describe('numbers kept by earlier releases', () => {
  it('finds by its number a resident kept before the placeholder rule, for the owner’s request', async () => {
    // an old CMND confirmed as 000… and a placeholder, both accepted by earlier releases
    for (const id of ['000123456789', '000000000000']) {
      await database.db.execute(sql`insert into residents (commune_id, full_name, national_id_enc, national_id_hash)
        select id, ${'Người cũ ' + id}, ${protector.encrypt(id)}, ${protector.hash(id)} from admin_units where code = '03664' and valid_to is null`);
    }
    expect((await exportResidents(database.db, protector, { nationalId: '000 123 456 789' }, CONSOLE)).map((r) => r.nationalId)).toEqual(['000123456789']);
    expect((await exportResidents(database.db, protector, { nationalId: '000000000000' }, CONSOLE)).map((r) => r.fullName)).toEqual(['Người cũ 000000000000']);
    // a number that is not 12 digits still gets the rule's reason
    await expect(exportResidents(database.db, protector, { nationalId: '123456789' }, CONSOLE)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
