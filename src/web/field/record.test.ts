import { describe, expect, it } from 'vitest';
import { syncRecordSchema } from '../../sessions/sessions.sync.js';
import { buildRecord, byRecent, CENTRE, commonKind, emptyForm, emptyPrefs, type FormState, formFromRecord, outcomeOrder, remember, updatePrefs, withDayOrder } from './record.js';
import { fromVn, vnDateTime, vnIso, vnLabel } from '../shared/time.js';

const ID = '0b7f3a52-1c1e-4f3e-9d9a-5a3c2b1d0e9f';
// 29/11/2026 23:50 in Vietnam = 16:50 UTC
const NOW = new Date('2026-11-29T16:50:00Z');

function form(over: Partial<FormState> = {}): FormState {
  return { ...emptyForm({ teamId: 12, memberIds: [5], place: '', kind: 'home' }), services: [{ code: 'vneid', outcome: 'eid_level2' }], ...over };
}

describe('Vietnam time', () => {
  it('reads and writes UTC+7 whatever the machine zone', () => {
    expect(vnDateTime(NOW)).toEqual({ date: '2026-11-29', time: '23:50' });
    expect(vnDateTime(new Date('2026-11-29T17:00:00Z'))).toEqual({ date: '2026-11-30', time: '00:00' });
    expect(vnIso(NOW)).toBe('2026-11-29T23:50:00+07:00');
    expect(fromVn('2026-11-30', '00:00')!.toISOString()).toBe('2026-11-29T17:00:00.000Z');
    expect(fromVn('2026-02-30', '08:00')).toBeNull();
    expect(fromVn('2026-11-29', '8:00')).toBeNull();
    expect(vnLabel('2026-11-29T01:05:00Z')).toBe('08:05 29/11/2026');
  });
});

describe('buildRecord', () => {
  it('builds a one-to-one record at "now" that the server schema accepts', () => {
    const r = buildRecord(form({ place: '03664.001' }), ID, NOW);
    expect(r).toEqual({
      ok: true,
      record: {
        id: ID,
        teamId: 12,
        memberIds: [5],
        occurredAt: '2026-11-29T23:50:00+07:00',
        deviceSavedAt: '2026-11-29T23:50:00+07:00',
        kind: 'home',
        villageCode: '03664.001',
        services: [{ code: 'vneid', outcome: 'eid_level2' }],
      },
    });
    expect(syncRecordSchema.safeParse(r.ok && r.record).success).toBe(true);
  });

  it('builds a group record at the service centre with a typed time and a head count', () => {
    const r = buildRecord(form({ kind: 'group', residentsCount: ' 25 ', place: CENTRE, when: { date: '28/11/2026', time: '14:05' }, memberIds: [5, 6, 5] }), ID, NOW);
    expect(r.ok && r.record).toMatchObject({ kind: 'group', residentsCount: 25, atServiceCentre: true, occurredAt: '2026-11-28T14:05:00+07:00', memberIds: [5, 6] });
    expect(r.ok && 'resident' in r.record).toBe(false);
    expect(syncRecordSchema.safeParse(r.ok && r.record).success).toBe(true);
  });

  it('keeps a resident’s name and phone only with consent', () => {
    const resident = { fullName: '  Lò  Thị Ánh ', birthYear: '1962', gender: 'female' as const, ethnicity: '03', phone: '0912 345 678', consent: false };
    expect(buildRecord(form({ resident }), ID, NOW)).toEqual({ ok: false, field: 'consent', message: expect.stringContaining('Người dân đồng ý') });
    const r = buildRecord(form({ resident: { ...resident, consent: true } }), ID, NOW);
    expect(r.ok && r.record.resident).toEqual({ fullName: 'Lò Thị Ánh', birthYear: 1962, gender: 'female', ethnicity: '03', phone: '0912 345 678', consent: true });
    // birth year, gender and ethnicity need no consent
    const anonymous = buildRecord(form({ resident: { ...resident, fullName: '', phone: '' } }), ID, NOW);
    expect(anonymous.ok && anonymous.record.resident).toEqual({ birthYear: 1962, gender: 'female', ethnicity: '03' });
  });

  it('refuses what the server would refuse, with the field and a Vietnamese message', () => {
    const fails = (f: Partial<FormState>) => {
      const r = buildRecord(form(f), ID, NOW);
      return r.ok ? null : r.field;
    };
    expect(fails({ teamId: null })).toBe('team');
    expect(fails({ memberIds: [] })).toBe('members');
    expect(fails({ services: [] })).toBe('services');
    expect(fails({ when: { date: '30/11/2026', time: '00:01' } })).toBe('when'); // 11 minutes ahead
    expect(fails({ when: { date: '30/11/2026', time: '00:00' } })).toBeNull(); // 10 minutes ahead: tolerated
    expect(fails({ when: { date: '01/13/2026', time: '08:00' } })).toBe('date'); // mm/dd is no Vietnamese date
    expect(fails({ when: { date: '2026-11-28', time: '08:00' } })).toBe('date');
    expect(fails({ when: { date: '', time: '08:00' } })).toBe('date');
    expect(fails({ when: { date: '28/11/2026', time: '8:00 PM' } })).toBe('time');
    expect(fails({ when: { date: '28/11/2026', time: '24:00' } })).toBe('time');
    expect(fails({ when: { date: '28112026', time: '0930' } })).toBeNull(); // typed on a keypad without "/" and ":"
    expect(buildRecord(form({ when: { date: '1/13/2026', time: '08:00' } }), ID, NOW)).toEqual({ ok: false, field: 'date', message: 'Ngày chưa đúng: nhập ngày/tháng/năm, ví dụ 29/11/2026.' });
    expect(fails({ kind: 'group', residentsCount: '' })).toBe('residentsCount');
    expect(fails({ kind: 'group', residentsCount: '2001' })).toBe('residentsCount');
    expect(fails({ kind: 'group', residentsCount: '2.5' })).toBe('residentsCount');
    expect(fails({ resident: { fullName: '', birthYear: '2027', gender: '', ethnicity: '', phone: '', consent: false } })).toBe('birthYear');
    expect(fails({ resident: { fullName: '', birthYear: '', gender: '', ethnicity: '', phone: '091234', consent: true } })).toBe('phone');
    expect(fails({ note: 'x'.repeat(501) })).toBe('note');
  });

  it('round-trips through formFromRecord (editing a refused record)', () => {
    const original = form({ kind: 'help_desk', place: CENTRE, when: { date: '20/11/2026', time: '09:15' }, note: 'Bà con ở bản Hụm', resident: { fullName: 'Cầm Văn Xôm', birthYear: '1980', gender: 'male', ethnicity: '03', phone: '0987654321', consent: true } });
    const r = buildRecord(original, ID, NOW);
    if (!r.ok) throw new Error(r.message);
    const back = formFromRecord(r.record);
    expect(back).toEqual(original);
    expect(buildRecord(back, ID, NOW)).toEqual(r);
  });
});

