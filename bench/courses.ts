/**
 * National-course completion list benchmark (issue 14, item 5; `npm run bench -- --courses`):
 * a registry of 20,000 generated members on every commune of Sơn La (bench/roster.ts, imported
 * with the roster import), then a 20,000-row completion list as a course administrator exports it
 * (.xlsx: title, header, Excel date cells and dd/mm/yyyy text, phones written three ways, courses
 * spelt several ways, units as "UBND xã …" or "Bản … - Xã …"): 8,000 rows of members by phone
 * (2,000 of them a second course), 4,000 by name + birth year + commune, 8,000 residents. Timed:
 * `importCompletions` as an officer of the province, dry run then commit (reading the file,
 * resolving units, matching, writing), rows/s; the counts are checked against the plan.
 * Target on PostgreSQL: ≤ 10 s.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { ALL, type Scope } from '../src/access/access.policy.js';
import { type Db, queryRows } from '../src/db/client.js';
import { importRoster } from '../src/imports/imports.service.js';
import { importCompletions } from '../src/trainings/courses.import.js';
import { nameKey } from '../src/text/vietnamese.js';
import type { DatabaseFactory } from './databases.js';
import { buildRoster, prng, rosterCsv } from './roster.js';

export const COURSES_ROWS = 20_000;
export const COURSES_TARGET_MS = 10_000;
const MEMBERS = 20_000;
const PROVINCE = '14';

interface Person { fullName: string; birthYear: number; phone: string; commune: string }
export interface CoursesPlan { phone: number; name: number; residents: number }
export interface CoursesFigures { engine: string; kind: string; dryMs: number; commitMs: number; ok: boolean }

/** The registry's members with their one commune, as the list is generated from them. */
async function registryPeople(db: Db): Promise<Person[]> {
  return queryRows<Person>(
    db,
    sql`select m.full_name as "fullName", m.birth_year as "birthYear", m.phone, min(u.name) as commune from members m
          join team_members tm on tm.member_id = m.id and tm.left_on is null join teams t on t.id = tm.team_id join admin_units u on u.id = t.commune_id
         where m.phone is not null and m.birth_year is not null group by m.id order by m.id`,
  );
}

const RESIDENT_FAMILY = ['Lò', 'Quàng', 'Cầm', 'Lường', 'Tòng', 'Hà', 'Vì', 'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng'];
const RESIDENT_GIVEN = ['Tâm', 'Phúc', 'Lực', 'Tài', 'Đạt', 'Hiếu', 'Nhàn', 'Thơm', 'Sáu', 'Bảy', 'Quyết', 'Thìn'];

