import { currentChildren, successionOf, unitsByCode, unitsByIds, type UnitRow } from '../catalogue/catalogue.repo.js';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { AFFILIATION_CODES } from '../registry/registry.vocabulary.js';
import { formatDateVi, todayInVietnam, yearInVietnam } from '../text/dates.js';
import { compareVietnamese } from '../text/vietnamese.js';
import { ensureNetworkYear, networkAggregates, networkCells, type NetworkCellRow, networkMovement } from './network.repo.js';
import { AGE_BANDS, type AgeBand } from './network.vocabulary.js';
import { LRUCache } from 'lru-cache';
import { currentRevision } from '../registry/registry.repo.js';

/**
 * The network report (teams and members of a unit), as served by GET /api/reports/network
 * and `ngoso report`. Members are counted per team membership (`members`); distinct people are
 * `people` (one person on a commune team and a village team counts once there). `byAffiliation`
 * counts memberships holding each affiliation (several allowed, so it may exceed `members.total`;
 * `none` = memberships with no affiliation). For every count except `people`, the unit's total
 * equals the sum of its children.
 */
export { AGE_BANDS, type AgeBand };

export interface LevelCounts { total: number; commune: number; village: number }
export interface Breakdown {
  teams: LevelCounts;
  members: LevelCounts;
  people: number;
  byAffiliation: Record<string, number>;
  byGender: { male: number; female: number; unknown: number };
  byAgeBand: Record<AgeBand, number>;
}
/** Joins and leaves in a period (see networkMovement): people, counted per membership period. */
/** Joins and leaves in the period; `imported`: people first on the list by a roster import without join dates (their join day unknown). */
export interface Movement { joined: number; imported: number; left: number }
export interface NetworkReport extends Breakdown {
  unit: { code: string | null; name: string; level: UnitRow['level'] };
  /** the Vietnam day the figures are for (null: now) */
  asOf: string | null;
  /** the period of `movement` (null when none was asked) */
  period: { from: string; to: string } | null;
  movement: Movement | null;
  /** `self` marks a commune's own row (its commune-level teams), which carries the commune's code */
  children: (Breakdown & { code: string | null; name: string; level: UnitRow['level']; self: boolean; movement: Movement | null })[];
}

/** What a network report is asked for: the day the registry is read as of, and a period of joins and leaves (Vietnam days). */
export interface NetworkOptions {
  asOf?: string | null;
  from?: string | null;
  to?: string | null;
  /** 'raw': recount the current registry by plain GROUP BYs instead of reading the counts its triggers keep (the tests' and benchmark's reference) */
  source?: 'kept' | 'raw';
}

/** Adds one kept count (a network_cells row: teams or members by level, gender|age band, affiliation, or the people) to a breakdown. */
export function addCell(b: Breakdown, r: Pick<NetworkCellRow, 'level' | 'dim' | 'key' | 'n'>): void {
  if (r.dim === 'teams') (b.teams[r.level as 'commune' | 'village'] += r.n), (b.teams.total += r.n);
  else if (r.dim === 'members') {
    const [gender, band] = r.key.split('|');
    b.members[r.level as 'commune' | 'village'] += r.n;
    b.members.total += r.n;
    b.byGender[gender as keyof Breakdown['byGender']] += r.n;
    b.byAgeBand[band as AgeBand] += r.n;
  } else if (r.dim === 'aff') b.byAffiliation[r.key] = (b.byAffiliation[r.key] ?? 0) + r.n;
  else if (r.level === '') b.people = r.n;
}

/** An empty breakdown: every count 0, every affiliation, gender and age band present. */
export function emptyBreakdown(): Breakdown {
  return {
    teams: { total: 0, commune: 0, village: 0 },
    members: { total: 0, commune: 0, village: 0 },
    people: 0,
    byAffiliation: Object.fromEntries([...AFFILIATION_CODES, 'none'].map((c) => [c, 0])),
    byGender: { male: 0, female: 0, unknown: 0 },
    byAgeBand: { to_30: 0, '31_45': 0, '46_60': 0, over_60: 0, unknown: 0 },
  };
}

/**
 * Builds the report for the current unit `code` (province, commune or village).
 * Children: a province's communes; a commune's own commune-level teams (as a row named after the
 * commune) and its villages; a village has none. Errors: UNIT_NOT_FOUND, UNIT_LEVEL_UNSUPPORTED
 * (a dissolved unit: report on its successor instead), OUT_OF_SCOPE (a unit outside `scope`).
 * The current registry is read from the counts kept by its triggers (migration 0014: a few rows
 * per child, however many teams); a report as of a past day is counted from the registry's periods.
 */
