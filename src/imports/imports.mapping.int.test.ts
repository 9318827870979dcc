import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { csv } from '../../test/fixtures.js';
import { countRows, registrySnapshot } from '../../test/registry-snapshot.js';
import { type Database, queryRows } from '../db/client.js';
import { shapeKeyOf } from './imports.mapping.js';

/**
 * Correcting the column mapping before committing, remembering it for the next file of the same
 * shape, and answering "which unit did you mean" for commune names that do not resolve — through
 * POST /api/imports, as the web page sends them.
 *
 * The roster below is a commune's list whose "Điện thoại (cơ quan)" column holds the commune
 * office's landline (the same on every row) and whose "Số di động" column holds the members'
 * mobiles. Found by names, the office column becomes the phone: the shared number then belongs to
 * three names, so two rows are refused. Corrected (office → ignored, mobile → phone), all three
 * import with their own numbers.
 */
const HEADER = ['STT', 'Họ và tên', 'Giới tính', 'Năm sinh', 'Điện thoại (cơ quan)', 'Số di động', 'Xã/phường'];
const ROSTER = [
  HEADER,
  [1, 'Mùa A Sử', 'Nam', 1985, '0212 3852 123', '0388 100 001', 'Tà Xùa'],
  [2, 'Thào Thị Dế', 'Nữ', 1994, '0212 3852 123', '0388 100 002', 'Tà Xùa'],
  [3, 'Giàng A Lồng', 'Nam', 1990, '0212 3852 123', '0388 100 003', 'Tà Xùa'],
];
/** The correction an officer makes in the web page: column 4 (E) ignored, column 5 (F) is the phone. */
const CORRECTION = { 'ds-ta-xua.csv': { 4: null, 5: 'phone' } };
const TEAM = 'Tổ công nghệ số cộng đồng xã Tà Xùa';

let database: Database;
let app: TestAppInstance;
let officer: TestClient;
let communeOfficer: TestClient;
let taXua: string;
withTestApp(async (t) => {
  ({ database, app } = t);
  officer = await signedInClient(app, database.db, { username: 'canbo.tinh', role: 'province_officer', unit: '14' });
  const [unit] = await queryRows<{ code: string }>(database.db, sql`select code from admin_units where name = 'Xã Tà Xùa' and valid_to is null`);
  taXua = unit.code;
  communeOfficer = await signedInClient(app, database.db, { username: 'canbo.xa', role: 'commune_officer', unit: taXua });
});

/** POST /api/imports with one or more files and the optional text fields, as the web page sends it. */
function upload(client: TestClient, files: { name: string; data: Buffer }[], opts: { commit?: boolean; mapping?: unknown; unitChoices?: unknown; province?: string } = {}) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.data)]), f.name);
  if (opts.mapping !== undefined) form.append('mapping', typeof opts.mapping === 'string' ? opts.mapping : JSON.stringify(opts.mapping));
  if (opts.unitChoices !== undefined) form.append('unitChoices', typeof opts.unitChoices === 'string' ? opts.unitChoices : JSON.stringify(opts.unitChoices));
  return client.request({ method: 'POST', url: `/api/imports?commit=${opts.commit ?? false}&province=${opts.province ?? '14'}`, payload: form });
}

const savedMappingRows = () => queryRows<{ shapeKey: string; headers: string[]; mapping: Record<string, string | null> }>(database.db, sql`select shape_key as "shapeKey", headers, mapping from import_mappings order by shape_key`);

/** Counts of everything an upload could write, to assert that a refused upload wrote nothing. */
async function written() {
  return {
    members: await countRows(database.db, 'members'),
    teams: await countRows(database.db, 'teams'),
    imports: await countRows(database.db, 'import_log'),
    mappings: (await savedMappingRows()).length,
  };
}

