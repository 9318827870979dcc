import { distance } from 'fastest-levenshtein';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { todayInVietnam } from '../text/dates.js';
import { cleanText, compareVietnamese, nameKey, searchKey } from '../text/vietnamese.js';
import * as repo from './catalogue.repo.js';
import type { UnitRow } from './catalogue.repo.js';
import { splitUnitName } from './catalogue.source.js';

/** A unit as the API presents it. Dates are ISO `YYYY-MM-DD`; `validTo` is exclusive. */
export interface UnitView {
  code: string | null;
  name: string;
  level: UnitRow['level'];
  kind: string;
  provinceCode: string | null;
  validFrom: string | null;
  validTo: string | null;
  status: 'current' | 'dissolved';
}

export function presentUnit(u: UnitRow): UnitView {
  return {
    code: u.code,
    name: u.name,
    level: u.level,
    kind: u.kind,
    provinceCode: u.provinceCode,
    validFrom: u.validFrom,
    validTo: u.validTo,
    status: u.validTo ? 'dissolved' : 'current',
  };
}

function validAt(u: UnitRow, day: string): boolean {
  return (!u.validFrom || u.validFrom <= day) && (!u.validTo || day < u.validTo);
}

/**
 * The unit named by `code` on day `asOf` (YYYY-MM-DD, Vietnamese calendar day; default today).
 * Returns it with its parent, successors (for a dissolved unit) and predecessors (for a unit
 * formed on 1 July 2025). Errors: UNIT_NOT_FOUND when no unit has the code, or none was valid
 * on `asOf`.
 */
export async function getUnit(db: Db, code: string, asOf?: string) {
  const candidates = await repo.unitsByCode(db, code);
  if (candidates.length === 0) throw new AppError('UNIT_NOT_FOUND', `Không có đơn vị hành chính mã "${code}".`);
  const day = asOf ?? todayInVietnam();
  let unit = candidates.find((u) => validAt(u, day));
  if (!unit && asOf) {
    const periods = candidates.map((u) => `${u.name}: ${u.validFrom ?? '…'} → ${u.validTo ?? 'nay'}`).join('; ');
    throw new AppError('UNIT_NOT_FOUND', `Mã "${code}" không gắn với đơn vị nào vào ngày ${asOf}. Các thời kỳ: ${periods}.`);
  }
  unit ??= candidates[candidates.length - 1];
  const links = await repo.successionOf(db, [unit.id]);
  const related = await repo.unitsByIds(db, [...new Set([...links.flatMap((l) => [l.predecessorId, l.successorId]), ...(unit.parentId ? [unit.parentId] : [])])].filter((id) => id !== unit!.id));
  const byId = new Map(related.map((u) => [u.id, u]));
  const sortByName = (a: UnitView, b: UnitView) => compareVietnamese(a.name, b.name);
  return {
    ...presentUnit(unit),
    oldProvinceName: unit.oldProvinceName,
    parent: unit.parentId && byId.get(unit.parentId) ? presentUnit(byId.get(unit.parentId)!) : null,
    successors: links.filter((l) => l.predecessorId === unit!.id).map((l) => presentUnit(byId.get(l.successorId)!)).sort(sortByName),
    predecessors: links
      .filter((l) => l.successorId === unit!.id)
      .map((l) => byId.get(l.predecessorId)!)
      .filter((u) => u.level === 'commune')
      .map(presentUnit)
      .sort(sortByName),
  };
}

/** Current child units of the unit `parentCode` (province → communes, commune → villages), sorted by name. */
export async function childUnits(db: Db, parentCode: string): Promise<UnitView[]> {
  const parent = (await repo.unitsByCode(db, parentCode)).find((u) => !u.validTo);
  if (!parent) throw new AppError('UNIT_NOT_FOUND', `Không có đơn vị hiện hành mã "${parentCode}".`);
  const children = await repo.currentChildren(db, parent.id);
  return children.map(presentUnit).sort((a, b) => compareVietnamese(a.name, b.name));
}

