import { requireScope, type Scope, unitTarget } from '../access/access.policy.js';
import { type UnitRow, unitsByCodes, villagePlaces } from '../catalogue/catalogue.repo.js';
import { communeTeamPlaces } from '../registry/registry.repo.js';
import { type Resolution, UnitResolver } from '../catalogue/catalogue.service.js';
import { canonicalVillage } from '../catalogue/village-name.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { cleanText, nameKey, searchKey } from '../text/vietnamese.js';
import type { Field } from './imports.columns.js';
import { communeName } from './imports.context.js';
import { inScope } from './imports.plan.js';
import type { UnitChoices } from './imports.mapping.js';
import type { FileReport, UnitQuestion } from './imports.report.js';
import type { RosterRow } from './imports.validate.js';

/**
 * Step 1 of planning an import: each row's commune, written the current or the pre-2025 way,
 * resolved to a current commune within the importer's scope. A name that does not resolve to one
 * unit becomes a question ("which unit did you mean") answered with `unitChoices`. An old commune
 * that the 2025 resolutions split between several new communes is asked per village
 * ("Xã Chiềng Bôm › Bản Bó"), since its villages may go to different communes; a village already
 * in the registry under exactly one of the successors (an earlier answer) goes there unasked.
 */
export interface ResolvedRow extends RosterRow {
  commune: string;
  communeUnit: UnitRow;
  /** the pre-2025 commune the row names, when it names one (its own commune-level team keeps its name) */
  oldCommune?: UnitRow;
}

type Failure = Extract<Resolution, { ok: false }>;

/** The key of a question (and of its answer in `unitChoices`): the commune as written, and the village for a split commune. */
export function questionName(commune: string, village: string | null): string {
  // "TT Mộc Châu" and "Thị trấn Mộc Châu" are one question
  const c = communeName(commune);
  return village ? `${c} › ${village}` : c;
}

/** An answer's key: `questionName` compared tone-placement-blind, the village in its canonical spelling. */
export function choiceKey(name: string): string {
  const [commune, village] = name.split(/\s*›\s*|\s*>\s*/u);
  const c = nameKey(communeName(commune));
  return village ? `${c}›${canonicalVillage(village).key}` : c;
}

/**
 * Checks the units chosen for names that did not resolve: each code must be a current commune
 * within the caller's scope. Returns name key (as `nameKey` of the written name) → code. Errors:
 * IMPORT_MAPPING_INVALID (400) for a code that is no current commune, OUT_OF_SCOPE (403) for a
 * commune outside the scope.
 */
export async function checkUnitChoices(db: Db, choices: UnitChoices, scope: Scope): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const units = await unitsByCodes(db, Object.values(choices));
  for (const [name, code] of Object.entries(choices)) {
    const unit = units.get(code)!.find((u) => u.level === 'commune' && !u.validTo);
    if (!unit) throw new AppError('IMPORT_MAPPING_INVALID', `Mã "${code}" chọn cho "${name}" không phải xã/phường hiện hành. Hãy chọn lại trong danh sách gợi ý. Chưa ghi gì.`);
    requireScope(inScope(scope, unit), `${unit.name} (mã ${code}), đơn vị chọn cho "${name}"`, unitTarget(unit));
    out.set(choiceKey(name), code);
  }
  return out;
}

/**
 * Step 1 of planning, in chunks of rows: `resolve` gives each chunk's rows with their commune (or
 * refuses them through `invalid`), in order; rows of split communes without an answer wait for
 * `finish`, which looks them up among the successors' villages and gives them last (as when the
 * whole file is resolved at once). Questions accumulate over the chunks and are set on the report
 * by `finish`. Reads go to `db` (the file's transaction, or a snapshot of the registry before it).
 */
export class UnitResolution {
  private readonly resolvers = new Map<string, UnitResolver | null>();
  private readonly resolved = new Map<string, Resolution>();
  private readonly questions = new Map<string, UnitQuestion>();
  private readonly pending: { r: RosterRow; res: Failure; resolver: UnitResolver; successors: UnitRow[]; chosen?: string }[] = [];

  constructor(
    private readonly db: Db,
    private readonly report: FileReport,
    private readonly scope: Scope,
    private readonly choices: Map<string, string>,
    private readonly invalid: (r: RosterRow, column: Field, message: string, suggestion?: string) => void,
  ) {}