describe('correcting the column mapping', () => {
  it('a dry run shows every header column with its field, and the shared office number refuses two rows', async () => {
    const res = await upload(officer, [{ name: 'ds-ta-xua.csv', data: csv(ROSTER) }]);
    expect(res.statusCode).toBe(200);
    const [file] = res.json().files;
    expect(file.sheets).toEqual([
      {
        name: 'ds-ta-xua.csv',
        headerRow: 1,
        mapping: { fullName: 'Họ và tên', gender: 'Giới tính', birthYear: 'Năm sinh', phone: 'Điện thoại (cơ quan)', commune: 'Xã/phường' },
        ignored: ['STT', 'Số di động'],
        shapeKey: shapeKeyOf(HEADER),
        columns: [
          { index: 0, header: 'STT', field: null },
          { index: 1, header: 'Họ và tên', field: 'fullName' },
          { index: 2, header: 'Giới tính', field: 'gender' },
          { index: 3, header: 'Năm sinh', field: 'birthYear' },
          { index: 4, header: 'Điện thoại (cơ quan)', field: 'phone' },
          { index: 5, header: 'Số di động', field: null },
          { index: 6, header: 'Xã/phường', field: 'commune' },
        ],
        mappingSource: 'auto',
      },
    ]);
    expect(file.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 2 });
    expect(file.problems.map((p: { row: number; message: string }) => [p.row, p.message])).toEqual([
      [3, 'Số điện thoại 02123852123 đã là của "Mùa A Sử" ở dòng 2 của tệp'],
      [4, 'Số điện thoại 02123852123 đã là của "Mùa A Sử" ở dòng 2 của tệp'],
    ]);
    expect(res.json().fields).toContainEqual({ field: 'phone', label: 'Số điện thoại' });
    expect(await written()).toEqual({ members: 0, teams: 0, imports: 0, mappings: 0 });
  });

  it('a dry run with the correction maps the mobile column and still writes nothing', async () => {
    const res = await upload(officer, [{ name: 'ds-ta-xua.csv', data: csv(ROSTER) }], { mapping: CORRECTION });
    expect(res.statusCode).toBe(200);
    const [file] = res.json().files;
    expect(file.counts).toEqual({ new: 3, updated: 0, unchanged: 0, invalid: 0 });
    expect(file.problems).toEqual([]);
    expect(file.sheets[0]).toMatchObject({
      mapping: { fullName: 'Họ và tên', gender: 'Giới tính', birthYear: 'Năm sinh', phone: 'Số di động', commune: 'Xã/phường' },
      ignored: ['STT', 'Điện thoại (cơ quan)'],
      mappingSource: 'override',
      mappingNote: 'Cách ghép cột do bạn chỉnh; sẽ được lưu cho các tệp sau có cùng hàng tiêu đề khi bấm "Ghi vào sổ".',
    });
    expect(await written()).toEqual({ members: 0, teams: 0, imports: 0, mappings: 0 });
  });

  it('committing with the correction writes the exact registry and remembers the mapping for the header', async () => {
    const res = await upload(officer, [{ name: 'ds-ta-xua.csv', data: csv(ROSTER) }], { mapping: CORRECTION, commit: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().files[0]).toMatchObject({ committed: true, counts: { new: 3, updated: 0, unchanged: 0, invalid: 0 }, sheets: [{ mappingSource: 'override', mappingNote: 'Đã lưu cách ghép cột bạn chỉnh: các tệp sau có cùng hàng tiêu đề sẽ tự dùng cách này.' }] });
    expect(await registrySnapshot(database.db)).toEqual([
      { unit: `${taXua} Xã Tà Xùa`, level: 'commune', team: TEAM, fullName: 'Giàng A Lồng', gender: 'male', birthYear: 1990, phone: '+84388100003', role: 'member', affiliations: [] },
      { unit: `${taXua} Xã Tà Xùa`, level: 'commune', team: TEAM, fullName: 'Mùa A Sử', gender: 'male', birthYear: 1985, phone: '+84388100001', role: 'member', affiliations: [] },
      { unit: `${taXua} Xã Tà Xùa`, level: 'commune', team: TEAM, fullName: 'Thào Thị Dế', gender: 'female', birthYear: 1994, phone: '+84388100002', role: 'member', affiliations: [] },
    ]);
    expect(await savedMappingRows()).toEqual([
      { shapeKey: shapeKeyOf(HEADER), headers: HEADER, mapping: { 0: null, 1: 'fullName', 2: 'gender', 3: 'birthYear', 4: null, 5: 'phone', 6: 'commune' } },
    ]);
    const [audit] = await queryRows<{ action: string; entityId: string }>(database.db, sql`select action, entity_id as "entityId" from audit_log where action = 'import.mapping_saved'`);
    expect(audit).toEqual({ action: 'import.mapping_saved', entityId: shapeKeyOf(HEADER) });
  });

  it('applies the remembered mapping to the next file whose header reads the same, and says so', async () => {
    // another commune's file: the same header typed in capitals and without diacritics
    const next = [
      ['STT', 'HỌ VÀ TÊN', 'Gioi tinh', 'NĂM SINH', 'Dien thoai (co quan)', 'SỐ DI ĐỘNG', 'Xa/phuong'],
      [1, 'Sùng Thị Pàng', 'Nữ', 1992, '0212 3852 123', '0388 200 001', 'Tà Xùa'],
      [2, 'Mùa A Sử', 'Nam', 1985, '0212 3852 123', '0388 100 001', 'Tà Xùa'],
    ];
    expect(shapeKeyOf(next[0] as string[])).toBe(shapeKeyOf(HEADER));
    const dry = await upload(officer, [{ name: 'ds-moi.csv', data: csv(next) }]);
    const [file] = dry.json().files;
    expect(file.sheets[0].mappingSource).toBe('saved');
    expect(file.sheets[0].mappingNote).toMatch(/^Đã áp dụng cách ghép cột đã lưu \(lưu ngày \d{2}\/\d{2}\/\d{4}\) cho hàng tiêu đề này\./);
    expect(file.sheets[0].mapping).toEqual({ fullName: 'HỌ VÀ TÊN', gender: 'Gioi tinh', birthYear: 'NĂM SINH', phone: 'SỐ DI ĐỘNG', commune: 'Xa/phuong' });
    expect(file.counts).toEqual({ new: 1, updated: 0, unchanged: 1, invalid: 0 });

    const res = await upload(officer, [{ name: 'ds-moi.csv', data: csv(next) }], { commit: true });
    expect(res.json().files[0].counts).toEqual({ new: 1, updated: 0, unchanged: 1, invalid: 0 });
    expect((await registrySnapshot(database.db)).map((r) => [r.team, r.fullName, r.phone])).toEqual([
      [TEAM, 'Giàng A Lồng', '+84388100003'],
      [TEAM, 'Mùa A Sử', '+84388100001'],
      [TEAM, 'Sùng Thị Pàng', '+84388200001'],
      [TEAM, 'Thào Thị Dế', '+84388100002'],
    ]);
    // applying a remembered mapping does not save it again
    expect(await savedMappingRows()).toHaveLength(1);
  });

  it('remembers a mapping saved explicitly, without importing, and uses it for a header not recognised by names', async () => {
    const headers = ['Họ tên thành viên', 'ĐT di động', 'Bản', 'Xã'];
    const res = await officer.post('/api/imports/mappings', { headers, mapping: { 0: 'fullName', 1: 'phone', 2: 'village', 3: 'commune' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ shapeKey: shapeKeyOf(headers), headers, mapping: { 0: 'fullName', 1: 'phone', 2: 'village', 3: 'commune' } });
    const dry = await upload(officer, [{ name: 'ban.csv', data: csv([headers, ['Vàng A Tủa', '0388 300 001', 'Bản Bẹ', 'Tà Xùa']]) }], { province: '14' });
    const [file] = dry.json().files;
    // "Họ tên thành viên" names no field, so without the saved mapping the sheet would have no header
    expect(file.sheets[0]).toMatchObject({ headerRow: 1, mappingSource: 'saved', mapping: { fullName: 'Họ tên thành viên', phone: 'ĐT di động', village: 'Bản', commune: 'Xã' } });
    expect(file.rows).toEqual([{ sheet: 'ban.csv', row: 2, outcome: 'new', fullName: 'Vàng A Tủa', team: 'Tổ công nghệ số cộng đồng Bản Bẹ', unit: 'Xã Tà Xùa' }]);
    expect(await countRows(database.db, 'members')).toBe(4);
  });
});

describe('which unit did you mean', () => {
  const ambiguous = () => csv([
    ['Họ và tên', 'Năm sinh', 'Xã/phường', 'Tỉnh'],
    ['Lò Văn Chung', 1980, 'Chiềng Chung', 'Sơn La'],
    ['Lò Thị Chiên', 1982, 'Chiềng Chung', 'Sơn La'],
  ]);

  it('asks about an old commune name shared by two districts, offering the current units', async () => {
    const res = await upload(officer, [{ name: 'chieng-chung.csv', data: ambiguous() }]);
    const [file] = res.json().files;
    expect(file.counts).toEqual({ new: 0, updated: 0, unchanged: 0, invalid: 2 });
    expect(file.unitQuestions).toEqual([
      {
        name: 'Chiềng Chung',
        province: 'Sơn La',
        reason: 'ambiguous',
        message: 'Có 2 xã cũ tên "Chiềng Chung" ở các huyện khác nhau; hãy ghi thêm huyện cũ',
        rowCount: 2,
        rows: [{ sheet: 'chieng-chung.csv', row: 2 }, { sheet: 'chieng-chung.csv', row: 3 }],
        candidates: [
          { code: '04117', name: 'Xã Mường Chanh', note: 'từ Xã Chiềng Chung (Huyện Mai Sơn, cũ)' },
          { code: '04000', name: 'Xã Đoàn Kết', note: 'từ Xã Chiềng Chung (Thị xã Mộc Châu, cũ)' },
        ],
      },
    ]);
  });

  it('resolves the rows with the chosen unit, in the dry run and on commit', async () => {
    const choice = { 'Chiềng Chung': '04117' };
    const dry = await upload(officer, [{ name: 'chieng-chung.csv', data: ambiguous() }], { unitChoices: choice });
    const [file] = dry.json().files;
    expect(file.counts).toEqual({ new: 2, updated: 0, unchanged: 0, invalid: 0 });
    expect(file.unitQuestions[0].chosen).toBe('04117');
    expect(file.problems).toEqual([]);
    const res = await upload(officer, [{ name: 'chieng-chung.csv', data: ambiguous() }], { unitChoices: choice, commit: true });
    expect(res.json().files[0].counts).toEqual({ new: 2, updated: 0, unchanged: 0, invalid: 0 });
    expect((await registrySnapshot(database.db)).filter((r) => r.unit.startsWith('04117'))).toEqual([
      { unit: '04117 Xã Mường Chanh', level: 'commune', team: 'Tổ công nghệ số cộng đồng xã Mường Chanh', fullName: 'Lò Thị Chiên', gender: null, birthYear: 1982, phone: null, role: 'member', affiliations: [] },
      { unit: '04117 Xã Mường Chanh', level: 'commune', team: 'Tổ công nghệ số cộng đồng xã Mường Chanh', fullName: 'Lò Văn Chung', gender: null, birthYear: 1980, phone: null, role: 'member', affiliations: [] },
    ]);
  });

  it('offers a commune officer only the candidates in their commune', async () => {
    const res = await upload(communeOfficer, [{ name: 'chieng-chung.csv', data: ambiguous() }]);
    expect(res.json().files[0].unitQuestions).toEqual([]);
  });
});

describe('bad corrections and choices are refused and write nothing', () => {
  const file = () => [{ name: 'ds-ta-xua.csv', data: csv(ROSTER) }];
  const refused = async (res: Awaited<ReturnType<typeof upload>>, status: number, code: string, message: string) => {
    expect([res.statusCode, res.json().error.code, res.json().error.message]).toEqual([status, code, message]);
  };
  const fieldList = '"province" (Tỉnh), "district" (Huyện (cũ)), "commune" (Xã/phường), "village" (Thôn/bản/tổ dân phố), "team" (Tổ), "fullName" (Họ và tên), "gender" (Giới tính), "birthYear" (Năm sinh), "birthYearMale" (Năm sinh (Nam)), "birthYearFemale" (Năm sinh (Nữ)), "phone" (Số điện thoại), "role" (Vai trò), "affiliation" (Chức vụ, đoàn thể), "joinedOn" (Ngày vào tổ)';

  it('an unknown field, a column out of range, malformed JSON, an unknown sheet, a field twice, no name column', async () => {
    const before = await written();
    await refused(await upload(officer, file(), { mapping: { 'ds-ta-xua.csv': { 5: 'mobile' } }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      `Trường "mapping" không hợp lệ — trang tính "ds-ta-xua.csv", cột số 5 (cột F trong Excel): "mobile" không phải tên trường đã biết. Dùng một trong: ${fieldList}; hoặc null để bỏ qua cột. Chưa ghi gì.`);
    await refused(await upload(officer, file(), { mapping: { 'ds-ta-xua.csv': { 12: 'phone' } }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Cách ghép cột của trang tính "ds-ta-xua.csv" (tệp "ds-ta-xua.csv") không hợp lệ: cột số 12 (cột M trong Excel) không có — hàng tiêu đề chỉ có 7 cột (số thứ tự 0 đến 6). Hãy chạy thử lại rồi chọn theo bảng ghép cột mới. Chưa ghi gì.');
    const malformed = await upload(officer, file(), { mapping: '{"ds-ta-xua.csv": {5: "phone"}', commit: true });
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([400, 'IMPORT_MAPPING_INVALID']);
    expect(malformed.json().error.message).toMatch(/^Trường "mapping" không phải JSON hợp lệ \(.+\)\. Hãy gửi dạng \{"Tên trang tính": \{"4": "fullName", "7": "phone", "9": null\}\}\. Chưa ghi gì\.$/);
    await refused(await upload(officer, file(), { mapping: { 'ds-ta-xua.csv': { x: 'phone' } }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Trường "mapping" không hợp lệ — trang tính "ds-ta-xua.csv", khoá "x": "x" không phải số thứ tự cột. Ghi số thứ tự cột tính từ 0 (cột A là "0", cột B là "1", …, tối đa 199). Chưa ghi gì.');
    await refused(await upload(officer, file(), { mapping: [1, 2], commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Trường "mapping" không hợp lệ — phải là một đối tượng JSON dạng {"Tên trang tính": {"4": "fullName", "7": "phone", "9": null}}. Chưa ghi gì.');
    await refused(await upload(officer, file(), { mapping: { 'Sheet1': { 5: 'phone' } }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Cách ghép cột gửi kèm nói tới trang tính "Sheet1" nhưng không tệp nào đã gửi có trang tính đó. Với tệp .csv, tên trang tính là tên tệp. Sửa tên trang tính cho đúng. Chưa ghi gì.');
    await refused(await upload(officer, file(), { mapping: { 'ds-ta-xua.csv': { 4: 'phone', 5: 'phone' } }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Cách ghép cột không hợp lệ — trang tính "ds-ta-xua.csv": "Số điện thoại" được ghép cho hai cột (cột số 4 (cột E trong Excel) và cột số 5 (cột F trong Excel)). Mỗi trường chỉ ghép cho một cột; đặt cột thừa là null. Chưa ghi gì.');
    await refused(await upload(officer, file(), { mapping: { 'ds-ta-xua.csv': { 1: null } }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Cách ghép cột của trang tính "ds-ta-xua.csv" (tệp "ds-ta-xua.csv") không hợp lệ: không còn cột nào ghép với "Họ và tên". Hãy chọn cột ghi họ tên thành viên. Chưa ghi gì.');
    expect(await written()).toEqual(before);
  });

  it('a correction that fits one file of an upload but not the other writes neither', async () => {
    const before = await written();
    const other = { name: 'khac.csv', data: csv([['Họ và tên', 'Xã/phường'], ['Hờ A Khác', 'Tà Xùa']]) };
    const newcomer = { name: 'moi.csv', data: csv([['Họ và tên', 'Xã/phường'], ['Hờ A Mới', 'Tà Xùa']]) };
    await refused(await upload(officer, [newcomer, other], { mapping: { 'khac.csv': { 3: 'phone' } }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Cách ghép cột của trang tính "khac.csv" (tệp "khac.csv") không hợp lệ: cột số 3 (cột D trong Excel) không có — hàng tiêu đề chỉ có 2 cột (số thứ tự 0 đến 1). Hãy chạy thử lại rồi chọn theo bảng ghép cột mới. Chưa ghi gì.');
    expect(await written()).toEqual(before);
  });

  it('a chosen unit outside the officer’s scope, an unknown code and a malformed choice', async () => {
    const before = await written();
    const chieng = () => [{ name: 'cc.csv', data: csv([['Họ và tên', 'Xã/phường', 'Tỉnh'], ['Lò Văn Ngoài', 'Chiềng Chung', 'Sơn La']]) }];
    await refused(await upload(communeOfficer, chieng(), { unitChoices: { 'Chiềng Chung': '04117' }, commit: true }), 403, 'OUT_OF_SCOPE',
      'Bạn không có quyền với Xã Mường Chanh (mã 04117), đơn vị chọn cho "Chiềng Chung" (ngoài phạm vi được giao).');
    await refused(await upload(officer, chieng(), { unitChoices: { 'Chiềng Chung': '99999' }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Mã "99999" chọn cho "Chiềng Chung" không phải xã/phường hiện hành. Hãy chọn lại trong danh sách gợi ý. Chưa ghi gì.');
    await refused(await upload(officer, chieng(), { unitChoices: { 'Chiềng Chung': 'Mai Sơn' }, commit: true }), 400, 'IMPORT_MAPPING_INVALID',
      'Trường "unitChoices" không hợp lệ — tên "Chiềng Chung": "Mai Sơn" không phải mã xã/phường (5 chữ số, ví dụ "03664"). Chưa ghi gì.');
    // a commune of another province is outside a province officer's scope too
    const hanoi = await upload(officer, chieng(), { unitChoices: { 'Chiềng Chung': '00004' } });
    expect(hanoi.statusCode).toBe(403);
    expect(await written()).toEqual(before);
  });

  it('the explicit save refuses a column beyond the header and an unknown field', async () => {
    const before = await written();
    const beyond = await officer.post('/api/imports/mappings', { headers: ['Họ tên', 'SĐT'], mapping: { 0: 'fullName', 2: 'phone' } });
    expect([beyond.statusCode, beyond.json().error.message]).toEqual([400, 'Cách ghép cột của hàng tiêu đề đã gửi không hợp lệ: cột số 2 (cột C trong Excel) không có — hàng tiêu đề chỉ có 2 cột (số thứ tự 0 đến 1). Hãy chạy thử lại rồi chọn theo bảng ghép cột mới. Chưa ghi gì.']);
    const unknown = await officer.post('/api/imports/mappings', { headers: ['Họ tên', 'SĐT'], mapping: { 0: 'fullName', 1: 'telephone' } });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(unknown.json().error.message).toContain('"telephone" không phải tên trường đã biết');
    expect(await written()).toEqual(before);
  });
});
