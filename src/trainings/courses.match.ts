import { sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { teamInScopeSql } from '../access/scope.sql.js';
import type { UnitRow } from '../catalogue/catalogue.repo.js';
import type { UnitResolver } from '../catalogue/catalogue.service.js';
import { type Db, queryRows } from '../db/client.js';
import { cleanText, nameKey, searchKey, splitGivenName } from '../text/vietnamese.js';

/**
 * The database side of the completion import: the commune a unit as written stands for, the
 * members a list's phones and names may be (set-based: every row's phone and name key in one
 * statement each, joined against members with a current membership in the caller's scope), the
 * certificates already imported, and the write. A person outside the scope is never read.
 */

/** What a unit text resolved to: a current commune, or why not. */
export type UnitAnswer = { ok: true; unit: UnitRow } | { ok: false; reason: string };

/** The kind word of a commune and the words after it, up to a separator ("UBND phường Chiềng An, tỉnh Sơn La" → "phường Chiềng An"). */
const KIND_AND_NAME = /(?:^|[\s,;(–-])((?:xã|xa|phường|phuong|thị trấn|thi tran|đặc khu|dac khu|x\.|p\.|tt\.?)\s+[^,;()–\-/]+)/giu;

/**
 * The current commune of `resolver`'s province a unit as a course administrator writes it stands
 * for ("Xã Mai Sơn", "UBND phường Chiềng An", "Tiểu khu 6 - Mai Sơn", "Chiềng Xôm" for a commune
 * merged in 2025): first a kind word and the words after it (the longest run that names a
 * commune), then each part between commas or dashes, then the whole text, each through
 * `UnitResolver.resolveCommune` (current or pre-2025 names). Never guesses: a name of several
 * units, or of an old commune split in 2025, is not resolved and says why.
 */
export function communeOfUnitText(resolver: UnitResolver, text: string): UnitAnswer {
  const t = cleanText(text);
  const tries: string[] = [];
  for (const m of t.matchAll(KIND_AND_NAME)) {
    const words = m[1].trim().split(' ');
    const kindWords = /^(thị|thi|đặc|dac)$/i.test(words[0]) ? 2 : 1;
    for (let n = words.length; n > kindWords; n--) tries.push(words.slice(0, n).join(' '));
  }
  for (const part of t.split(/[,;()–/]|\s-\s/)) if (part.trim()) tries.push(part.trim());
  tries.push(t);
  let doubt: string | null = null;
  for (const name of [...new Set(tries)]) {
    const r = resolver.resolveCommune(name);
    if (r.ok) return { ok: true, unit: r.unit };
    if (r.reason === 'ambiguous' && !doubt) doubt = r.message;
  }
  const province = `${resolver.province.kind === 'thanh_pho' ? 'thành phố' : 'tỉnh'} ${resolver.province.name}`;
  return { ok: false, reason: doubt ?? `không xác định được xã, phường nào của ${province} từ "${t}"` };
}

/** A member a row's phone may be: current memberships in the scope only, with their communes there. */
export interface PhoneHolder {
  phone: string;
  memberId: number;
  fullName: string;
  communeIds: number[];
}

/** Members in `scope` holding each of `phones` (E.164), through a current membership of a team in the scope. */
export function phoneHolders(db: Db, phones: string[], scope: Scope): Promise<PhoneHolder[]> {
  if (phones.length === 0) return Promise.resolve([]);
  return queryRows<PhoneHolder>(
    db,
    sql`select m.phone, m.id as "memberId", m.full_name as "fullName", array_agg(distinct t.commune_id order by t.commune_id) as "communeIds"
          from (select distinct phone from unnest(${sql.param(phones)}::text[]) as p(phone)) p
          join members m on m.phone = p.phone and m.merged_into_id is null
          join team_members tm on tm.member_id = m.id and tm.left_on is null
          join teams t on t.id = tm.team_id
         where ${teamInScopeSql(scope, 't')}
         group by m.id, m.phone, m.full_name`,
  );
}

/** A name as the list writes it, compared on its accented key, or on the plain spelling when it has no diacritics at all ("HA THI HIEN"). */
export function nameProbe(fullName: string): { key: string; plain: boolean } {
  const name = cleanText(fullName);
  const plain = !/[^\x00-\x7f]/.test(name);
  return { key: plain ? searchKey(name) : nameKey(name), plain };
}

/** Whether two full names share the given name (last word), accents and case aside: a phone is the person's only when they do. */
export function sameGivenName(a: string, b: string): boolean {
  return searchKey(splitGivenName(a)[0]) === searchKey(splitGivenName(b)[0]);
}

export interface NameProbe {
  key: string;
  plain: boolean;
  birthYear: number;
  communeId: number;
}

/**
 * Members in `scope` with the probe's name (tone-placement-blind, or accent-blind for a plain
 * probe), birth year and a current membership of a team of the probe's commune; one row per
 * probe and member.
 */
export function nameHolders(db: Db, probes: NameProbe[], scope: Scope): Promise<{ key: string; plain: boolean; birthYear: number; communeId: number; memberId: number }[]> {
  if (probes.length === 0) return Promise.resolve([]);
  const col = <T>(f: (p: NameProbe) => T) => sql.param(probes.map(f));
  return queryRows(
    db,
    sql`with r(k, plain, y, c) as (select distinct * from unnest(${col((p) => p.key)}::text[], ${col((p) => p.plain)}::boolean[], ${col((p) => p.birthYear)}::int[], ${col((p) => p.communeId)}::int[])),
             hit(k, plain, y, c, member_id) as (
               select r.k, r.plain, r.y, r.c, m.id from r join members m on m.name_key = r.k where not r.plain and m.birth_year = r.y and m.merged_into_id is null
               union all
               select r.k, r.plain, r.y, r.c, m.id from r join members m on m.search_key = r.k where r.plain and m.birth_year = r.y and m.merged_into_id is null)
        select distinct h.k as key, h.plain, h.y as "birthYear", h.c as "communeId", h.member_id as "memberId"
          from hit h
          join team_members tm on tm.member_id = h.member_id and tm.left_on is null
          join teams t on t.id = tm.team_id and t.commune_id = h.c
         where ${teamInScopeSql(scope, 't')}`,
  );
}

/** A certificate already imported: where it came from and the unit it was counted at. */
export interface EarlierCertificate {
  courseCode: string;
  certificateNo: string;
  sourceSheet: string;
  sourceRow: number;
  fileName: string;
  /** ms since the epoch */
  importedAt: number;
  provinceCode: string;
  communeId: number | null;
}

/** The completions already stored with any of these (course, certificate number) pairs. */
export function earlierCertificates(db: Db, pairs: { courseCode: string; certificateNo: string }[]): Promise<EarlierCertificate[]> {
  if (pairs.length === 0) return Promise.resolve([]);
  return queryRows<EarlierCertificate>(
    db,
    sql`select c.course_code as "courseCode", c.certificate_no as "certificateNo", c.source_sheet as "sourceSheet", c.source_row as "sourceRow",
               i.file_name as "fileName", (extract(epoch from i.imported_at) * 1000)::float8 as "importedAt", c.province_code as "provinceCode", c.commune_id as "communeId"
          from unnest(${sql.param(pairs.map((p) => p.courseCode))}::text[], ${sql.param(pairs.map((p) => p.certificateNo))}::text[]) as x(course_code, certificate_no)
          join course_completions c on c.course_code = x.course_code and c.certificate_no = x.certificate_no
          join course_imports i on i.id = c.import_id`,
  );
}

/** A completion ready to store. */
export interface CompletionInsert {
  communeId: number | null;
  courseCode: string;
  fullName: string;
  nameKey: string;
  phone: string | null;
  birthYear: number | null;
  unitText: string | null;
  completedOn: string;
  certificateNo: string | null;
  memberId: number | null;
  matchKind: 'phone' | 'name_birth_commune' | null;
  sourceSheet: string;
  sourceRow: number;
}

/** Writes the import's log row and its completions in one statement each (inside the caller's transaction); returns the import id. */
export async function writeCompletions(db: Db, head: { provinceCode: string; fileName: string; rows: number; matched: number; unmatched: number; userId: number | null; at: Date }, rows: CompletionInsert[]): Promise<number> {
  const [{ id }] = await queryRows<{ id: number }>(
    db,
    sql`insert into course_imports (province_code, file_name, rows, matched, unmatched, user_id, imported_at)
        values (${head.provinceCode}, ${head.fileName}, ${head.rows}, ${head.matched}, ${head.unmatched}, ${head.userId}, ${head.at.toISOString()}) returning id`,
  );
  // in slices, so no statement carries more than a few megabytes of parameters
  for (let i = 0; i < rows.length; i += 10_000) {
    const part = rows.slice(i, i + 10_000);
    const c = <T>(f: (r: CompletionInsert) => T) => sql.param(part.map(f));
    await db.execute(sql`insert into course_completions (province_code, import_id, created_at, commune_id, course_code, full_name, name_key, phone, birth_year, unit_text, completed_on, certificate_no, member_id, match_kind, source_sheet, source_row)
      select ${head.provinceCode}, ${id}, ${head.at.toISOString()}::timestamptz, x.* from unnest(${c((r) => r.communeId)}::int[], ${c((r) => r.courseCode)}::text[], ${c((r) => r.fullName)}::text[], ${c((r) => r.nameKey)}::text[],
        ${c((r) => r.phone)}::text[], ${c((r) => r.birthYear)}::smallint[], ${c((r) => r.unitText)}::text[], ${c((r) => r.completedOn)}::date[], ${c((r) => r.certificateNo)}::text[],
        ${c((r) => r.memberId)}::int[], ${c((r) => r.matchKind)}::text[], ${c((r) => r.sourceSheet)}::text[], ${c((r) => r.sourceRow)}::int[]) as x`);
  }
  return id;
}
