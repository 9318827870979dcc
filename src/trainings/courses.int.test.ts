import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { COURSE_HEADER, COURSE_ROWS, type Cell, courseListCsv, courseListXlsx, listCsv } from '../../test/courses.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { sessionsRegistry } from '../../test/sessions.js';
import type { Scope } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import type { AppError } from '../http/errors.js';
import { FixedClock, useClock } from '../text/clock.js';
import { CourseMatcher } from './courses.columns.js';
import { type CompletionReport, importCompletions } from './courses.import.js';

/**
 * The national courses' completion lists (issue 14, item 5) on both databases: the messy fixture
 * of test/courses.ts as .xlsx and CSV against SON_LA_ROSTER (Chiềng An 03664: Hà Thị Hiền
 * 0912345678, Lò Văn Bình 1988, Quàng Thị Hoà 0987654321; Mai Sơn 04105: Nguyễn Thị Hà
 * +84915111222, Lê Văn An 1999) with exact counts, one test per bad input, the scope rule, and the
 * per-commune counts against population.
 */
let database: Database;
let app: TestAppInstance;
let member: Record<string, number>;
let officerMaiSon: TestClient, officerChiengAn: TestClient, province: TestClient, viewer: TestClient;
const clock = new FixedClock('2026-11-05T07:00:00+07:00');
let restoreClock: () => void;
const SON_LA: Scope = { kind: 'province', provinceCode: '14' };
const dryRun = (name: string, data: Buffer, scope: Scope = SON_LA) => importCompletions(database.db, { name, data }, { scope, commit: false });
const commit = (name: string, data: Buffer, scope: Scope = SON_LA) => importCompletions(database.db, { name, data }, { scope, commit: true, actor: { userId: null, ip: null } });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: AppError) => e);
const count = async (table: string) => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.raw(table)}`))[0].n;
const errors = (r: CompletionReport) => r.problems.filter((p) => p.severity === 'error');
const upload = (c: TestClient, name: string, data: Buffer, query = 'commit=false') => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), name);
  return c.request({ method: 'POST', url: `/api/course-completions/import?${query}`, payload: form });
};
/** A list in the fixture's columns, as CSV. */
const one = (rows: Cell[][]) => listCsv(COURSE_HEADER, rows);
/** The counts a report must show for the fixture, whatever the format. */
const summary = (r: CompletionReport) => ({
  rows: r.rows,
  skipped: r.skipped.byReason,
  completions: r.completions,
  byCourse: r.byCourse.map((c) => [c.code, c.completions]),
  matched: r.matched,
  unmatched: r.unmatched.rows.map((u) => [u.row, u.fullName, u.commune]),
  refused: r.refused,
  refusedRows: errors(r).map((p) => [p.row, p.column]),
  shape: r.shape.communes.map((c) => [c.code, c.name, c.completions, c.matched, c.unmatched]),
});
const FIXTURE_SUMMARY = {
  // below the header: the numbering row, 12 list rows, the totals row and 3 signature rows (blank rows are no rows)
  rows: 17,
  skipped: { numbering: 1, totals: 1, signature: 3 },
  completions: 9,
  byCourse: [['binh_dan_hoc_vu_so', 7], ['onetouch', 2]],
  matched: { phone: 3, nameBirthCommune: 2 },
  unmatched: [[11, 'Lò Thị Mai', 'Phường Chiềng An'], [12, 'Cầm Văn Tuấn', 'Xã Mai Sơn'], [13, 'Hà Văn Tùng', 'Phường Chiềng An'], [14, 'Vì Văn Dũng', null]],
  refused: 3,
  refusedRows: [[15, 'Khóa học'], [16, 'Ngày cấp'], [17, 'Số chứng chỉ']],
  shape: [['03664', 'Phường Chiềng An', 5, 3, 2], ['04105', 'Xã Mai Sơn', 3, 2, 1], [null, 'Chưa xác định xã, phường', 1, 0, 1]],
};

beforeAll(async () => {
  restoreClock = useClock(clock);
  database = await testDatabase();
  app = await testApp(database);
  ({ member } = await sessionsRegistry(database.db));
  officerMaiSon = await signedInClient(app, database.db, { username: 'xa.maison', role: 'commune_officer', unit: '04105' });
  officerChiengAn = await signedInClient(app, database.db, { username: 'xa.chiengan', role: 'commune_officer', unit: '03664' });
  province = await signedInClient(app, database.db, { username: 'tinh', role: 'province_officer', unit: '14' });
  viewer = await signedInClient(app, database.db, { username: 'thanh.tra', role: 'viewer', unit: '14' });
});
afterAll(async () => {
  await app.close();
  await database.close();
  restoreClock();
});

describe('a course administrator’s export', () => {
  it('course names as administrators write them map to the courses of national_courses: accents, case, spacing, synonyms', async () => {
    const matcher = new CourseMatcher(await queryRows(database.db, sql`select code, name, aliases from national_courses order by sort_order`));
    const written = ['Bình dân học vụ số', 'BDHVS', 'bdhvs', 'Binh dan hoc vu so', '  BÌNH  DÂN HỌC VỤ SỐ ', 'Khóa học Bình dân học vụ số', 'Kỹ năng số cộng đồng (OneTouch)', 'OneTouch', 'One Touch', 'ky nang so cong dong', 'OneTouch — Kỹ năng số cộng đồng', 'MobiEdu', 'Mobi Edu', 'MOOC Kỹ năng mềm', 'Bình dân học vụ số (OneTouch)', ''];
    expect(written.map((w) => matcher.codeOf(w))).toEqual(['binh_dan_hoc_vu_so', 'binh_dan_hoc_vu_so', 'binh_dan_hoc_vu_so', 'binh_dan_hoc_vu_so', 'binh_dan_hoc_vu_so', 'binh_dan_hoc_vu_so', 'onetouch', 'onetouch', 'onetouch', 'onetouch', 'onetouch', 'mobiedu', 'mobiedu', null, null, null]);
    expect([matcher.courseInText('DANH SÁCH HỌC VIÊN HOÀN THÀNH KHÓA HỌC BÌNH DÂN HỌC VỤ SỐ'), matcher.courseInText('DANH SÁCH HOÀN THÀNH KHÓA HỌC TRỰC TUYẾN')]).toEqual(['binh_dan_hoc_vu_so', null]);
  });

  it('.xlsx: the table found under its title, every row counted, members matched by phone, else by name + birth year + commune', async () => {
    const r = await dryRun('hoan-thanh-2025.xlsx', await courseListXlsx());
    expect(summary(r)).toEqual(FIXTURE_SUMMARY);
    expect(r.sheets).toEqual([{ name: 'Danh sách', headerRow: 4, columns: { certificate: 'Số chứng chỉ', fullName: 'Họ và tên học viên', course: 'Khóa học', completedOn: 'Ngày cấp', phone: 'Điện thoại', birth: 'Ngày sinh', unit: 'Nơi công tác' }, ignored: ['STT'], titleCourse: null }]);
    expect(r.unmatched.rows.map((u) => u.reason)).toEqual([
      'Số điện thoại không phải của thành viên nào trong phạm vi của bạn; không có thành viên "Lò Thị Mai" sinh năm 1980 ở Phường Chiềng An',
      'Không có số điện thoại hợp lệ; không có năm sinh để đối chiếu theo tên',
      'Số điện thoại là của một thành viên khác tên; không có thành viên "Hà Văn Tùng" sinh năm 1970 ở Phường Chiềng An',
      'Không có số điện thoại hợp lệ; không xác định được xã, phường nào của tỉnh Sơn La từ "Công ty Điện lực tỉnh"',
    ]);
    expect(r.skipped.rows.map((s) => [s.row, s.why])).toEqual([[5, 'dòng đánh số cột (1, 2, 3 …)'], [19, 'dòng tổng cộng'], [21, 'phần ký tên cuối bảng'], [22, 'phần ký tên cuối bảng'], [23, 'phần ký tên cuối bảng']]);
    expect([r.committed, r.importId, await count('course_completions'), await count('course_imports')]).toEqual([false, null, 0, 0]);
  });

  it('the same list as CSV reads the same', async () => {
    const r = await dryRun('hoan-thanh-2025.csv', courseListCsv());
    expect(summary(r)).toEqual(FIXTURE_SUMMARY);
  });

  it('names typed in the legacy TCVN3 and VNI fonts are read as Unicode (with a warning) and matched', async () => {
    const r = await dryRun('cu.csv', one([[1, 'L-1', 'Lß V¨n B×nh', 'BDHVS', '02/09/2025', '', '1988', 'Xã Chiềng Xôm'], [2, 'L-2', 'Nguyeãn Thò Haø', 'BDHVS', '02/09/2025', '0915 111 222', '1975', '']]));
    expect([r.matched, r.refused, r.problems.map((p) => [p.row, p.severity, p.message])]).toEqual([
      { phone: 1, nameBirthCommune: 1 },
      0,
      [[2, 'warning', 'Chữ gõ bằng bảng mã cũ TCVN3 (ABC, phông .Vn…): "Lß V¨n B×nh" đã chuyển thành "Lò Văn Bình"'], [3, 'warning', 'Chữ gõ bằng bảng mã cũ VNI: "Nguyeãn Thò Haø" đã chuyển thành "Nguyễn Thị Hà"']],
    ]);
  });

  it('a commit writes exactly what the dry run reported, each completion with its member, commune and match', async () => {
    const data = await courseListXlsx();
    const dry = await dryRun('hoan-thanh-2025.xlsx', data);
    const done = await commit('hoan-thanh-2025.xlsx', data);
    expect({ ...done, committed: false, importId: null }).toEqual(dry);
    expect(done.committed).toBe(true);
    const rows = await queryRows<{ name: string; member: number | null; kind: string | null; commune: string | null; course: string; day: string; cert: string | null; phone: string | null; year: number | null }>(
      database.db,
      sql`select c.full_name as name, c.member_id as member, c.match_kind as kind, u.code as commune, c.course_code as course, c.completed_on::text as day, c.certificate_no as cert, c.phone, c.birth_year as year
            from course_completions c left join admin_units u on u.id = c.commune_id where c.import_id = ${done.importId} order by c.source_row`,
    );
    expect(rows).toEqual([
      { name: 'Hà Thị Hiền', member: member['Hà Thị Hiền'], kind: 'phone', commune: '03664', course: 'binh_dan_hoc_vu_so', day: '2025-08-15', cert: 'BDHVS-0001', phone: '+84912345678', year: 1995 },
      { name: 'Lò Văn Bình', member: member['Lò Văn Bình'], kind: 'name_birth_commune', commune: '03664', course: 'binh_dan_hoc_vu_so', day: '2025-09-02', cert: 'BDHVS-0002', phone: null, year: 1988 },
      { name: 'Quàng Thị Hòa', member: member['Quàng Thị Hoà'], kind: 'phone', commune: '03664', course: 'onetouch', day: '2025-10-01', cert: 'OT0003', phone: '+84987654321', year: 2001 },
      { name: 'Nguyễn Thị Hà', member: member['Nguyễn Thị Hà'], kind: 'phone', commune: '04105', course: 'binh_dan_hoc_vu_so', day: '2025-10-20', cert: 'BDHVS-0004', phone: '+84915111222', year: 1975 },
      { name: 'Lê Văn An', member: member['Lê Văn An'], kind: 'name_birth_commune', commune: '04105', course: 'binh_dan_hoc_vu_so', day: '2025-10-21', cert: 'BDHVS-0005', phone: null, year: 1999 },
      { name: 'Lò Thị Mai', member: null, kind: null, commune: '03664', course: 'binh_dan_hoc_vu_so', day: '2025-11-05', cert: 'BDHVS-0006', phone: '+84978111222', year: 1980 },
      { name: 'Cầm Văn Tuấn', member: null, kind: null, commune: '04105', course: 'onetouch', day: '2025-09-03', cert: 'OT-0007', phone: null, year: null },
      { name: 'Hà Văn Tùng', member: null, kind: null, commune: '03664', course: 'binh_dan_hoc_vu_so', day: '2025-08-16', cert: 'BDHVS-0008', phone: '+84912345678', year: 1970 },
      { name: 'Vì Văn Dũng', member: null, kind: null, commune: null, course: 'binh_dan_hoc_vu_so', day: '2025-10-10', cert: 'BDHVS-0009', phone: null, year: 1990 },
    ]);
    expect(await queryRows(database.db, sql`select file_name as "fileName", rows, matched, unmatched from course_imports`)).toEqual([{ fileName: 'hoan-thanh-2025.xlsx', rows: 17, matched: 5, unmatched: 4 }]);
    expect(await queryRows(database.db, sql`select action, entity_id as "entityId", province_code as "provinceCode" from audit_log where action = 'course_completions.imported'`)).toEqual([{ action: 'course_completions.imported', entityId: String(done.importId), provinceCode: '14' }]);
  });

  it('counts per commune against population: completions, members, residents, people once', async () => {
    await database.db.execute(sql`insert into unit_population (unit_id, year, population) select id, 2026, 2000 from admin_units where code = '03664' and valid_to is null`);
    const res = await province.get('/api/course-completions?unit=14');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const chiengAn = body.communes.find((c: { code: string }) => c.code === '03664');
    const maiSon = body.communes.find((c: { code: string }) => c.code === '04105');
    expect(chiengAn).toEqual({ code: '03664', name: 'Phường Chiềng An', completions: 5, byCourse: { binh_dan_hoc_vu_so: 4, onetouch: 1 }, members: 3, residents: 2, people: 5, population: 2000, populationYear: 2026, ratio: 0.0025 });
    expect(maiSon).toEqual({ code: '04105', name: 'Xã Mai Sơn', completions: 3, byCourse: { binh_dan_hoc_vu_so: 2, onetouch: 1 }, members: 2, residents: 1, people: 3, population: null, populationYear: null, ratio: null });
    expect(body.communes.filter((c: { completions: number }) => c.completions > 0).length).toBe(2);
    expect(body.totals).toEqual({ completions: 9, byCourse: { binh_dan_hoc_vu_so: 7, onetouch: 2 }, members: 5, residents: 4, people: 9, population: 2000, populationYear: 2026, ratio: 0.0045, unassigned: 1 });
    const commune = await officerChiengAn.get('/api/course-completions?unit=03664&from=2025-09-01&to=2025-12-31');
    expect(commune.json().totals).toEqual({ completions: 3, byCourse: { binh_dan_hoc_vu_so: 2, onetouch: 1 }, members: 2, residents: 1, people: 3, population: null, populationYear: null, ratio: null, unassigned: 0 });
    // a figure of a year up to the period's end counts
    expect((await officerChiengAn.get('/api/course-completions?unit=03664&to=2026-12-31')).json().totals.ratio).toBe(0.0025);
    expect((await viewer.get('/api/course-completions?unit=04105')).json().totals.completions).toBe(3);
    expect((await officerChiengAn.get('/api/course-completions?unit=04105')).json().error.code).toBe('OUT_OF_SCOPE');
    expect((await officerChiengAn.get('/api/course-completions?unit=14')).json().error.code).toBe('OUT_OF_SCOPE');
    expect((await province.get('/api/course-completions?unit=01')).json().error.code).toBe('OUT_OF_SCOPE');
  });
});

describe('in the training report', () => {
  it('completions count in the period and the commune their list named; a member who completed a course is trained', async () => {
    const year = (await province.get('/api/reports/trainings?unit=14&from=2025-01-01&to=2025-12-31')).json();
    expect(year.totals).toMatchObject({ sessions: 0, members: 5, neverTrained: 0, courseCompletions: 9, courseMembers: 5 });
    expect(year.children.map((c: { code: string; courseCompletions: number; courseMembers: number }) => [c.code, c.courseCompletions, c.courseMembers])).toEqual([
      ['03664', 5, 3],
      ['04105', 3, 2],
    ]);
    expect(year.sentence).toBe('Từ 01/01/2025 đến 31/12/2025, Tỉnh Sơn La đã tổ chức 0 lớp tập huấn tại 0 điểm cầu cho 0 thành viên; 9 lượt hoàn thành khóa học kỹ năng số trực tuyến.');
    // by the end of August only Hà Thị Hiền (15/08) had completed one; Hà Văn Tùng (16/08) is a resident
    const august = (await province.get('/api/reports/trainings?unit=14&from=2025-01-01&to=2025-08-31')).json();
    expect(august.totals).toMatchObject({ courseCompletions: 2, courseMembers: 1, neverTrained: 4 });
  });
});

describe('a list of one course', () => {
  it('names the course in its title when it has no course column; without either, each row says so', async () => {
    const titled = listCsv(['DANH SÁCH HỌC VIÊN HOÀN THÀNH KHÓA HỌC BÌNH DÂN HỌC VỤ SỐ'], [[], ['Họ tên', 'SĐT', 'Xã', 'Ngày hoàn thành'], ['Lê Văn An', '0912000111', 'Mai Sơn', '2025-10-21']]);
    const r = await dryRun('bdhvs.csv', titled);
    expect([r.sheets[0].titleCourse, r.completions, r.byCourse.map((c) => c.code), r.matched]).toEqual(['binh_dan_hoc_vu_so', 1, ['binh_dan_hoc_vu_so'], { phone: 1, nameBirthCommune: 0 }]);
    const bare = await dryRun('khong-ro.csv', listCsv(['Họ tên', 'SĐT', 'Xã', 'Ngày hoàn thành'], [['Lê Văn An', '0912000111', 'Mai Sơn', '21/10/2025']]));
    expect(errors(bare).map((p) => [p.row, p.column, p.message])).toEqual([[2, '', 'Không rõ khóa học: bảng không có cột "Khóa học" và tiêu đề không nêu tên khóa. Các khóa học đã biết: Bình dân học vụ số, OneTouch — Kỹ năng số cộng đồng, MobiEdu']]);
  });
});

describe('bad input', () => {
  it('an unknown course is a row problem naming the value and the known courses', async () => {
    const r = await dryRun('la.csv', one([[1, 'X-1', 'Lường Thị Nga', 'MOOC Kỹ năng mềm', '10/10/2025', '', '1992', 'Xã Mai Sơn'], [2, 'X-2', 'Lường Văn Nam', 'Khóa học Bình dân học vụ số', '10/10/2025', '', '1991', 'Xã Mai Sơn']]));
    expect(errors(r)).toEqual([
      {
        sheet: 'la.csv', row: 2, column: 'Khóa học', severity: 'error',
        message: 'Khóa học "MOOC Kỹ năng mềm" không có trong danh mục khóa học quốc gia. Các khóa học đã biết: Bình dân học vụ số, OneTouch — Kỹ năng số cộng đồng, MobiEdu',
        suggestion: 'Sửa tên khóa học cho đúng một trong các khóa trên (viết tắt như "BDHVS" cũng được), hoặc đề nghị quản trị viên thêm khóa học vào danh mục',
      },
    ]);
    expect([r.refused, r.completions, r.byCourse]).toEqual([1, 1, [{ code: 'binh_dan_hoc_vu_so', name: 'Bình dân học vụ số', completions: 1 }]]);
  });

  it('impossible days and days in the future are refused with why', async () => {
    const r = await dryRun('ngay.csv', one([[1, 'N-1', 'Tòng Văn Lợi', 'BDHVS', '31/02/2025', '', '1985', 'Xã Mai Sơn'], [2, 'N-2', 'Tòng Văn Lả', 'BDHVS', '01/12/2026', '', '1985', 'Xã Mai Sơn'], [3, 'N-3', 'Tòng Văn Lò', 'BDHVS', '13/13/2025', '', '1985', 'Xã Mai Sơn'], [4, 'N-4', 'Tòng Văn Tính', 'BDHVS', '05/11/2026', '', '1985', 'Xã Mai Sơn']]));
    expect(errors(r).map((p) => [p.row, p.column, p.message])).toEqual([
      [2, 'Ngày cấp', 'Ngày hoàn thành "31/02/2025" không có thật: tháng 2 năm 2025 không có ngày 31'],
      [3, 'Ngày cấp', 'Ngày hoàn thành 01/12/2026 còn ở tương lai (hôm nay là 05/11/2026)'],
      [4, 'Ngày cấp', 'Ngày hoàn thành "13/13/2025" không có thật: không có tháng 13'],
    ]);
    expect([r.refused, r.completions]).toEqual([3, 1]);
  });

  it('a certificate number twice in the file, or imported before, is refused with the row of the first', async () => {
    const r = await dryRun('trung.csv', one([
      [1, 'BDHVS-0100', 'Lò Văn Một', 'BDHVS', '10/10/2025', '', '1985', 'Xã Mai Sơn'],
      [2, 'bdhvs - 0100', 'Lò Văn Hai', 'Bình dân học vụ số', '11/10/2025', '', '1986', 'Xã Mai Sơn'],
      [3, 'BDHVS-0100', 'Lò Văn Ba', 'OneTouch', '11/10/2025', '', '1987', 'Xã Mai Sơn'],
      [4, 'BDHVS-0002', 'Lò Văn Bình', 'BDHVS', '02/09/2025', '', '1988', 'Xã Chiềng Xôm'],
    ]));
    expect(errors(r).map((p) => [p.row, p.column, p.message])).toEqual([
      [3, 'Số chứng chỉ', 'Số chứng chỉ "BDHVS-0100" của khóa Bình dân học vụ số trùng với dòng 2 của tệp này (Lò Văn Một)'],
      [5, 'Số chứng chỉ', 'Số chứng chỉ "BDHVS-0002" của khóa Bình dân học vụ số đã được nhập ở dòng 7 (trang "Danh sách") của tệp "hoan-thanh-2025.xlsx", nhập ngày 05/11/2026'],
    ]);
    // the same number in another course is another certificate
    expect([r.refused, r.completions]).toEqual([2, 2]);
  });

  it('a cell far longer than a name or a course refuses its row with a short quote, never the whole cell', async () => {
    const r = await dryRun('dai.csv', one([[1, 'X-1', 'A'.repeat(200_000), 'BDHVS', '15/08/2025', '', '1990', 'Xã Mai Sơn'], [2, 'X-2', 'Lò Văn Hai', 'B'.repeat(200_000), '15/08/2025', '', '1990', 'Xã Mai Sơn'], [3, 'X-3', 'Lò Văn Ba', 'BDHVS', '15/08/2025', '', '1990', 'Xã Mai Sơn']]));
    expect(r.refused).toBe(2);
    const long = errors(r).map((p) => p.message);
    expect(long).toHaveLength(2);
    expect(long[0]).toBe(`Ô "${errors(r)[0].column}" dài 200.000 ký tự, tối đa 120: "${'A'.repeat(80)}…"`);
    expect(long[1]).toMatch(/^Ô ".+" dài 200\.000 ký tự, tối đa 200: "B{80}…"$/);
    expect(JSON.stringify(r).length).toBeLessThan(20_000);
  });

  it('a NUL character in a CSV cell (after the first 4 KB) is dropped, not a 500', async () => {
    const rows: Cell[][] = Array.from({ length: 120 }, (_, i) => [i + 1, `NUL-${i}`, 'Lò Văn Đệm', 'BDHVS', '15/08/2025', '', '1990', 'Xã Mai Sơn']);
    rows.push([121, 'NUL-121', 'Lò Văn \u0000Nul', 'BDHVS', '15/08/2025', '', '1990', 'Xã Mai Sơn']);
    const r = await commit('nul.csv', one(rows));
    expect(r.refused).toBe(0);
    expect(await queryRows(database.db, sql`select full_name as "fullName" from course_completions where certificate_no = 'NUL-121'`)).toEqual([{ fullName: 'Lò Văn Nul' }]);
  });

  it('a file with no recognisable header is refused with the headers looked for', async () => {
    const e = await failure(dryRun('bang-khac.csv', listCsv(['Mã', 'Tên đơn vị', 'Ghi chú'], [['1', 'Xã Mai Sơn', '']])));
    expect([e.code, e.message]).toEqual([
      'IMPORT_NO_VALID_ROWS',
      'Không tìm thấy hàng tiêu đề của danh sách trong 30 dòng đầu của tệp "bang-khac.csv" (cần cột họ và tên và ít nhất hai cột khác). Các tiêu đề được nhận ra: Họ và tên / Họ tên; Số điện thoại / SĐT / Điện thoại; Năm sinh / Ngày sinh; Đơn vị / Xã / Phường / Địa chỉ / Nơi công tác; Khóa học / Tên khóa học / Chương trình; Ngày hoàn thành / Ngày cấp / Thời gian hoàn thành; Số chứng chỉ / Mã chứng nhận / Số hiệu. Hãy thêm hoặc sửa hàng tiêu đề rồi tải lên lại; chưa ghi gì.',
    ]);
  });

  it('nothing half-written: a commit with no storable row writes nothing, not even its log', async () => {
    const before = [await count('course_completions'), await count('course_imports'), await count('audit_log')];
    const e = await failure(commit('hong.csv', one([[1, 'H-1', 'Lò Văn Một', 'Lớp cắm hoa', '10/10/2025', '', '1985', 'Xã Mai Sơn'], [2, 'BDHVS-0001', 'Hà Thị Hiền', 'BDHVS', '15/08/2025', '', '1995', '']])));
    expect([e.code, e.message]).toEqual(['IMPORT_NO_VALID_ROWS', 'Tệp "hong.csv" không có dòng hoàn thành khóa học nào ghi được (2 dòng bị từ chối); chưa ghi gì.']);
    expect([await count('course_completions'), await count('course_imports'), await count('audit_log')]).toEqual(before);
  });
});

describe('scope', () => {
  it('a commune officer’s list matches no member of another commune by phone and does not name them; rows of another commune are refused', async () => {
    const rows: Cell[][] = [
      // Hiền's phone and name, without a unit: Hiền is Chiềng An's, outside Mai Sơn's officer's scope
      [1, 'S-1', 'Hà Thị Hiền', 'BDHVS', '15/08/2025', '0912345678', '1995', ''],
      [2, 'S-2', 'Lò Văn Bình', 'BDHVS', '15/08/2025', '', '1988', 'Phường Chiềng An'],
      [3, 'S-3', 'Lê Văn An', 'BDHVS', '15/08/2025', '0912 000 111', '1999', ''],
    ];
    // Hiền's row alone: unmatched, and nothing of her leaves (neither her commune nor her team)
    const alone = await upload(officerMaiSon, 'mot-dong.csv', one(rows.slice(0, 1)));
    expect((alone.json() as CompletionReport).unmatched.rows.map((u) => u.reason)).toEqual(['Số điện thoại không phải của thành viên nào trong phạm vi của bạn; không có thành viên "Hà Thị Hiền" sinh năm 1995 ở Xã Mai Sơn']);
    expect([alone.body.includes('Chiềng An'), alone.body.includes('Chiềng Xôm'), alone.body.includes('memberId')]).toEqual([false, false, false]);
    const res = await upload(officerMaiSon, 'xa-mai-son.csv', one(rows));
    expect(res.statusCode).toBe(200);
    const r = res.json() as CompletionReport;
    expect(summary(r).unmatched).toEqual([[2, 'Hà Thị Hiền', 'Xã Mai Sơn']]);
    expect(errors(r).map((p) => [p.row, p.message])).toEqual([[3, 'Đơn vị "Phường Chiềng An" là Phường Chiềng An, ngoài phạm vi được giao cho bạn; dòng này không được ghi']]);
    expect([r.matched, r.shape.communes]).toEqual([{ phone: 1, nameBirthCommune: 0 }, [{ code: '04105', name: 'Xã Mai Sơn', completions: 2, matched: 1, unmatched: 1 }]]);
    // the same list from Chiềng An's officer: Hiền by phone, Bình by name, birth year and commune; Lê Văn An is not theirs
    const own = (await upload(officerChiengAn, 'xa-chieng-an.csv', one(rows))).json() as CompletionReport;
    expect([own.matched, own.refused, summary(own).unmatched]).toEqual([{ phone: 1, nameBirthCommune: 1 }, 0, [[4, 'Lê Văn An', 'Phường Chiềng An']]]);
  });

  it('an officer imports only for their own province; readers and team roles may not import', async () => {
    expect((await upload(officerMaiSon, 'x.csv', courseListCsv(), 'province=01')).json().error.code).toBe('OUT_OF_SCOPE');
    expect((await upload(viewer, 'x.csv', courseListCsv())).json().error.code).toBe('FORBIDDEN');
  });
});

describe('size', () => {
  const many = (n: number) => {
    const communes = ['Xã Mai Sơn', 'Phường Chiềng An', 'Xã Chiềng Mung', 'Phường Tô Hiệu'];
    const rows: Cell[][] = [];
    for (let i = 1; i <= n; i++) rows.push([i, `BDHVS-L-${i}`, `Lò Văn Số ${i}`, i % 3 ? 'BDHVS' : 'OneTouch', '10/10/2025', `09${String(70_000_000 + i).padStart(8, '0')}`, String(1960 + (i % 40)), communes[i % 4]]);
    return listCsv(COURSE_HEADER, rows);
  };

  it('a 20,000-row list is read, matched and committed', async () => {
    const r = await commit('lon.csv', many(20_000));
    expect([r.rows, r.completions, r.refused, r.matched, r.unmatched.count, r.byCourse.map((c) => c.completions)]).toEqual([20_000, 20_000, 0, { phone: 0, nameBirthCommune: 0 }, 20_000, [13_334, 6_666]]);
    expect(r.shape.communes.map((c) => [c.code, c.completions])).toEqual([['03664', 5000], ['03646', 5000], ['04123', 5000], ['04105', 5000]]);
    expect(await queryRows(database.db, sql`select count(*)::int as n from course_completions where import_id = ${r.importId}`)).toEqual([{ n: 20_000 }]);
  });

  it('over 50,000 rows is refused with a message, nothing read into the database', async () => {
    const e = await failure(dryRun('qua-lon.csv', many(50_001)));
    expect([e.code, e.message]).toEqual(['IMPORT_FILE_TOO_LARGE', 'Tệp "qua-lon.csv" có hơn 50.000 dòng dữ liệu, vượt giới hạn mỗi lần nhập. Hãy tách danh sách theo xã hoặc theo khóa học rồi nhập từng tệp; chưa ghi gì.']);
  });
});
