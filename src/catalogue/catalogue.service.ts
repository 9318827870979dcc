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

/**
 * Outcome of resolving a commune name written the current or the pre-2025 way. A failed
 * resolution through one old commune that the 2025 mapping split between several new communes
 * carries that old commune (`matched`) and the codes of its successors (`successorCodes`, the
 * same units as `suggestions`), so a caller can ask village by village which one applies.
 */
export type Resolution =
  | { ok: true; unit: UnitRow; via: 'current' | 'old'; matched?: UnitRow }
  | { ok: false; reason: 'not_found' | 'ambiguous' | 'province_not_found'; message: string; suggestions: Suggestion[]; matched?: UnitRow; successorCodes?: string[] };

const MARKS = /[^\x00-\x7f]/;

/**
 * Writes out the abbreviations rosters use for unit kinds ("TP Sơn La", "TX. Mường Lay", "TT Ít
 * Ong", "Q.1", "P.01") and for state-farm townships ("Thị trấn NT Mộc Châu" = "Thị trấn Nông
 * trường Mộc Châu"), unaccented when the input has no diacritics at all.
 */
export function expandUnitAbbreviations(value: string): string {
  const text = cleanText(value);
  const plain = !MARKS.test(text);
  const words = (accented: string) => (plain ? searchKey(accented) : accented);
  const kinds: [RegExp, string][] = [[/^TP\.?\s*(?=\S)/i, 'Thành phố'], [/^TX\.?\s*(?=\S)/i, 'Thị xã'], [/^TT\.?\s*(?=\S)/i, 'Thị trấn'], [/^Q\.?\s*(?=\d+$)/i, 'Quận'], [/^P\.?\s*(?=\d+$)/i, 'Phường']];
  const expanded = kinds.reduce((t, [re, kind]) => t.replace(re, `${words(kind)} `), text);
  return expanded.replace(/(^|\s)NT\.?\s+/gi, `$1${words('Nông trường')} `).replace(/ +/g, ' ');
}

/** Those of `list` that pass `test` when there are any, else all of `list`. */
const prefer = <T>(list: T[], test: (x: T) => boolean) => (list.some(test) ? list.filter(test) : list);

/** Numbered units compare by their number: "Phường 01" = "Phường 1". */
const canon = (key: string) => key.replace(/(^| )0+(?=\d)/g, '$1');

/**
 * How a name was written, as the resolver compares it: on `key` (accented) unless `plain`; `alt`
 * is the whole name when a kind word was taken off an unaccented one ("quan hoa" is "Quận Hoa"
 * or "Quan Hoa", "xa dung" "Xã Dung" or "Xa Dung").
 */
interface NameQuery { kind: string | null; short: string; key: string; plainKey: string; plain: boolean; marked: boolean; alt?: NameQuery }

function nameQuery(name: string, whole = false): NameQuery {
  const expanded = expandUnitAbbreviations(name);
  const { kind, shortName } = whole ? { kind: null, shortName: expanded } : splitUnitName(expanded);
  const marked = MARKS.test(expanded);
  const q: NameQuery = { kind, short: shortName, key: canon(nameKey(shortName)), plainKey: canon(searchKey(shortName)), plain: !MARKS.test(shortName), marked };
  return kind && !marked && !whole ? { ...q, alt: nameQuery(name, true) } : q;
}

/**
 * Phonetic key for ranking suggestions: `key` (a `nameKey` or a `searchKey`) with the initials
 * rosters confuse made equal — s/x (common in the north), d/gi/r, ch/tr ("Xa Lý" ~ "Sa Lý",
 * "Rạng Đông" ~ "Dạng Đông"); vowels and tones are kept, so "Xôn" stays nearer "Xôm" than "Sơn".
 */