describe('recent choices', () => {
  it('puts recently used items first, the rest in catalogue order', () => {
    const services = ['vneid', 'vssid', 'public_services', 'cashless', 'zalo'].map((code) => ({ code }));
    expect(byRecent(services, (s) => s.code, ['zalo', 'vssid']).map((s) => s.code)).toEqual(['zalo', 'vssid', 'vneid', 'public_services', 'cashless']);
    expect(remember(['a', 'b', 'c'], ['c', 'd'], 4)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('remembers services, their outcomes, the place, the kind and the team of the last save', () => {
    const r = buildRecord(form({ services: [{ code: 'zalo', outcome: 'installed' }], place: CENTRE, kind: 'help_desk' }), ID, NOW);
    if (!r.ok) throw new Error(r.message);
    const p = updatePrefs({ ...emptyPrefs(), services: ['vneid', 'zalo'], outcomes: { vneid: 'eid_level2' }, places: ['03664.001'] }, r.record);
    expect(p).toEqual({ services: ['zalo', 'vneid'], outcomes: { vneid: 'eid_level2', zalo: 'installed' }, places: [CENTRE, '03664.001'], kind: 'help_desk', teamId: 12, kinds: { help_desk: 1 } });
  });

  it('starts a form with the most common kind, not the last one (home when tied or new)', () => {
    expect(commonKind(emptyPrefs())).toBe('home');
    expect(commonKind({ ...emptyPrefs(), kind: 'group', kinds: { home: 3, group: 1 } })).toBe('home');
    expect(commonKind({ ...emptyPrefs(), kind: 'home', kinds: { home: 2, group: 2, help_desk: 5 } })).toBe('help_desk');
    expect(commonKind({ ...emptyPrefs(), kinds: { home: 2, group: 2 } })).toBe('home');
  });

  it('keeps one service order per day: a save changes the recent list, not the buttons, until the next day', () => {
    const day1 = withDayOrder({ ...emptyPrefs(), services: ['vneid', 'zalo'] }, '2026-11-29');
    expect(day1.order).toEqual({ day: '2026-11-29', codes: ['vneid', 'zalo'] });
    const r = buildRecord(form({ services: [{ code: 'vssid', outcome: 'installed' }] }), ID, NOW);
    if (!r.ok) throw new Error(r.message);
    const saved = updatePrefs(day1, r.record);
    expect(saved.services).toEqual(['vssid', 'vneid', 'zalo']);
    expect(withDayOrder(saved, '2026-11-29').order).toEqual({ day: '2026-11-29', codes: ['vneid', 'zalo'] });
    expect(withDayOrder(saved, '2026-11-30').order).toEqual({ day: '2026-11-30', codes: ['vssid', 'vneid', 'zalo'] });
  });

  it("orders a service's outcome buttons by the last choice only (it is not chosen)", () => {
    const all = ['informed', 'installed', 'account_created', 'eid_level2', 'submitted_online', 'payment_made'];
    const p = { ...emptyPrefs(), outcomes: { vneid: 'eid_level2' } };
    expect(outcomeOrder(p, 'vneid', all)).toEqual(['eid_level2', 'informed', 'installed', 'account_created', 'submitted_online', 'payment_made']);
    expect(outcomeOrder(p, 'zalo', all)).toEqual(all);
  });

  it('measures the note as people see it: 500 NFD characters pass, 501 do not; invisible characters do not count', () => {
    const nfd = 'ế'.normalize('NFD');
    const ok = buildRecord(form({ note: nfd.repeat(500) + '\u200b' }), ID, NOW);
    expect(ok.ok && ok.record.note).toBe('ế'.repeat(500));
    const long = buildRecord(form({ note: nfd.repeat(501) }), ID, NOW);
    expect(long).toEqual({ ok: false, field: 'note', message: 'Ghi chú dài quá 500 ký tự.' });
  });
});