  private ask(r: RosterRow, name: string, res: Failure, resolver: UnitResolver, chosen?: string): void {
    const qKey = choiceKey(name);
    let q = this.questions.get(qKey);
    if (!q) {
      const candidates = new Map<string, UnitQuestion['candidates'][number]>();
      for (const s of res.suggestions) {
        for (const u of resolver.currentUnitsOf(s)) {
          if (!u.code || candidates.has(u.code) || !inScope(this.scope, u)) continue;
          candidates.set(u.code, { code: u.code, name: u.name, ...(s.status === 'dissolved' ? { note: `từ ${s.name}${s.district ? ` (${s.district}, cũ)` : ' (cũ)'}` } : {}) });
        }
      }
      const message = name.includes('›') ? `${res.message.replace(/; hãy ghi tên xã\/phường mới$/u, '')}; thôn/bản này thuộc đơn vị mới nào? Chọn trong danh sách` : res.message;
      q = { name, province: resolver.province.name, reason: res.reason === 'ambiguous' ? 'ambiguous' : 'not_found', message, rowCount: 0, rows: [], candidates: [...candidates.values()], ...(chosen ? { chosen } : {}) };
      this.questions.set(qKey, q);
    }
    q.rowCount++;
    if (q.rows.length < 20) q.rows.push({ sheet: r.sheet, row: r.row });
  }

  private choose(r: RosterRow, res: Failure, resolver: UnitResolver, chosen: string | undefined, name: string): UnitRow | null {
    this.ask(r, name, res, resolver, chosen);
    const chosenUnit = chosen ? resolver.currentCommune(chosen) : undefined;
    // a name that matched known units (an old commune split, or several of one name) may only go to one of them
    const allowed = res.reason === 'ambiguous' ? new Set(res.suggestions.flatMap((x) => resolver.currentUnitsOf(x)).map((u) => u.code)) : null;
    if (chosenUnit && allowed && allowed.size && !allowed.has(chosenUnit.code)) {
      this.invalid(r, 'commune', `Đơn vị chọn cho "${name}" (${chosenUnit.name}, mã ${chosen}) không phải một trong các đơn vị của tên này`, `Chọn một trong: ${[...allowed].map((c) => resolver.currentCommune(c!)?.name ?? c).join('; ')}`);
      return null;
    }
    if (chosen && !chosenUnit) {
      this.invalid(r, 'commune', `Đơn vị chọn cho "${name}" (mã ${chosen}) không thuộc ${resolver.province.name}`, 'Chọn lại trong danh sách gợi ý, hoặc sửa tên tỉnh của dòng này');
      return null;
    }
    if (!chosenUnit) {
      const hint = res.suggestions.map((s) => `${s.name}${s.district ? ` (${s.district}, cũ)` : ''}${s.code ? ` [${s.code}]` : ''}`).join('; ');
      this.invalid(r, 'commune', name.includes('›') ? `${res.message}; chưa chọn đơn vị mới cho "${name}"` : res.message, hint ? `Có phải: ${hint}?` : 'Kiểm tra lại tên xã/phường và tỉnh');
      return null;
    }
    return chosenUnit;
  }

  private accept(out: ResolvedRow[], r: RosterRow, unit: UnitRow, oldCommune?: UnitRow): void {
    if (!inScope(this.scope, unit)) this.invalid(r, 'commune', `${unit.name} nằm ngoài phạm vi tài khoản của bạn`, 'Chỉ nhập danh sách của đơn vị bạn phụ trách');
    // the row itself becomes the resolved row (no copy: a 100,000-row file would hold two)
    else out.push(Object.assign(r as ResolvedRow, { communeUnit: unit }, oldCommune ? { oldCommune } : {}));
  }