export function soundKey(key: string): string {
  return key
    .split(' ')
    .map((w) => w.replace(/^gi(?=[aeiouy])/, 'd').replace(/^r/, 'd').replace(/^s/, 'x').replace(/^tr/, 'ch'))
    .join(' ');
}

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
    /** the pre-2025 province names the lookup named (when it named one that is not the current province) */
    private readonly oldProvinces: Set<string>,
  ) {
    for (const u of units) {
      this.byId.set(u.id, u);
      this.keys.set(u.id, { key: canon(u.nameKey), plainKey: canon(u.searchKey) });
    }
  }

  private readonly byId = new Map<number, UnitRow>();
  /** `nameKey`/`searchKey` with numbers unpadded */
  private readonly keys = new Map<number, { key: string; plainKey: string }>();

  /**
   * Loads the index for a province given by code ("14"), current name ("Sơn La", "Tỉnh Sơn La")
   * or pre-2025 name ("Tỉnh Hải Dương" → Hải Phòng, see `findProvince`). Given a pre-2025 name,
   * old communes of that old province are preferred over same-named ones of the other provinces
   * merged with it (two "Huyện Châu Thành" in Vĩnh Long: of Bến Tre and of Trà Vinh). Null when unknown.
   */
  static async forProvince(db: Db, province: string): Promise<UnitResolver | null> {
    const p = await lookupProvince(db, province);
    if (!p) return null;
    const [units, links] = await Promise.all([repo.unitsOfProvince(db, p.code!), repo.successionInProvince(db, p.code!)]);
    const successors = new Map<number, number[]>();
    for (const l of links) successors.set(l.predecessorId, [...(successors.get(l.predecessorId) ?? []), l.successorId]);
    const asked = splitUnitName(cleanText(province).replace(/^(?:tp\.?|t\.)\s*/i, '')).shortName;
    const same = (name: string) => {
      const short = splitUnitName(name).shortName;
      return nameKey(short) === nameKey(asked) || searchKey(short) === searchKey(asked);
    };
    const oldProvinces = new Set<string>();
    if (!/^\d{1,2}$/.test(asked) && !same(p.name)) for (const u of units) if (u.oldProvinceName && same(u.oldProvinceName)) oldProvinces.add(u.oldProvinceName);
    return new UnitResolver(p, units, successors, oldProvinces);
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

  private is(u: UnitRow, q: NameQuery): boolean {
    const k = this.keys.get(u.id)!;
    return q.plain ? k.plainKey === q.plainKey : k.key === q.key;
  }

  /** Units of `list` named as `q` asks: accented names exactly (tone placement aside), unaccented ones on the plain spelling. */
  private named(list: UnitRow[], q: NameQuery, byKind = true): UnitRow[] {
    const hits = list.filter((u) => this.is(u, q) || (!!q.alt && this.is(u, q.alt)));
    // "Phường Sa Pa": the writer uses diacritics, so the unaccented "Sa Pa" is not "Sa Pả"
    const exact = q.plain && q.marked ? hits.filter((u) => this.keys.get(u.id)!.key === q.key) : [];
    const named = exact.length ? exact : hits;
    // the kind word narrows when it can ("Thị trấn Châu Thành" vs "Xã Châu Thành"); a wrong one does not hide the unit
    return byKind ? prefer(named, (u) => u.kind === q.kind) : named;
  }

  /**
   * Resolves a commune: first among current communes, then among dissolved ones (optionally
   * narrowed by old district) through the 2025 mapping (Resolution 202/2025/QH15 and the
   * Standing Committee's 2025 commune-merger resolutions). The name may carry its kind word or
   * not ("Xã", "Phường", "Thị trấn", abbreviations such as "TT", "NT" for "Nông trường"), either
   * tone-mark placement ("Hoà"/"Hòa"), "Phường 01" for "Phường 1"; the district its kind word
   * or not ("Huyện", "Quận", "Thị xã", "Thành phố", "TP"), with or without diacritics whatever the
   * commune's spelling. Never guesses: two old communes of that name in the old district, or an
   * old commune split between several new ones (then with `matched` and `successorCodes`), give
   * 'ambiguous' with the candidates; an unknown name 'not_found' with the closest names.
   */
  resolveCommune(name: string, district?: string | null): Resolution {
    const q = nameQuery(name);
    const communes = this.units.filter((u) => u.level === 'commune');
    const current = this.named(communes.filter((u) => !u.validTo), q);
    const d = district ? nameQuery(district) : null;
    if (current.length === 1 && !d) return { ok: true, unit: current[0], via: 'current' };
    let old = this.named(communes.filter((u) => u.validTo), q, false);
    if (d) {
      old = old.filter((u) => {
        const parent = u.parentId ? this.byId.get(u.parentId) : undefined;
        return !!parent && (this.is(parent, d) || (!!d.alt && this.is(parent, d.alt)));
      });
      if (old.length === 0 && current.length === 1) return { ok: true, unit: current[0], via: 'current' };
      // "Thị xã Đông Triều" and "Thành phố Đông Triều" (upgraded in 2024) are both in the package
      old = prefer(old, (u) => !!d.kind && this.byId.get(u.parentId!)?.kind === d.kind);
    }
    old = prefer(old, (u) => u.kind === q.kind);
    if (this.oldProvinces.size) old = prefer(old, (u) => this.oldProvinces.has(u.oldProvinceName ?? ''));
    // candidates that all went to the same new units ("Xã Nam Sơn" of Huyện An Dương, "Phường Nam Sơn" of Quận An Dương) are one answer
    const successorsOf = (u: UnitRow) => (this.successors.get(u.id) ?? []).slice().sort().join(',');
    if (old.length > 1 && old.every((u) => successorsOf(u) === successorsOf(old[0]))) old = [old.find((u) => u.code) ?? old[0]];
    if (old.length === 1) {
      const succ = this.successors.get(old[0].id) ?? [];
      if (succ.length === 1) return { ok: true, unit: this.byId.get(succ[0])!, via: 'old', matched: old[0] };
      const units = succ.map((id) => this.byId.get(id)!);
      return {
        ok: false,
        reason: 'ambiguous',
        message: `"${old[0].name}" (cũ) đã được chia cho ${succ.length} đơn vị mới; hãy ghi tên xã/phường mới`,
        suggestions: units.map((u) => this.suggestion(u)),
        matched: old[0],
        successorCodes: units.map((u) => u.code!),
      };
    }
    if (old.length > 1) {
      return {
        ok: false,
        reason: 'ambiguous',
        message: `Có ${old.length} xã cũ tên "${q.short}" ${d ? `ở huyện cũ ${cleanText(district!)}` : 'ở các huyện khác nhau; hãy ghi thêm huyện cũ'}`,
        suggestions: old.map((u) => this.suggestion(u)),
      };
    }
    if (current.length > 1) {
      return { ok: false, reason: 'ambiguous', message: `Có ${current.length} đơn vị tên "${q.short}"`, suggestions: current.map((u) => this.suggestion(u)) };
    }
    return {
      ok: false,
      reason: 'not_found',
      message: `Không có xã/phường "${cleanText(name)}"${district ? ` (huyện cũ ${district})` : ''} ở ${this.province.name}`,
      suggestions: this.closest(q.short, (u) => u.level === 'commune'),
    };
  }

  /**
   * Up to 3 closest unit names to `name` (its kind word, if any, ignored), current units first
   * among equals. Ranked by edit distance on the phonetic key (`soundKey`: s/x, d/gi/r, ch/tr
   * alike), then on the plain spelling, then on the accented one (so "Hoà Bình" puts "Hòa Bình"
   * before "Hoa Bình").
   */
  closest(name: string, filter: (u: UnitRow) => boolean): Suggestion[] {
    const short = splitUnitName(expandUnitAbbreviations(name)).shortName;
    const q = canon(searchKey(short));
    const accented = canon(nameKey(short));
    // a name typed without diacritics is compared on the plain spellings, else on the accented ones
    const plain = !MARKS.test(short);
    const sound = soundKey(plain ? q : accented);
    const limit = Math.max(2, Math.ceil(q.length / 3));
    return this.units
      .filter(filter)
      .map((u) => {
        const k = this.keys.get(u.id)!;
        return { u, ds: distance(sound, soundKey(plain ? k.plainKey : k.key)), d: distance(q, k.plainKey), da: distance(accented, k.key) };
      })
      .filter((x) => Math.min(x.d, x.ds) <= limit)
      .sort((a, b) => a.ds - b.ds || a.d - b.d || a.da - b.da || Number(!!a.u.validTo) - Number(!!b.u.validTo))
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
 * `limit` (`truncated` says more matched). Every hit carries the unit it lies in (`parent`: a
 * village's commune, a commune's province, a dissolved commune's old district; null for a
 * province), so that same-named villages can be told apart. Dissolved units also carry their old
 * district's name and their successors, so a hit on a pre-2025 name leads straight to today's unit.
 */
export async function searchAdminUnits(db: Db, q: string, limit = 20) {
  const key = searchKey(q);
  if (key.length < 2) throw new AppError('VALIDATION_FAILED', 'Cần ít nhất 2 ký tự để tìm đơn vị.');
  const rows = await repo.searchUnits(db, key, limit + 1);
  // within each group the database gives (current first, then by level) the Vietnamese order, not the search key's
  const group = (u: UnitRow) => `${!!u.validTo}|${u.level}`;
  const rank = new Map<string, number>();
  rows.forEach((u, i) => rank.has(group(u)) || rank.set(group(u), i));
  const hits = rows.slice(0, limit).sort((a, b) => rank.get(group(a))! - rank.get(group(b))! || compareVietnamese(a.name, b.name) || a.id - b.id);
  const dissolved = hits.filter((u) => u.validTo).map((u) => u.id);
  const links = await repo.successionOf(db, dissolved);
  const related = new Map((await repo.unitsByIds(db, [...new Set([...links.map((l) => l.successorId), ...hits.filter((u) => u.parentId).map((u) => u.parentId!)])])).map((u) => [u.id, u]));
  const parentOf = (u: UnitRow): UnitView | null => (u.parentId && related.has(u.parentId) ? presentUnit(related.get(u.parentId)!) : null);
  const units = hits.map((u) => {
    const parent = parentOf(u);
    if (!u.validTo) return { ...presentUnit(u), parent };
    const successors = links.filter((l) => l.predecessorId === u.id).map((l) => presentUnit(related.get(l.successorId)!));
    return { ...presentUnit(u), parent, district: parent?.name ?? null, successors };
  });
  return { units, truncated: rows.length > limit };
}