/** The 34 current provinces, by code. */
export async function listProvinces(db: Db): Promise<UnitView[]> {
  return (await repo.provinces(db)).map(presentUnit);
}

export interface Suggestion { code: string | null; name: string; status: 'current' | 'dissolved'; district?: string }

/** Outcome of resolving a commune name written the current or the pre-2025 way. */
export type Resolution =
  | { ok: true; unit: UnitRow; via: 'current' | 'old'; matched?: UnitRow }
  | { ok: false; reason: 'not_found' | 'ambiguous' | 'province_not_found'; message: string; suggestions: Suggestion[] };

/**
 * In-memory index of one province's communes (current and dissolved, with districts and
 * successors) and villages, to resolve many names quickly (an import resolves each distinct
 * name once). Build with `UnitResolver.forProvince`.
 */
export class UnitResolver {
  private constructor(
    readonly province: UnitRow,
    private readonly units: UnitRow[],
    private readonly successors: Map<number, number[]>,
  ) {
    for (const u of units) this.byId.set(u.id, u);
  }

  private readonly byId = new Map<number, UnitRow>();

  /** Loads the index for a province given by code ("14") or name ("Sơn La", "Tỉnh Sơn La"). Null when unknown. */
  static async forProvince(db: Db, province: string): Promise<UnitResolver | null> {
    const p = await lookupProvince(db, province);
    if (!p) return null;
    const [units, links] = await Promise.all([repo.unitsOfProvince(db, p.code!), repo.successionInProvince(db, p.code!)]);
    const successors = new Map<number, number[]>();
    for (const l of links) successors.set(l.predecessorId, [...(successors.get(l.predecessorId) ?? []), l.successorId]);
    return new UnitResolver(p, units, successors);
  }

  unit(id: number): UnitRow | undefined {
    return this.byId.get(id);
  }

  /** The current commune of this province with `code`, or undefined. */
  currentCommune(code: string): UnitRow | undefined {
    return this.units.find((u) => u.level === 'commune' && !u.validTo && u.code === code);
  }

  /**
   * The current communes a suggestion of `resolveCommune` stands for: itself when it is current,
   * its successors when it is a dissolved commune (so a "which unit did you mean" question offers
   * only units rows can be written to).
   */
  currentUnitsOf(s: Suggestion): UnitRow[] {
    if (!s.code) return [];
    if (s.status === 'current') {
      const unit = this.currentCommune(s.code);
      return unit ? [unit] : [];
    }
    const old = this.units.filter((u) => u.level === 'commune' && u.validTo && u.code === s.code && (!s.district || (u.parentId !== null && this.byId.get(u.parentId)?.name === s.district)));
    return [...new Set(old.flatMap((u) => this.successors.get(u.id) ?? []))].map((id) => this.byId.get(id)!).filter((u) => u && !u.validTo);
  }