/** Writes the 20,000-row list as .xlsx (streamed) from the registry's people; returns the bytes and what the import must find. */
export async function completionListXlsx(people: Person[], file: string, rows = COURSES_ROWS, seed = 20251105): Promise<{ data: Buffer; plan: CoursesPlan }> {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  // a name, birth year and commune only one member has: matchable by name
  const key = (p: Person) => `${nameKey(p.fullName)}|${p.birthYear}|${p.commune}`;
  const seen = new Map<string, number>();
  for (const p of people) seen.set(key(p), (seen.get(key(p)) ?? 0) + 1);
  const byPhone = Math.round(rows * 0.3);
  const second = Math.round(rows * 0.1);
  const byName = Math.round(rows * 0.2);
  const residents = rows - byPhone - second - byName;
  if (people.length < byPhone + byName) throw new Error(`registry too small: ${people.length} people`);
  const phoneForm = (e164: string) => {
    const national = `0${e164.slice(3)}`;
    const r = rnd();
    return r < 0.33 ? `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}` : r < 0.66 ? e164 : e164.slice(1);
  };
  const unitForm = (commune: string) => {
    const r = rnd();
    return r < 0.4 ? commune : r < 0.7 ? `UBND ${commune.charAt(0).toLowerCase()}${commune.slice(1)}` : `Bản Nà ${1 + Math.floor(rnd() * 30)} - ${commune}`;
  };
  const courses = ['Bình dân học vụ số', 'BDHVS', 'Binh dan hoc vu so', 'Kỹ năng số cộng đồng (OneTouch)', 'OneTouch', 'MobiEdu'];
  const out: (string | number | Date)[][] = [];
  let n = 0;
  const day = () => new Date(Date.UTC(2025, 3 + Math.floor(rnd() * 8), 1 + Math.floor(rnd() * 28)));
  const row = (name: string, phone: string, birth: number | string, unit: string, course: string) => {
    const d = day();
    const written = rnd() < 0.5 ? d : `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
    out.push([++n, name, phone, birth, unit, course, written, `CC-${String(n).padStart(6, '0')}`]);
  };
  const members = people.slice();
  // members by phone: their own name and phone; the first `second` of them complete a second course
  const phoned = members.splice(0, byPhone);
  for (const p of phoned) row(rnd() < 0.2 ? p.fullName.toLocaleUpperCase('vi') : p.fullName, phoneForm(p.phone), p.birthYear, unitForm(p.commune), pick(courses.slice(0, 3)));
  for (const p of phoned.slice(0, second)) row(p.fullName, phoneForm(p.phone), p.birthYear, unitForm(p.commune), pick(courses.slice(3)));
  // members by name, birth year and commune: no phone
  const named = members.filter((p) => seen.get(key(p)) === 1).slice(0, byName);
  if (named.length < byName) throw new Error('not enough members unique by name, year and commune');
  for (const p of named) row(p.fullName, '', rnd() < 0.5 ? p.birthYear : `0${1 + Math.floor(rnd() * 9)}/0${1 + Math.floor(rnd() * 9)}/${p.birthYear}`, unitForm(p.commune), pick(courses));
  // residents: names no member has, Vietnamobile numbers (058…) no member holds
  for (let i = 0; i < residents; i++) row(`${pick(RESIDENT_FAMILY)} ${rnd() < 0.5 ? 'Văn' : 'Thị'} ${pick(RESIDENT_GIVEN)}`, `058${String(1_000_000 + i).padStart(7, '0')}`, 1950 + Math.floor(rnd() * 55), unitForm(pick(people).commune), pick(courses));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(file), useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('Hoàn thành');
  ws.addRow(['DANH SÁCH HỌC VIÊN HOÀN THÀNH KHÓA HỌC KỸ NĂNG SỐ — TỈNH SƠN LA']).commit();
  ws.addRow([]).commit();
  ws.addRow(['STT', 'Họ và tên', 'SĐT', 'Năm sinh', 'Đơn vị', 'Tên khóa học', 'Ngày hoàn thành', 'Mã chứng nhận']).commit();
  for (const r of out) {
    const xrow = ws.addRow(r);
    if (r[6] instanceof Date) xrow.getCell(7).numFmt = 'dd/mm/yyyy';
    xrow.commit();
  }
  ws.commit();
  await wb.commit();
  return { data: await readFile(file), plan: { phone: byPhone + second, name: byName, residents } };
}

/** Runs the benchmark on each database; prints through `log`; the figures per database. */
export async function runCoursesBench(factories: DatabaseFactory[], log: (s?: string) => void, tmp: string): Promise<CoursesFigures[]> {
  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
  const communes = async (db: Db) => (await queryRows<{ name: string }>(db, sql`select name from admin_units where province_code = ${PROVINCE} and level = 'commune' and valid_to is null order by code`)).map((r) => r.name);
  let list: { data: Buffer; plan: CoursesPlan } | undefined;
  const figures: CoursesFigures[] = [];
  const scope: Scope = { kind: 'province', provinceCode: PROVINCE };
  for (const f of factories) {
    const database = await f.fresh('courses');
    try {
      const t0 = performance.now();
      const roster = buildRoster('Sơn La', await communes(database.db), MEMBERS, 20251105);
      const imported = await importRoster(database.db, { name: 'so-thanh-vien.csv', data: rosterCsv(roster) }, { scope: ALL, commit: true, maxBytes: 1e9 });
      await database.db.execute(sql`analyze`);
      if (!list) list = await completionListXlsx(await registryPeople(database.db), path.join(tmp, 'hoan-thanh-20k.xlsx'));
      log(`  ${f.label}: sổ thành viên ${imported.counts.new.toLocaleString('vi-VN')} người (chuẩn bị ${fmt(performance.now() - t0)}, không tính); tệp ${(list.data.length / 1048576).toFixed(1)} MB`);
      const run = async (commit: boolean) => {
        const t = performance.now();
        const r = await importCompletions(database.db, { name: 'hoan-thanh-20k.xlsx', data: list!.data }, { scope, commit, actor: null, maxBytes: 1e9 });
        return { ms: performance.now() - t, r };
      };
      const dry = await run(false);
      const done = await run(true);
      const p = list.plan;
      const counts = (r: typeof dry.r) => [r.completions, r.matched.phone, r.matched.nameBirthCommune, r.unmatched.count, r.refused];
      const want = [COURSES_ROWS, p.phone, p.name, p.residents, 0];
      const exact = JSON.stringify(counts(dry.r)) === JSON.stringify(want) && JSON.stringify(counts(done.r)) === JSON.stringify(want);
      const ok = exact && (f.kind !== 'postgres' || done.ms <= COURSES_TARGET_MS);
      for (const [what, m] of [['chạy thử', dry], ['ghi', done]] as const) log(`    ${what}: ${fmt(m.ms)}, ${Math.round(COURSES_ROWS / (m.ms / 1000)).toLocaleString('vi-VN')} dòng/s`);
      log(`    khớp theo SĐT ${done.r.matched.phone}, theo tên + năm sinh + xã ${done.r.matched.nameBirthCommune}, chưa khớp ${done.r.unmatched.count}, từ chối ${done.r.refused} — ${exact ? 'đúng như tệp sinh ra' : `SAI, cần ${JSON.stringify(want)}`}${f.kind === 'postgres' ? `; mục tiêu ≤ ${COURSES_TARGET_MS / 1000} s: ${done.ms <= COURSES_TARGET_MS ? 'OK' : 'MISS'}` : ''}`);
      figures.push({ engine: f.label, kind: f.kind, dryMs: dry.ms, commitMs: done.ms, ok });
    } finally {
      await database.close();
    }
  }
  return figures;
}
