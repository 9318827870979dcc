import { sql } from 'drizzle-orm';
import { ALL } from '../access/access.policy.js';
import { type Db, queryRows } from '../db/client.js';
import type { DataProtector } from '../privacy/protector.js';
import { type SyncRecord, type SyncResult, syncSessions } from '../sessions/sessions.sync.js';
import { MAX_SYNC_BATCH, type Outcome, type SessionKind } from '../sessions/sessions.vocabulary.js';
import { now as clockNow } from '../text/clock.js';
import { todayInVietnam } from '../text/dates.js';
import { apportion, prng } from './demo.service.js';

/**
 * Generated support sessions for a registry made by the demo (or the benchmark): a year of
 * Sơn La's work is about 1,000,000 sessions (PRODUCT.md). The shape is meant to look like the
 * real thing, not to be uniform:
 * - days: weekdays busier than Saturdays, Sundays quieter; campaign peaks (March, youth month;
 *   20/9–10/10 before National Digital Transformation Day; 1–20/12, the year-end push for VNeID
 *   level 2), troughs over Tết and public holidays;
 * - teams: activity log-normal (a few teams do many times the median), commune-level teams
 *   busier, one team in twelve nearly dormant;
 * - kinds: mostly one-to-one at home, groups of 5–60, help desks (mostly commune teams at the
 *   commune public-service centre);
 * - 1–3 services each, VNeID the most common, the province's own app ("son_la_smart") next, with
 *   outcomes typical of each service (groups mostly "informed");
 * - ~30 % of sessions with a consenting resident's phone, drawn from a pool per commune so that
 *   about a quarter of those residents come back.
 * Everything comes from a seeded PRNG over the registry sorted by id, so a seed and a registry
 * always give the same sessions (ids included).
 */

export interface SessionRegistry {
  provinceCode: string;
  teams: { id: number; level: 'commune' | 'village'; communeId: number; memberIds: number[] }[];
  /** village codes of each commune (commune-level teams name the village they went to) */
  villages: Map<number, string[]>;
  /** service codes of the catalogue usable in the province (national and the province's own) */
  services: string[];
}

/** Reads the active teams of a province, their members, villages and services, sorted by id. */
export async function loadSessionRegistry(db: Db, provinceCode: string): Promise<SessionRegistry> {
  const [teams, members, villages, services] = await Promise.all([
    queryRows<{ id: number; level: 'commune' | 'village'; communeId: number }>(
      db,
      sql`select id, level, commune_id as "communeId" from teams where province_code = ${provinceCode} and status = 'active' order by id`,
    ),
    queryRows<{ teamId: number; memberId: number }>(
      db,
      sql`select tm.team_id as "teamId", tm.member_id as "memberId" from team_members tm join teams t on t.id = tm.team_id
           where t.province_code = ${provinceCode} and tm.left_on is null order by tm.team_id, tm.member_id`,
    ),
    queryRows<{ code: string; parentId: number }>(
      db,
      sql`select code, parent_id as "parentId" from admin_units where province_code = ${provinceCode} and level = 'village' and valid_to is null order by code`,
    ),
    queryRows<{ code: string }>(db, sql`select code from support_services where active and (province_code is null or province_code = ${provinceCode}) order by id`),
  ]);
  const byTeam = new Map<number, number[]>();
  for (const m of members) (byTeam.get(m.teamId) ?? byTeam.set(m.teamId, []).get(m.teamId)!).push(m.memberId);
  const byCommune = new Map<number, string[]>();
  for (const v of villages) (byCommune.get(v.parentId) ?? byCommune.set(v.parentId, []).get(v.parentId)!).push(v.code);
  return {
    provinceCode,
    teams: teams.filter((t) => byTeam.has(t.id)).map((t) => ({ ...t, memberIds: byTeam.get(t.id)! })),
    villages: byCommune,
    services: services.map((s) => s.code),
  };
}