  /**
   * Resolves a commune: first among current communes, then among dissolved ones (optionally
   * narrowed by old district) through the 2025 mapping. Ambiguity (two old communes of the same
   * name in different districts, or an old commune split between several new ones) is reported,
   * never guessed.
   */
  resolveCommune(name: string, district?: string | null): Resolution {
    const { kind, shortName } = splitUnitName(name);
    // exact spelling (tone placement aside) first; a name typed without diacritics matches on the search key
    const key = nameKey(shortName);
    const plainKey = searchKey(shortName);
    const plain = key === plainKey;
    const same = (u: UnitRow) => (plain ? u.searchKey === plainKey : u.nameKey === key);
    const current = this.units.filter((u) => u.level === 'commune' && !u.validTo && same(u) && (!kind || kind === u.kind || !district));
    const district_ = district ? splitUnitName(district).shortName : null;
    const districtKey = district_ ? (plain ? searchKey(district_) : nameKey(district_)) : null;
    if (current.length === 1 && !districtKey) return { ok: true, unit: current[0], via: 'current' };
    let old = this.units.filter((u) => u.level === 'commune' && u.validTo && same(u) && (!kind || kind === u.kind));
    if (districtKey) {
      old = old.filter((u) => {
        const d = u.parentId ? this.byId.get(u.parentId) : undefined;
        return d && (plain ? d.searchKey : d.nameKey) === districtKey;
      });
      if (old.length === 0 && current.length === 1) return { ok: true, unit: current[0], via: 'current' };
    }
    if (old.length === 1) {
      const succ = this.successors.get(old[0].id) ?? [];
      if (succ.length === 1) return { ok: true, unit: this.byId.get(succ[0])!, via: 'old', matched: old[0] };
      return {
        ok: false,
        reason: 'ambiguous',
        message: `"${old[0].name}" (cũ) đã được chia cho ${succ.length} đơn vị mới; hãy ghi tên xã/phường mới`,
        suggestions: succ.map((id) => this.suggestion(this.byId.get(id)!)),
      };
    }
    if (old.length > 1) {
      return {
        ok: false,
        reason: 'ambiguous',
        message: `Có ${old.length} xã cũ tên "${shortName}" ở các huyện khác nhau; hãy ghi thêm huyện cũ`,
        suggestions: old.map((u) => this.suggestion(u)),
      };
    }
    if (current.length > 1) {
      return { ok: false, reason: 'ambiguous', message: `Có ${current.length} đơn vị tên "${shortName}"`, suggestions: current.map((u) => this.suggestion(u)) };
    }
    return {
      ok: false,
      reason: 'not_found',
      message: `Không có xã/phường "${cleanText(name)}"${district ? ` (huyện cũ ${district})` : ''} ở ${this.province.name}`,
      suggestions: this.closest(shortName, (u) => u.level === 'commune'),
    };
  }

  /** Up to 3 closest unit names to `name` (edit distance on the search key), current units first. */
  closest(name: string, filter: (u: UnitRow) => boolean): Suggestion[] {
    const q = searchKey(name);
    const accented = nameKey(name);
    const limit = Math.max(2, Math.ceil(q.length / 3));
    // ties on the plain spelling are broken by the accented spelling, then current units first
    return this.units
      .filter(filter)
      .map((u) => ({ u, d: distance(q, u.searchKey), da: distance(accented, u.nameKey) }))
      .filter((x) => x.d <= limit)
      .sort((a, b) => a.d - b.d || a.da - b.da || Number(!!a.u.validTo) - Number(!!b.u.validTo))
      .slice(0, 3)
      .map((x) => this.suggestion(x.u));
  }

  private suggestion(u: UnitRow): Suggestion {
    const district = u.validTo && u.parentId ? this.byId.get(u.parentId)?.name : undefined;
    return { code: u.code, name: u.name, status: u.validTo ? 'dissolved' : 'current', ...(district ? { district } : {}) };
  }
}

/** The current province named by `province` (code, current name or a pre-2025 name), or undefined. */
export async function lookupProvince(db: Db, province: string): Promise<UnitRow | undefined> {
  const [all, oldNames] = await Promise.all([repo.provinces(db), repo.oldProvinceNames(db)]);
  return findProvince(all, province, oldNames);
}

/** Share of an old province's units that must lie in one current province for its name to resolve there. */
const OLD_PROVINCE_MAJORITY = 0.9;

/**
 * Finds a current province by code or by name, with or without "Tỉnh"/"Thành phố"/"TP", with or
 * without diacritics, or by the name of a pre-2025 province that merged into it on 01/07/2025
 * ("Tỉnh Hải Dương" → Hải Phòng, "Nam Dinh" → Ninh Bình; Resolution 202/2025/QH15), from `oldNames`:
 * the current province holding at least 90% of the old province's units (the package files a few
 * units under a wrong old province; those strays do not make the name ambiguous).
 */