export async function networkReport(db: Db, code: string, scope: Scope, options: NetworkOptions = {}): Promise<NetworkReport> {
  const today = todayInVietnam();
  const asOf = options.asOf && options.asOf !== today ? options.asOf : null;
  if (asOf && asOf > today) throw new AppError('VALIDATION_FAILED', `Ngày ${formatDateVi(asOf)} ở tương lai: báo cáo chỉ xem được đến hôm nay (${formatDateVi(today)}).`, { path: 'asOf' });
  const period = periodOf(options, today);
  const units = await unitsByCode(db, code);
  const unit = units.find((u) => !u.validTo);
  if (!unit) {
    if (units.length) {
      const links = await successionOf(db, units.map((u) => u.id));
      const successors = (await unitsByIds(db, [...new Set(links.map((l) => l.successorId))])).map((u) => ({ code: u.code, name: u.name }));
      throw new AppError('UNIT_LEVEL_UNSUPPORTED', `"${units[0].name}" (mã ${code}) đã giải thể từ ${formatDateVi(units[0].validTo ?? '2025-07-01')}; hãy xem báo cáo của đơn vị kế thừa: ${successors.map((s) => s.name).join(', ')}.`, { successors });
    }
    throw new AppError('UNIT_NOT_FOUND', `Không có đơn vị hành chính mã "${code}".`);
  }
  requireScope(unitInScope(scope, unit), `báo cáo của "${unit.name}"`, unitTarget(unit));
  // the report only changes when the registry does: reuse it until the revision moves
  const revision = await currentRevision(db);
  const key = `${unit.id}|${revision}|${yearInVietnam()}|${asOf}|${period?.from}|${period?.to}|${options.source ?? 'kept'}`;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new LRUCache<string, NetworkReport>({ max: 2000 })));
  const cached = cache.get(key);
  if (cached) return structuredClone(cached);
  const report = await computeReport(db, unit, asOf, period, options.source ?? 'kept');
  cache.set(key, report);
  return structuredClone(report);
}

/**
 * Reports computed at a registry revision, per database and unit. In-process and bounded; a change
 * committed by any process bumps the revision in the database, so no server serves a stale report.
 */
const caches = new WeakMap<Db, LRUCache<string, NetworkReport>>();

/** The movement period from `from`/`to` (both or neither; from ≤ to ≤ today). Errors: VALIDATION_FAILED. */
function periodOf(options: NetworkOptions, today: string): { from: string; to: string } | null {
  if (!options.from && !options.to) return null;
  if (!options.from || !options.to) throw new AppError('VALIDATION_FAILED', 'Hãy chọn cả ngày bắt đầu (from) và ngày kết thúc (to) của kỳ.', { path: options.from ? 'to' : 'from' });
  if (options.from > options.to) throw new AppError('VALIDATION_FAILED', `Ngày bắt đầu ${formatDateVi(options.from)} sau ngày kết thúc ${formatDateVi(options.to)}: hãy đổi lại.`, { path: 'from' });
  return { from: options.from, to: options.to > today ? today : options.to };
}

async function computeReport(db: Db, unit: UnitRow, asOf: string | null, period: { from: string; to: string } | null, source: 'kept' | 'raw' = 'kept'): Promise<NetworkReport> {
  const childUnits = unit.level === 'village' ? [] : await currentChildren(db, unit.id);
  childUnits.sort((a, b) => compareVietnamese(a.name, b.name));
  const ordered = unit.level === 'commune' ? [unit, ...childUnits] : childUnits;
  const children = new Map<number, NetworkReport['children'][number]>(
    ordered.map((c) => [c.id, { code: c.code, name: c.id === unit.id ? `${c.name} (tổ cấp xã)` : c.name, level: c.level, self: c.id === unit.id, ...emptyBreakdown(), movement: period ? { joined: 0, imported: 0, left: 0 } : null }]),
  );
  const total = emptyBreakdown();
  const at = (child: number) => children.get(child);
  const year = asOf ? Number(asOf.slice(0, 4)) : yearInVietnam();
  const moves = period ? networkMovement(db, unit, period.from, period.to) : Promise.resolve([]);
  const movement = period ? { joined: 0, imported: 0, left: 0 } : null;
  const addMoves = (rows: Awaited<typeof moves>) => {
    for (const r of rows) for (const m of [at(r.child)?.movement, movement]) if (m) (m.joined += r.joined), (m.imported += r.imported), (m.left += r.left);
  };
  if (asOf === null && source === 'kept') {
    // the current registry: the counts kept by the registry's triggers, a few rows per child
    await ensureNetworkYear(db, year);
    const [cells, moveRows] = await Promise.all([networkCells(db, unit, ordered.map((c) => c.id)), moves]);
    addMoves(moveRows);
    for (const r of cells) {
      const b = r.scope === 'total' ? total : at(r.unit);
      if (b) addCell(b, r);
    }
    return { unit: { code: unit.code, name: unit.name, level: unit.level }, asOf, period, movement, ...total, children: [...children.values()] };
  }
  const [{ teams, cube, affiliations, people }, moveRows] = await Promise.all([networkAggregates(db, unit, year, asOf), moves]);
  addMoves(moveRows);
  for (const r of teams) {
    for (const b of [at(r.child), total]) if (b) (b.teams[r.level] += r.n), (b.teams.total += r.n);
  }
  for (const r of cube) {
    for (const b of [at(r.child), total]) {
      if (!b) continue;
      b.members[r.level] += r.n;
      b.members.total += r.n;
      b.byGender[r.gender as keyof Breakdown['byGender']] += r.n;
      b.byAgeBand[r.band as AgeBand] += r.n;
    }
  }
  for (const r of affiliations) for (const b of [at(r.child), total]) if (b) b.byAffiliation[r.affiliation] = (b.byAffiliation[r.affiliation] ?? 0) + r.n;
  for (const r of people) {
    if (r.child !== null) {
      const b = at(r.child);
      if (b) b.people = r.n;
    } else if (r.level === null) total.people = r.n;
  }
  return { unit: { code: unit.code, name: unit.name, level: unit.level }, asOf, period, movement, ...total, children: [...children.values()] };
}