/** Weighted choice over cumulative weights (binary search). */
function cumulative(weights: number[]) {
  const cum: number[] = [];
  let total = 0;
  for (const w of weights) cum.push((total += w));
  return (r: number) => {
    const x = r * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** Relative weight of each service (unknown codes, e.g. a new catalogue entry, get 3). */
const SERVICE_WEIGHTS: Record<string, number> = {
  vneid: 30, son_la_smart: 14, vssid: 10, public_services: 10, cashless: 9, zalo: 8, bills: 7, ehealth: 6, procedure_lookup: 4, digital_skills: 4, ecommerce: 2,
};
/** Outcome distribution per service (one-to-one sessions), as [outcome, probability]. */
const SERVICE_OUTCOMES: Record<string, [Outcome, number][]> = {
  vneid: [['informed', 0.12], ['installed', 0.18], ['account_created', 0.25], ['eid_level2', 0.45]],
  son_la_smart: [['informed', 0.2], ['installed', 0.35], ['account_created', 0.45]],
  vssid: [['informed', 0.2], ['installed', 0.35], ['account_created', 0.45]],
  public_services: [['informed', 0.35], ['submitted_online', 0.65]],
  cashless: [['informed', 0.25], ['installed', 0.25], ['account_created', 0.2], ['payment_made', 0.3]],
  bills: [['informed', 0.3], ['payment_made', 0.7]],
  zalo: [['informed', 0.2], ['installed', 0.4], ['account_created', 0.4]],
  ehealth: [['informed', 0.3], ['installed', 0.35], ['account_created', 0.35]],
  ecommerce: [['informed', 0.7], ['account_created', 0.3]],
};
/** Ethnic groups of Sơn La residents (GSO codes): Thái, Kinh, Hmông, Mường, Dao, Khơ-mú, Xinh-mun, La Ha, Kháng, Lào. */
const ETHNICITY: [string, number][] = [['03', 53], ['01', 15], ['08', 16], ['06', 8], ['09', 2.5], ['29', 2], ['34', 1], ['39', 0.5], ['33', 0.5], ['37', 0.5]];
const RESIDENT_FAMILY = ['Lò', 'Quàng', 'Cầm', 'Lường', 'Tòng', 'Vì', 'Hà', 'Điêu', 'Giàng', 'Sùng', 'Mùa', 'Thào', 'Nguyễn', 'Đinh', 'Bạc'];
const RESIDENT_GIVEN = { male: ['Văn Pọm', 'Văn Xương', 'A Chá', 'Văn Ún', 'Văn Hặc', 'Văn Tiến'], female: ['Thị Ỏn', 'Thị Pâng', 'Thị Dua', 'Thị Ánh', 'Thị Xuân', 'Mí Chua'] };
const NOTES = ['Bà cụ mắt kém, con cháu ở xa', 'Hẹn quay lại kích hoạt khi có căn cước gắn chip', 'Máy yếu, đã dọn bộ nhớ', 'Hỗ trợ qua loa phát thanh của bản'];

/** Lunar New Year's day (Tết) by year; the weeks around it are quiet. */
const TET: Record<number, string> = { 2024: '2024-02-10', 2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13', 2030: '2030-02-03' };
const dayMs = 86_400_000;

/** How busy a Vietnamese day is, relative to an ordinary weekday. */
export function dayWeight(day: string): number {
  const at = Date.parse(day + 'T00:00:00Z');
  const dow = new Date(at).getUTCDay();
  let w = dow === 0 ? 0.45 : dow === 6 ? 0.75 : 1;
  const md = day.slice(5);
  if (md.startsWith('03-')) w *= 1.5;
  if (md >= '09-20' && md <= '10-10') w *= 1.8;
  if (md >= '12-01' && md <= '12-20') w *= 1.4;
  if (['01-01', '04-30', '05-01', '09-02'].includes(md)) w *= 0.25;
  const tet = TET[Number(day.slice(0, 4))] ?? TET[Number(day.slice(0, 4)) + 1];
  if (tet) {
    const off = (at - Date.parse(tet + 'T00:00:00Z')) / dayMs;
    if (off >= -6 && off <= 8) w *= 0.15;
  }
  return w;
}

export interface GenerateOptions {
  seed: number;
  /** first and last Vietnamese day (inclusive) */
  from: string;
  to: string;
  /** sessions in the whole period (exactly) */
  count: number;
  /** share of sessions with a consenting resident's phone (default 0.3) */
  phoneShare?: number;
}

/** The days from `from` to `to`, inclusive (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from + 'T00:00:00Z'); t <= Date.parse(to + 'T00:00:00Z'); t += dayMs) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * Generates exactly `count` sessions of the registry's teams over the period, day by day (lazily:
 * a year of a province does not sit in memory), as the field app would send them. Deterministic
 * for a seed and a registry; see the module comment for the shape.
 */
export function* generateSessions(reg: SessionRegistry, opts: GenerateOptions): Generator<SyncRecord> {
  const rnd = prng(opts.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const phoneShare = opts.phoneShare ?? 0.3;
  const days = daysBetween(opts.from, opts.to);
  const perDay = apportion(opts.count, days.map(dayWeight));

  // team activity, and per commune the pool of residents who give their phone
  const teamWeight = reg.teams.map((t) => (rnd() < 1 / 12 ? 0.05 : Math.exp(1.0 * gauss())) * (t.level === 'commune' ? 1.6 : 1));
  const pickTeam = cumulative(teamWeight);
  const totalWeight = teamWeight.reduce((a, b) => a + b, 0);
  const communes = [...new Set(reg.teams.map((t) => t.communeId))].sort((a, b) => a - b);
  const communeIndex = new Map(communes.map((c, i) => [c, i]));
  const pool = new Map<number, number>();
  reg.teams.forEach((t, i) => pool.set(t.communeId, (pool.get(t.communeId) ?? 0) + teamWeight[i]));
  for (const [c, w] of pool) pool.set(c, Math.max(10, Math.ceil(0.8 * opts.count * (w / totalWeight) * phoneShare)));

  const services = reg.services;
  const serviceWeights = services.map((c) => SERVICE_WEIGHTS[c] ?? 3);
  const pickEthnicity = cumulative(ETHNICITY.map((e) => e[1]));
  const hex = () => (rnd() * 4294967296 >>> 0).toString(16).padStart(8, '0');
  const uuid = () => {
    const h = hex() + hex() + hex() + hex();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(rnd() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const pad2 = (n: number) => String(n).padStart(2, '0');
  const outcomeOf = (code: string, group: boolean): Outcome => {
    const dist = SERVICE_OUTCOMES[code];
    if (!dist || (group && rnd() < 0.85)) return 'informed';
    let r = rnd();
    for (const [o, p] of dist) if ((r -= p) < 0) return o;
    return dist[dist.length - 1][0];
  };

  for (let d = 0; d < days.length; d++) {
    const day = days[d];
    for (let k = 0; k < perDay[d]; k++) {
      const team = reg.teams[pickTeam(rnd())];
      const commune = team.level === 'commune';
      const rk = rnd();
      const kind: SessionKind = commune ? (rk < 0.35 ? 'help_desk' : rk < 0.47 ? 'group' : 'home') : rk < 0.03 ? 'help_desk' : rk < 0.15 ? 'group' : 'home';
      // working hours mostly, some evening home visits after the fields
      const rh = rnd();
      const minutes = rh < 0.45 ? 7 * 60 + Math.floor(rnd() * 270) : rh < 0.85 ? 13 * 60 + 30 + Math.floor(rnd() * 240) : 19 * 60 + Math.floor(rnd() * 135);
      const time = `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}:${pad2(Math.floor(rnd() * 60))}`;
      const saved = minutes + Math.floor(rnd() * 30);
      const rm = rnd();
      const nMembers = Math.min(team.memberIds.length, rm < 0.75 ? 1 : rm < 0.97 ? 2 : 3);
      const memberIds: number[] = [];
      while (memberIds.length < nMembers) {
        const m = team.memberIds[Math.floor(rnd() * team.memberIds.length)];
        if (!memberIds.includes(m)) memberIds.push(m);
      }
      const rs = rnd();
      const nServices = Math.min(services.length, rs < 0.55 ? 1 : rs < 0.88 ? 2 : 3);
      const chosen: number[] = [];
      while (chosen.length < nServices) {
        let r = rnd() * serviceWeights.reduce((a, w, i) => a + (chosen.includes(i) ? 0 : w), 0);
        let i = 0;
        for (; i < services.length; i++) if (!chosen.includes(i) && (r -= serviceWeights[i]) < 0) break;
        chosen.push(Math.min(i, services.length - 1));
      }
      const rec: SyncRecord = {
        id: uuid(),
        teamId: team.id,
        memberIds,
        occurredAt: `${day}T${time}+07:00`,
        deviceSavedAt: `${day}T${pad2(Math.floor(saved / 60))}:${pad2(saved % 60)}:59+07:00`,
        kind,
        services: chosen.map((i) => ({ code: services[i], outcome: outcomeOf(services[i], kind === 'group') })),
      };
      if (kind === 'group') rec.residentsCount = 5 + Math.floor(56 * rnd() ** 2);
      if (kind === 'help_desk' && commune && rnd() < 0.8) rec.atServiceCentre = true;
      const villages = reg.villages.get(team.communeId);
      if (commune && kind !== 'help_desk' && villages?.length && rnd() < 0.6) rec.villageCode = villages[Math.floor(rnd() * villages.length)];
      if (kind !== 'group') {
        if (rnd() < phoneShare / 0.88) {
          // a resident of the commune's pool: the same person always has the same details
          const ci = communeIndex.get(team.communeId)!;
          const pi = Math.floor(rnd() * pool.get(team.communeId)!);
          const who = prng(ci * 1_000_003 + pi);
          // 0 + a mobile prefix + 7 digits: communes 100–399 of a province (Hà Nội has 126) take other prefixes, not an 8th digit
          const prefix = ['091', '094', '097', '098', '032', '033', '034', '035', '036', '037', '038', '039', '083', '084', '085', '088'][(Math.floor(ci / 100) % 4) * 4 + (ci % 4)];
          const female = who() < 0.55;
          rec.resident = {
            phone: `${prefix}${String((ci % 100) * 100_000 + pi).padStart(7, '0')}`,
            consent: true,
            gender: female ? 'female' : 'male',
            birthYear: 1945 + Math.floor(who() ** 0.8 * 63),
            ethnicity: ETHNICITY[pickEthnicity(who())][0],
            ...(who() < 0.5 ? { fullName: `${RESIDENT_FAMILY[Math.floor(who() * RESIDENT_FAMILY.length)]} ${(female ? RESIDENT_GIVEN.female : RESIDENT_GIVEN.male)[Math.floor(who() * 6)]}` } : {}),
          };
        } else if (rnd() < 0.6) {
          rec.resident = { gender: rnd() < 0.55 ? 'female' : 'male', birthYear: 1945 + Math.floor(rnd() ** 0.8 * 63), ethnicity: ETHNICITY[pickEthnicity(rnd())][0] };
        }
      }
      if (rnd() < 0.03) rec.note = NOTES[Math.floor(rnd() * NOTES.length)];
      yield rec;
    }
  }
}

export interface DemoSessionsResult {
  generated: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** the first few rejections, for the console */
  problems: string[];
  from: string;
  to: string;
}

/**
 * Fills the support sessions of the demo: `count` generated sessions over the `days` days
 * before today (Vietnamese days; today is left out so nothing lies in the future), sent through
 * syncSessions — the field app's path, rollups included — in batches of up to 500 per commune, as
 * the operator (scope: everything) loading history (no 90-day review: sessions.clock.ts).
 */
export async function seedDemoSessions(db: Db, protector: DataProtector, opts: { provinceCode?: string; count: number; days: number; seed?: number; now?: Date }): Promise<DemoSessionsResult> {
  const now = opts.now ?? clockNow();
  const today = Date.parse(todayInVietnam(now) + 'T00:00:00Z');
  const from = new Date(today - opts.days * dayMs).toISOString().slice(0, 10);
  const to = new Date(today - dayMs).toISOString().slice(0, 10);
  const reg = await loadSessionRegistry(db, opts.provinceCode ?? '14');
  const result: DemoSessionsResult = { generated: 0, accepted: 0, duplicates: 0, rejected: 0, problems: [], from, to };
  if (reg.teams.length === 0 || opts.count <= 0) return result;
  const communeOf = new Map(reg.teams.map((t) => [t.id, t.communeId]));
  const pending = new Map<number, SyncRecord[]>();
  const send = async (batch: SyncRecord[]) => {
    const answers: SyncResult[] = await syncSessions(db, protector, batch, { userId: null, scope: ALL }, now, { history: true });
    for (const a of answers) {
      if (a.status === 'accepted') result.accepted++;
      else if (a.status === 'duplicate') result.duplicates++;
      else {
        result.rejected++;
        if (result.problems.length < 5) result.problems.push(`${a.id}: ${a.field}: ${a.reason}`);
      }
    }
  };
  for (const rec of generateSessions(reg, { seed: opts.seed ?? 2026, from, to, count: opts.count })) {
    result.generated++;
    const c = communeOf.get(rec.teamId)!;
    const list = pending.get(c) ?? pending.set(c, []).get(c)!;
    list.push(rec);
    if (list.length === MAX_SYNC_BATCH) {
      pending.delete(c);
      await send(list);
    }
  }
  for (const c of [...pending.keys()].sort((a, b) => a - b)) await send(pending.get(c)!);
  return result;
}
