import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionsRegistry } from '../../test/sessions.js';
import { TEST_SECRETS, testDatabase } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { freeText } from '../http/zod.js';
import { DataProtector } from '../privacy/protector.js';
import { setupBody } from '../access/auth.contract.js';
import { leaveBody } from '../registry/registry.contract.js';
import { syncSessions } from '../sessions/sessions.sync.js';

/**
 * Issue 13, item 5: free text is NFC, trimmed of spaces and invisible characters, and counted in
 * grapheme clusters, by one schema (http/zod.ts freeText) on the registry's bodies, the office forms
 * (which check with those bodies) and the sync's note.
 */
const TOT = 'Tốt👍';
const nfd = (s: string) => s.normalize('NFD');

describe('freeText', () => {
  const note = freeText(5, 'Ghi chú');
  it('counts what people see: "Tốt👍" is 4, typed NFC or NFD; stored NFC and trimmed of invisible ends', () => {
    expect(note.parse(TOT)).toBe(TOT);
    expect(note.parse(nfd(TOT))).toBe(TOT);
    expect(nfd(TOT).length).toBe(7);
    expect(freeText(4, 'Ghi chú').parse(`\u200b ${nfd(TOT)} \ufeff\u00ad`)).toBe(TOT);
    expect(note.parse(`${TOT}🇻🇳`)).toBe(`${TOT}🇻🇳`);
  });
  it('refuses one character too many, saying how many', () => {
    const r = freeText(3, 'Ghi chú').safeParse(nfd(TOT));
    expect(r.success ? null : r.error.issues.map((i) => i.message)).toEqual(['Ghi chú dài 4 ký tự, tối đa 3; hãy rút gọn.']);
  });
  it('inside the text: refused by default (office), removed for the phone’s notes; control characters refused in both', () => {
    const office = freeText(50, 'Ghi chú').safeParse('Ghi\u200bchú');
    expect(office.success ? null : office.error.issues.map((i) => i.message)).toEqual(['Ghi chú có ký tự điều khiển hoặc ký tự ẩn (đảo chiều chữ, ký tự rỗng); hãy gõ lại phần chữ này.']);
    expect(freeText(50, 'Ghi chú', { hidden: 'remove' }).parse('Ghi\u200bchú\nhai dòng')).toBe('Ghichú\nhai dòng');
    expect(freeText(50, 'Ghi chú', { hidden: 'remove' }).safeParse('Ghi\u0007chú').success).toBe(false);
    expect(freeText(50, 'Ghi chú', { oneLine: true }).parse(' Ghi \n  chú ')).toBe('Ghi chú');
    // a phone's note may end with an emoji built of joiners or tag characters: kept whole and counted once
    const scotland = '🏴\udb40\udc67\udb40\udc62\udb40\udc73\udb40\udc63\udb40\udc74\udb40\udc7f';
    expect(freeText(5, 'Ghi chú', { hidden: 'remove' }).parse(`Tốt ${scotland}`)).toBe(`Tốt ${scotland}`);
    expect(freeText(5, 'Ghi chú', { hidden: 'remove' }).parse('Gia 👨\u200d👩\u200d👧')).toBe('Gia 👨\u200d👩\u200d👧');
  });
  it('the registry’s leave note: 500 characters typed NFD are accepted, 501 refused', () => {
    const body = (n: number) => ({ version: 1, on: '2026-06-01', reason: 'other', note: nfd('ế'.repeat(n)) });
    expect(leaveBody.parse(body(500)).note).toBe('ế'.repeat(500));
    expect(leaveBody.safeParse(body(501)).success).toBe(false);
  });
  it('an account’s name: NFC, trimmed of invisible ends, 100 characters typed NFD accepted', () => {
    const setup = (fullName: string) => setupBody.safeParse({ fullName, username: 'lo.van.tot', password: 'mat-khau-dai-du' });
    const ok = setup(`\u200b ${nfd('Lò Văn Tốt')} `);
    expect(ok.success ? ok.data.fullName : null).toBe('Lò Văn Tốt');
    expect(setup(nfd('ế'.repeat(100))).success).toBe(true);
    expect(setup(nfd('ế'.repeat(101))).success).toBe(false);
  });
});

describe('the sync’s note (storage)', () => {
  let database: Database;
  let team: { chiengAn: number; tieuKhu6: number };
  let member: Record<string, number>;
  const protector = new DataProtector(TEST_SECRETS);
  beforeAll(async () => {
    database = await testDatabase();
    ({ team, member } = await sessionsRegistry(database.db));
  });
  afterAll(() => database.close());

  it('accepts a 500-character note typed NFD and stores it NFC; refuses 501 with the count', async () => {
    const rec = (id: string, note: string) => ({ id, teamId: team.chiengAn, memberIds: [member['Hà Thị Hiền']], occurredAt: '2026-11-10T09:00:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'informed' }], note });
    const five = nfd('Tốt👍 ');
    const n500 = `\u200b${five.repeat(100).trim()}ế\u200b`; // 5 × 100 − 1 trailing space + 1 = 500 characters, 1,200 code units
    const n501 = `${five.repeat(100).trim()}ếế`;
    const results = await syncSessions(database.db, protector, [rec('00000000-0000-4000-8000-000000000501', n500), rec('00000000-0000-4000-8000-000000000502', n501)], { userId: null, scope: ALL }, new Date('2026-11-29T12:00:00+07:00'));
    expect(results.map((r) => [r.status, 'reason' in r ? r.reason : ''])).toEqual([
      ['accepted', ''],
      ['rejected', expect.stringContaining('Ghi chú dài 501 ký tự, tối đa 500')],
    ]);
    const [stored] = await queryRows<{ note: string }>(database.db, sql`select note from support_sessions where id = '00000000-0000-4000-8000-000000000501'`);
    expect(stored.note).toBe(`${'Tốt👍 '.repeat(100).trim()}ế`);
    expect(stored.note === stored.note.normalize('NFC')).toBe(true);
  });
});