export function findProvince(all: UnitRow[], province: string, oldNames: { name: string; provinceCode: string; units?: number }[] = []): UnitRow | undefined {
  const trimmed = cleanText(province).replace(/^(?:tp\.?|t\.)\s*/i, (m) => (/^tp/i.test(m) ? 'Thành phố ' : 'Tỉnh '));
  if (/^\d{1,2}$/.test(trimmed)) return all.find((p) => p.code === trimmed.padStart(2, '0'));
  const short = splitUnitName(trimmed).shortName;
  const exact = all.find((p) => p.nameKey === nameKey(short));
  if (exact) return exact;
  // typed without diacritics ("son la"): accept when exactly one province matches
  const plain = all.filter((p) => p.searchKey === searchKey(short));
  if (plain.length === 1) return plain[0];
  const matches = (name: string) => {
    const oldShort = splitUnitName(name).shortName;
    return nameKey(oldShort) === nameKey(short) || searchKey(oldShort) === searchKey(short);
  };
  const counts = new Map<string, number>();
  for (const o of oldNames) if (matches(o.name)) counts.set(o.provinceCode, (counts.get(o.provinceCode) ?? 0) + (o.units ?? 1));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return best && best[1] >= OLD_PROVINCE_MAJORITY * total ? all.find((p) => p.code === best[0]) : undefined;
}

/**
 * Resolves a commune name written the current or the pre-2025 way (`district` = old district)
 * within `province` (code or name) to the current unit. Errors: UNIT_NOT_FOUND (with the closest
 * names as `details.suggestions`), UNIT_AMBIGUOUS (with the candidates).
 */
export async function resolveUnit(db: Db, input: { name: string; district?: string; province: string }) {
  const resolver = await UnitResolver.forProvince(db, input.province);
  if (!resolver) {
    const all = await repo.provinces(db);
    const q = searchKey(input.province);
    const suggestions = all
      .map((p) => ({ p, d: distance(q, p.searchKey) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 3)
      .map(({ p }) => ({ code: p.code, name: p.name }));
    throw new AppError('UNIT_NOT_FOUND', `Không có tỉnh/thành phố "${input.province}" trong 34 tỉnh, thành phố hiện hành.`, { suggestions });
  }
  const r = resolver.resolveCommune(input.name, input.district);
  if (!r.ok) throw new AppError(r.reason === 'ambiguous' ? 'UNIT_AMBIGUOUS' : 'UNIT_NOT_FOUND', r.message, { suggestions: r.suggestions });
  return {
    unit: presentUnit(r.unit),
    via: r.via,
    matched: r.matched ? { ...presentUnit(r.matched), district: r.matched.parentId ? resolver.unit(r.matched.parentId)?.name ?? null : null } : null,
  };
}

/**
 * Search of units by name without diacritics ("chieng xom"), current units first, at most
 * `limit` (`truncated` says more matched). Dissolved units carry their old district and their
 * successors, so a hit on a pre-2025 name leads straight to today's unit.
 */
export async function searchAdminUnits(db: Db, q: string, limit = 20) {
  const key = searchKey(q);
  if (key.length < 2) throw new AppError('VALIDATION_FAILED', 'Cần ít nhất 2 ký tự để tìm đơn vị.');
  const rows = await repo.searchUnits(db, key, limit + 1);
  const hits = rows.slice(0, limit);
  const dissolved = hits.filter((u) => u.validTo).map((u) => u.id);
  const links = await repo.successionOf(db, dissolved);
  const related = new Map((await repo.unitsByIds(db, [...new Set([...links.map((l) => l.successorId), ...hits.filter((u) => u.validTo && u.parentId).map((u) => u.parentId!)])])).map((u) => [u.id, u]));
  const units = hits.map((u) => {
    if (!u.validTo) return presentUnit(u);
    const successors = links.filter((l) => l.predecessorId === u.id).map((l) => presentUnit(related.get(l.successorId)!));
    return { ...presentUnit(u), district: u.parentId ? related.get(u.parentId)?.name ?? null : null, successors };
  });
  return { units, truncated: rows.length > limit };
}