  /** The rows of one chunk that resolve (in order); rows of split communes wait for `finish`. */
  async resolve(rows: RosterRow[]): Promise<ResolvedRow[]> {
    const out: ResolvedRow[] = [];
    for (const r of rows) {
      const pKey = searchKey(r.province!);
      if (!this.resolvers.has(pKey)) this.resolvers.set(pKey, await UnitResolver.forProvince(this.db, r.province!));
      const resolver = this.resolvers.get(pKey);
      if (!resolver) {
        this.invalid(r, 'province', `Không có tỉnh/thành phố "${r.province}" trong 34 tỉnh, thành phố hiện hành`, 'Ghi tên tỉnh hiện hành, ví dụ "Sơn La", hoặc mã tỉnh 2 chữ số');
        continue;
      }
      const uKey = `${pKey}|${nameKey(r.commune!)}|${nameKey(r.district ?? '')}`;
      let res = this.resolved.get(uKey);
      if (!res) this.resolved.set(uKey, (res = resolver.resolveCommune(r.commune!, r.district)));
      if (res.ok) {
        this.accept(out, r, res.unit, res.via === 'old' ? res.matched : undefined);
        continue;
      }
      if (res.reason === 'province_not_found') {
        this.invalid(r, 'commune', res.message, 'Kiểm tra lại tên tỉnh');
        continue;
      }
      // an old commune split between new ones: the answer is per village (or per commune for its own team)
      const successors = splitSuccessors(res, resolver);
      const name = questionName(r.commune!, successors.length && r.village ? r.village : null);
      // a split commune's villages are answered each on its own: the commune's answer is for its own team only
      const chosen = this.choices.get(choiceKey(name));
      if (successors.length && (r.village || !chosen)) {
        this.pending.push({ r, res, resolver, successors, chosen });
        continue;
      }
      const unit = this.choose(r, res, resolver, chosen, name);
      if (unit) this.accept(out, r, unit, splitOld(res));
    }
    return out;
  }

  /** The rows of split communes that waited, resolved; sets the report's questions. */
  async finish(): Promise<ResolvedRow[]> {
    const out: ResolvedRow[] = [];
    const pending = this.pending.splice(0);
    if (pending.length) {
      const ids = [...new Set(pending.flatMap((p) => p.successors.map((u) => u.id)))];
      const villages = new Map<string, number[]>();
      // where each successor's villages are, in scope or not (names and communes only), so a village an
      // earlier answer placed is never registered a second time under another successor
      for (const v of await villagePlaces(this.db, ids)) {
        const key = canonicalVillage(v.name).key;
        villages.set(key, [...(villages.get(key) ?? []), v.parentId!]);
      }
      // an old commune's own team, already under one successor (an earlier answer), is found there too
      const oldTeams = new Map<string, number[]>();
      for (const t of await communeTeamPlaces(this.db, ids)) oldTeams.set(t.nameKey, [...(oldTeams.get(t.nameKey) ?? []), t.communeId]);
      for (const { r, res, resolver, successors, chosen } of pending) {
        const name = questionName(r.commune!, r.village);
        const old = splitOld(res);
        const ownTeam = old ? nameKey(`Tổ công nghệ số cộng đồng ${old.name.charAt(0).toLocaleLowerCase('vi')}${old.name.slice(1)}`) : '';
        const found = (r.village ? villages.get(canonicalVillage(r.village).key) : oldTeams.get(ownTeam)) ?? [];
        const holders = [...new Set(found)].filter((id) => successors.some((u) => u.id === id));
        const holder = holders.length === 1 ? successors.find((u) => u.id === holders[0])! : undefined;
        if (holder && chosen && chosen !== holder.code) {
          this.invalid(r, 'village', `${r.village ?? 'Tổ cấp xã'} của ${cleanText(r.commune!)} (cũ) đã có trong sổ ở ${holder.name}; không chọn được đơn vị khác cho ${r.village ? 'thôn' : 'tổ'} này`, `Chọn ${holder.name} (mã ${holder.code}), hoặc nhờ cán bộ tỉnh chuyển thôn nếu thôn đã về đơn vị khác`);
        } else if (holder) this.accept(out, r, holder, splitOld(res));
        else {
          const unit = this.choose(r, res, resolver, chosen, name);
          if (unit) this.accept(out, r, unit, splitOld(res));
        }
      }
    }
    this.report.unitQuestions = [...this.questions.values()].filter((q) => q.candidates.length > 0 || q.chosen);
    return out;
  }
}

/** The old commune of a failed resolution that matched one dissolved commune (a split one). */
function splitOld(res: Failure): UnitRow | undefined {
  return res.matched?.validTo ? res.matched : undefined;
}

/** The current successors of an old commune the mapping splits (empty for any other failure). */
function splitSuccessors(res: Failure, resolver: UnitResolver): UnitRow[] {
  if (res.reason !== 'ambiguous' || !splitOld(res)) return [];
  return res.suggestions.flatMap((s) => resolver.currentUnitsOf(s));
}
