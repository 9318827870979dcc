import { ALL } from '../access/access.policy.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { signedInClient } from '../../test/auth.js';
import { testApp, testDatabase } from '../../test/db.js';
import { csv, HEADER, SON_LA_ROSTER, xlsx } from '../../test/fixtures.js';
import { countRows, registrySnapshot } from '../../test/registry-snapshot.js';
import { importRoster } from './imports.service.js';
import { shapeKeyOf } from './imports.mapping.js';

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());

const MB = 1024 * 1024;
/** the clock of these tests: 15/06/2026 in Vietnam, so the youngest allowed birth year is 2011 whatever today is */
const NOW = new Date('2026-06-15T03:00:00Z');
const run = (name: string, data: Buffer, commit: boolean, extra: Record<string, string | Date> = {}) =>
  importRoster(database.db, { name, data }, { scope: ALL, commit, maxBytes: 20 * MB, now: NOW, ...extra });

const EXPECTED_REGISTRY = [
  { unit: '04105.001 Tiểu khu 6', level: 'village', team: 'Tổ công nghệ số cộng đồng Tiểu khu 6', fullName: 'Lê Văn An', gender: 'male', birthYear: 1999, phone: '+84912000111', role: 'member', affiliations: ['youth_union'] },
  { unit: '04105.001 Tiểu khu 6', level: 'village', team: 'Tổ công nghệ số cộng đồng Tiểu khu 6', fullName: 'Nguyễn Thị Hà', gender: 'female', birthYear: 1975, phone: '+84915111222', role: 'leader', affiliations: ['womens_union', 'village_head'] },
  // written the pre-2025 way ("Chiềng Xôm", now in Phường Chiềng An): the old commune's own team keeps its name
  { unit: '03664 Phường Chiềng An', level: 'commune', team: 'Tổ công nghệ số cộng đồng xã Chiềng Xôm', fullName: 'Hà Thị Hiền', gender: 'female', birthYear: 1995, phone: '+84912345678', role: 'leader', affiliations: ['youth_union'] },
  { unit: '03664 Phường Chiềng An', level: 'commune', team: 'Tổ công nghệ số cộng đồng xã Chiềng Xôm', fullName: 'Lò Văn Bình', gender: 'male', birthYear: 1988, phone: '+84362345678', role: 'deputy', affiliations: ['police'] },
  { unit: '03664 Phường Chiềng An', level: 'commune', team: 'Tổ công nghệ số cộng đồng xã Chiềng Xôm', fullName: 'Quàng Thị Hoà', gender: 'female', birthYear: 2001, phone: '+84987654321', role: 'member', affiliations: ['youth_union'] },
];

describe('roster import (CSV)', () => {
  it('a dry run reports every row and problem and writes nothing', async () => {
    const report = await run('to-cnscd.csv', csv(SON_LA_ROSTER), false);
    expect(report.committed).toBe(false);
    expect(report.counts).toEqual({ new: 5, updated: 0, unchanged: 0, invalid: 1 });
    expect(report.problems).toEqual([
      { sheet: 'to-cnscd.csv', row: 7, column: 'Năm sinh', severity: 'error', message: 'Năm sinh 2085 không hợp lý (phải từ 1920 đến 2011)', suggestion: 'Kiểm tra lại năm sinh' },
      // an invalid phone alone would not refuse the row (the member is kept without it): the year does
      { sheet: 'to-cnscd.csv', row: 7, column: 'Số điện thoại', severity: 'warning', message: 'Số điện thoại không hợp lệ: "abc" có chữ cái, không phải số điện thoại; thành viên vẫn được nhập, chưa có số điện thoại', suggestion: 'Sửa thành số di động 10 chữ số, ví dụ 0912 345 678, rồi nhập lại' },
    ]);
    expect(report.created).toEqual({ villages: ['Tiểu khu 6 (Xã Mai Sơn)'], teams: ['Tổ công nghệ số cộng đồng xã Chiềng Xôm', 'Tổ công nghệ số cộng đồng Tiểu khu 6'] });
    expect(await countRows(database.db, 'teams')).toBe(0);
    expect(await countRows(database.db, 'members')).toBe(0);
    expect(await countRows(database.db, 'admin_units')).toBe(14851);
  });

  it('commit writes the valid rows, resolving pre-2025 names through the mapping', async () => {
    const report = await run('to-cnscd.csv', csv(SON_LA_ROSTER), true);
    expect(report.committed).toBe(true);
    expect(report.counts).toEqual({ new: 5, updated: 0, unchanged: 0, invalid: 1 });
    expect(await registrySnapshot(database.db)).toEqual(EXPECTED_REGISTRY);
    expect(await countRows(database.db, 'import_log')).toBe(1);
  });

  it('importing the same file again changes nothing', async () => {
    const report = await run('to-cnscd.csv', csv(SON_LA_ROSTER, { bom: false }), true);
    expect(report.counts).toEqual({ new: 0, updated: 0, unchanged: 5, invalid: 1 });
    expect(await registrySnapshot(database.db)).toEqual(EXPECTED_REGISTRY);
    expect(await countRows(database.db, 'members')).toBe(5);
  });

  it('an updated file updates the matched members and says what changed', async () => {
    const rows = SON_LA_ROSTER.slice(0, 6).map((r) => [...r]);
    rows[3][7] = '0977 000 111'; // new phone: matched by name + birth year in the same team
    rows[3][8] = 'Tổ phó';
    rows[2][7] = '0212 3852 123'; // a Sơn La landline
    rows[2][8] = 'Thành viên';
    const report = await run('to-cnscd-v2.csv', csv(rows, { delimiter: ';' }), true);
    expect(report.counts).toEqual({ new: 0, updated: 2, unchanged: 3, invalid: 0 });
    expect(report.rows.filter((r) => r.outcome === 'updated').map((r) => [r.row, r.fullName, r.changes])).toEqual([
      [3, 'Lò Văn Bình', ['điện thoại: 0362 345 678 → 02123852123', 'vai trò: Tổ phó → Thành viên']],
      [4, 'Quàng Thị Hoà', ['điện thoại: 0987 654 321 → 0977 000 111', 'vai trò: Thành viên → Tổ phó']],
    ]);
    // the audit log keeps the same changes with every phone number masked, mobile or landline
    const [entry] = await queryRows<{ after: { updated: { fullName: string; changes: string[] }[] } }>(database.db, sql`select after from audit_log where action = 'import.committed' and after->>'file' = 'to-cnscd-v2.csv'`);
    expect(entry.after.updated.map((u) => u.changes)).toEqual([
      ['điện thoại: 03•••••678 → 02••••••123', 'vai trò: Tổ phó → Thành viên'],
      ['điện thoại: 09•••••321 → 09•••••111', 'vai trò: Thành viên → Tổ phó'],
    ]);
    const snapshot = await registrySnapshot(database.db);
    expect(snapshot.find((r) => r.fullName === 'Quàng Thị Hoà')).toMatchObject({ phone: '+84977000111', role: 'deputy' });
    expect(snapshot).toHaveLength(5);
  });


  it('the same person on a commune team and a village team is one member with two memberships', async () => {
    const report = await run('kiem-nhiem.csv', csv([HEADER, ['Sơn La', 'Mai Sơn', '', '', 'Nguyễn Thị Hà', 'Nữ', 1975, '0915111222', 'Thành viên', 'Hội Phụ nữ']]), true);
    expect(report.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 0 });
    expect(await countRows(database.db, 'members')).toBe(5);
    expect(await countRows(database.db, 'team_members')).toBe(6);
  });
});

describe('conflicts and hostile cells', () => {
  it('never lets a phone number move to another name: the row is refused', async () => {
    const report = await run('trung-so.csv', csv([
      HEADER,
      ['Sơn La', 'Tà Xùa', '', '', 'Nguyễn Thị Khác', 'Nữ', 1970, '0912 345 678', '', ''],
      ['Sơn La', 'Tà Xùa', '', '', 'Mùa A Lử', 'Nam', 1980, '0388 111 222', '', ''],
      ['Sơn La', 'Tà Xùa', '', '', 'Giàng A Chứ', 'Nam', 1981, '0388 111 222', '', ''],
    ]), true);
    expect(report.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 2 });
    expect(report.problems.map((p) => [p.row, p.column, p.message])).toEqual([
      [2, 'Số điện thoại', 'Số điện thoại 0912 345 678 đã là của "Hà Thị Hiền" trong sổ'],
      [4, 'Số điện thoại', 'Số điện thoại 0388 111 222 đã là của "Mùa A Lử" ở dòng 3 của tệp'],
    ]);
    expect((await registrySnapshot(database.db)).find((r) => r.phone === '+84912345678')).toMatchObject({ fullName: 'Hà Thị Hiền', birthYear: 1995 });
  });

  it('refuses markup, formulas, overlong names and typo years instead of storing them', async () => {
    const report = await run('doc-hai.csv', csv([
      HEADER,
      ['Sơn La', 'Tà Xùa', '', '', '<b>Lò Văn Đậm</b>', 'Nam', 1990, '', '', ''],
      ['Sơn La', 'Tà Xùa', '', '', '+Lò Văn Cộng', 'Nam', 1990, '', '', ''],
      ['Sơn La', 'Tà Xùa', '', '=Bản Bằng', 'Lò Văn Ba', 'Nam', 1990, '', '', ''],
      ['Sơn La', 'Tà Xùa', '', '', 'Lò ' + 'A'.repeat(120), 'Nam', 1990, '', '', ''],
      ['Sơn La', 'Tà Xùa', '', '', 'Lò Văn Năm', 'Nam', '19900', '', '', ''],
      ['Sơn La', 'Tà Xùa', '', '', "H'Hen Niê", 'Nữ', 1990, '', '', ''],
    ]), false);
    expect(report.problems.map((p) => [p.row, p.column])).toEqual([
      [2, 'Họ và tên'],
      [3, 'Họ và tên'],
      [4, 'Thôn/bản'],
      [5, 'Họ và tên'],
      [6, 'Năm sinh'],
    ]);
    expect(report.problems[3].message).toBe('Họ tên dài 123 ký tự (tối đa 100)');
    expect(report.problems[4].message).toBe('Năm sinh "19900" không đọc được');
    expect(report.rows.filter((r) => r.outcome !== 'invalid').map((r) => r.fullName)).toEqual(["H'Hen Niê"]);
  });
});

describe('row rules at their edges', () => {
  const one = (birthYear: number, name = 'Lò Văn Biên') => csv([HEADER, ['Sơn La', 'Tà Xùa', '', '', name, 'Nam', birthYear, '', '', '']]);
  it('the youngest allowed birth year is the Vietnamese year of the clock minus 15, exactly', async () => {
    expect((await run('bien-2011.csv', one(2011), false)).counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 0 });
    const late = await run('bien-2012.csv', one(2012), false);
    expect(late.problems.map((p) => p.message)).toEqual(['Năm sinh 2012 không hợp lý (phải từ 1920 đến 2011)']);
    // 17:00 UTC on 31/12/2026 is already 01/01/2027 in Vietnam: 2012 becomes allowed
    const newYear = await run('bien-2012.csv', one(2012), false, { now: new Date('2026-12-31T17:00:00Z') });
    expect(newYear.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 0 });
    const stillOld = await run('bien-2012.csv', one(2012), false, { now: new Date('2026-12-31T16:59:59Z') });
    expect(stillOld.counts.invalid).toBe(1);
    expect((await run('bien-1920.csv', one(1920), false)).counts.new).toBe(1);
    expect((await run('bien-1919.csv', one(1919), false)).problems.map((p) => p.message)).toEqual(['Năm sinh 1919 không hợp lý (phải từ 1920 đến 2011)']);
  });

  it('the same person twice in one team is refused on the second row, and only there', async () => {
    const report = await run('hai-lan.csv', csv([
      HEADER,
      ['Sơn La', 'Tà Xùa', '', '', 'Sồng A Dế', 'Nam', 1985, '', '', ''],
      ['Sơn La', 'Tà Xùa', '', '', 'Lò Văn Giữa', 'Nam', 1986, '', '', ''],
      ['Sơn La', 'Tà Xùa', '', '', 'SỒNG A DẾ', 'Nam', 1985, '', '', ''],
    ]), false);
    expect(report.counts).toEqual({ new: 2, updated: 0, unchanged: 0, invalid: 1 });
    expect(report.problems.map((p) => [p.row, p.column, p.message])).toEqual([[4, 'Họ và tên', '"Sồng A Dế" đã có ở dòng 2 trong cùng tổ']]);
  });
});

describe('the numbering row of official forms', () => {
  it('is skipped, not refused as a member with a number for a name', async () => {
    const report = await run('danh-so-cot.csv', csv([HEADER, HEADER.map((_, i) => `(${i + 1})`), ['Sơn La', 'Tà Xùa', '', '', 'Vàng A Sử', 'Nam', 1990, '', '', ''], ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']]), false);
    expect([report.counts, report.problems]).toEqual([{ new: 1, updated: 0, unchanged: 0, invalid: 0 }, []]);
  });
});

describe('CSV dialects', () => {
  it('reads semicolon-separated CSV with a title line, and UTF-16 CSV', async () => {
    const rows = [['DANH SÁCH TỔ CÔNG NGHỆ SỐ'], ['Họ và tên', 'Xã/phường', 'Tỉnh'], ['Lò Thị Xuân', 'Tà Xùa', 'Sơn La']];
    const semi = await run('cham-phay.csv', csv(rows, { delimiter: ';' }), false);
    expect([semi.sheets[0].headerRow, semi.counts.new]).toEqual([2, 1]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Họ và tên\tXã/phường\tTỉnh\r\nLò Thị Xuân\tTà Xùa\tSơn La\r\n', 'utf16le')]);
    const wide = await run('unicode.txt', utf16, false);
    expect(wide.rows.map((r) => [r.fullName, r.outcome])).toEqual([['Lò Thị Xuân', 'new']]);
  });

  it('converts text typed in the legacy TCVN3 encoding, and says so on every converted cell', async () => {
    const tcvn = Buffer.from('Hä vµ tªn,X· ph­êng,TØnh\nNguyÔn ThÞ Hµ,Tµ Xïa,S¬n La\nLß V¨n B×nh,Tµ Xïa,S¬n La\n', 'utf8');
    const report = await run('tcvn3.csv', tcvn, false);
    expect(report.sheets[0].mapping).toEqual({ fullName: 'Họ và tên', commune: 'Xã phường', province: 'Tỉnh' });
    expect(report.rows.map((r) => [r.row, r.outcome, r.fullName, r.unit])).toEqual([
      [2, 'new', 'Nguyễn Thị Hà', 'Xã Tà Xùa'],
      [3, 'new', 'Lò Văn Bình', 'Xã Tà Xùa'],
    ]);
    expect(report.problems.filter((p) => p.row === 2).map((p) => p.message)).toEqual([
      'Chữ gõ bằng bảng mã cũ TCVN3 (ABC, phông .Vn…): "NguyÔn ThÞ Hµ" đã chuyển thành "Nguyễn Thị Hà"',
      'Chữ gõ bằng bảng mã cũ TCVN3 (ABC, phông .Vn…): "Tµ Xïa" đã chuyển thành "Tà Xùa"',
      'Chữ gõ bằng bảng mã cũ TCVN3 (ABC, phông .Vn…): "S¬n La" đã chuyển thành "Sơn La"',
    ]);
  });
});

describe('unit names', () => {
  it('unknown units get the closest names of the province; ambiguous old names ask for the district', async () => {
    const report = await run('units.csv', csv([
      HEADER,
      ['Sơn La', 'Chieng Xom Xom', '', '', 'Lò Thị Hoa', 'Nữ', 1990, '', '', ''],
      ['Sơn La', 'Chiềng Chung', '', '', 'Lò Văn Hặc', 'Nam', 1990, '', '', ''],
      ['Sơn La', 'Chiềng Chung', 'Huyện Mai Sơn', '', 'Lò Văn Hặc', 'Nam', 1990, '', '', ''],
      ['Sơn La', 'Chiềng Bôm', 'Huyện Thuận Châu', '', 'Lò Văn Khay', 'Nam', 1990, '', '', ''],
      ['Sơn Lâm', 'Mai Sơn', '', '', 'Lò Văn Khay', 'Nam', 1990, '', '', ''],
    ]), false);
    expect(report.problems.map((p) => [p.row, p.column, p.message, p.suggestion])).toEqual([
      [2, 'Xã/phường', 'Không có xã/phường "Chieng Xom Xom" ở Sơn La', 'Có phải: Xã Chiềng Xôm (Thành phố Sơn La, cũ) [03664]; Xã Chiềng Bôm (Huyện Thuận Châu, cũ) [03766]; Xã Chiềng Muôn (Huyện Mường La, cũ) [03829]?'],
      [3, 'Xã/phường', 'Có 2 xã cũ tên "Chiềng Chung" ở các huyện khác nhau; hãy ghi thêm huyện cũ', 'Có phải: Xã Chiềng Chung (Huyện Mai Sơn, cũ) [04129]; Xã Chiềng Chung (Thị xã Mộc Châu, cũ) [04015]?'],
      [5, 'Xã/phường', '"Xã Chiềng Bôm" (cũ) đã được chia cho 2 đơn vị mới; hãy ghi tên xã/phường mới', 'Có phải: Xã Nậm Lầu [03784]; Xã Thuận Châu [03721]?'],
      [6, 'Tỉnh', 'Không có tỉnh/thành phố "Sơn Lâm" trong 34 tỉnh, thành phố hiện hành', 'Ghi tên tỉnh hiện hành, ví dụ "Sơn La", hoặc mã tỉnh 2 chữ số'],
    ]);
    expect(report.rows.find((r) => r.row === 4)).toMatchObject({ outcome: 'new', unit: 'Xã Mường Chanh' });
  });

  it('a file without unit columns takes the province and commune given with the upload', async () => {
    const report = await run('mot-xa.csv', csv([['Họ tên', 'Giới tính', 'SĐT'], ['Giàng A Dính', 'Nam', '0868 123 456']]), false, { province: '14', commune: 'Xã Tà Xùa' });
    expect(report.rows).toEqual([{ sheet: 'mot-xa.csv', row: 2, outcome: 'new', fullName: 'Giàng A Dính', team: 'Tổ công nghệ số cộng đồng xã Tà Xùa', unit: 'Xã Tà Xùa' }]);
  });
});

describe('xlsx', () => {
  it('reads a workbook whose header sits below a title block, and reports hidden sheets', async () => {
    const file = await xlsx([{ name: 'Nháp', hidden: true, rows: [HEADER, ['Sơn La', 'Tà Xùa', '', '', 'Người Nháp', 'Nam', 1990, '', '', '']] }, { name: 'Danh sách', rows: [['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'], ['DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG'], [], ['STT', ...HEADER], [1, 'Sơn La', 'Tà Xùa', '', 'Bản Tà Xùa', 'Mùa Thị Mai', 'Nữ', 2000, '0382 111 222', 'Tổ trưởng', 'Chi đoàn']] }]);
    const report = await run('ta-xua.xlsx', file, true);
    expect(report.format).toBe('xlsx');
    const fields = [null, 'province', 'commune', 'district', 'village', 'fullName', 'gender', 'birthYear', 'phone', 'role', 'affiliation'];
    expect(report.sheets).toEqual([{
      name: 'Danh sách', headerRow: 4, mapping: { province: 'Tỉnh', commune: 'Xã/phường', district: 'Huyện cũ', village: 'Thôn/bản', fullName: 'Họ và tên', gender: 'Giới tính', birthYear: 'Năm sinh', phone: 'Số điện thoại', role: 'Vai trò', affiliation: 'Đoàn thể' }, ignored: ['STT'],
      shapeKey: shapeKeyOf(['STT', ...HEADER]), columns: ['STT', ...HEADER].map((header, index) => ({ index, header, field: fields[index] })), mappingSource: 'auto',
    }]);
    expect(report.rows).toEqual([{ sheet: 'Danh sách', row: 5, outcome: 'new', fullName: 'Mùa Thị Mai', team: 'Tổ công nghệ số cộng đồng Bản Tà Xùa', unit: 'Xã Tà Xùa' }]);
    expect(report.problems).toEqual([{ sheet: 'Nháp', row: 0, column: '', severity: 'warning', message: 'Trang tính "Nháp" đang ẩn nên không được nhập', suggestion: 'Nếu cần nhập, hãy bỏ ẩn trang tính (Unhide) rồi tải lên lại' }]);
  });
});

describe('the official form', () => {
  it('reads the motto block, the title, a two-row header with Nam/Nữ birth-year columns and the signature block', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Tổ CNSCĐ');
    ws.addRow(['UBND XÃ TÀ XÙA', '', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']);
    ws.addRow(['', '', '', 'Độc lập - Tự do - Hạnh phúc']);
    ws.addRow(['DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG XÃ TÀ XÙA']);
    ws.addRow(['STT', 'Họ và tên', 'Năm sinh', '', 'Đơn vị công tác', 'Chức vụ trong tổ', 'Số điện thoại', 'Tỉnh', 'Xã/phường']);
    ws.addRow(['', '', 'Nam', 'Nữ', '', '', '', '', '']);
    ws.mergeCells('C4:D4');
    ws.addRow([1, 'Mùa A Dính', 1988, '', 'Công an xã', 'Tổ trưởng', '0388 222 333', 'Sơn La', 'Tà Xùa']);
    ws.addRow([2, 'Cầm Thị Phó', '', 1996, 'Đoàn Thanh niên', 'Thành viên', '0388 222 444', 'Sơn La', 'Tà Xùa']);
    ws.addRow([]);
    ws.addRow(['', '', '', '', '', 'TM. UBND XÃ', '', '', '']);
    ws.addRow(['', '', '', '', '', 'CHỦ TỊCH', '', '', '']);
    const report = await run('mau-chinh-thuc.xlsx', Buffer.from(await wb.xlsx.writeBuffer()), true);
    expect(report.sheets[0]).toMatchObject({ headerRow: 4, mapping: { fullName: 'Họ và tên', birthYearMale: 'Năm sinh (Nam)', birthYearFemale: 'Năm sinh (Nữ)', affiliation: 'Đơn vị công tác', phone: 'Số điện thoại' } });
    expect(report.problems).toEqual([]);
    expect(report.counts).toEqual({ new: 2, updated: 0, unchanged: 0, invalid: 0 });
    const snapshot = await registrySnapshot(database.db);
    expect(snapshot.filter((r) => ['Mùa A Dính', 'Cầm Thị Phó'].includes(r.fullName)).map((r) => [r.fullName, r.gender, r.birthYear, r.role, r.affiliations])).toEqual([
      ['Cầm Thị Phó', 'female', 1996, 'member', ['youth_union']],
      ['Mùa A Dính', 'male', 1988, 'leader', ['police']],
    ]);
  });
});

describe('group rows and totals', () => {
  it('takes the village from group-header rows and skips totals rows', async () => {
    const report = await run('nhom.csv', csv([
      ['STT', 'Họ và tên', 'Giới tính', 'Năm sinh', 'Tỉnh', 'Xã/phường'],
      ['I', 'Tổ CNSCĐ xã Tà Xùa', '', '', '', ''],
      [1, 'Thào A Chứ', 'Nam', 1985, 'Sơn La', 'Tà Xùa'],
      ['II', 'Tổ CNSCĐ bản Bẹ', '', '', '', ''],
      [1, 'Thào Thị Mỷ', 'Nữ', 1999, 'Sơn La', 'Tà Xùa'],
      ['', 'Tổng cộng', '', '', '', ''],
    ]), false);
    expect(report.problems).toEqual([]);
    expect(report.rows.map((r) => [r.row, r.fullName, r.team])).toEqual([
      [3, 'Thào A Chứ', 'Tổ công nghệ số cộng đồng xã Tà Xùa'],
      [5, 'Thào Thị Mỷ', 'Tổ công nghệ số cộng đồng Bản Bẹ'],
    ]);
  });
});

describe('context above the table and per sheet', () => {
  it('takes the commune from the issuing body and the village from the title or the sheet name; reports hidden rows', async () => {
    const file = await xlsx([
      { name: 'DS', rows: [['UBND XÃ TÀ XÙA'], ['DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG BẢN TÀ XÙA A, XÃ TÀ XÙA'], ['Họ và tên', 'Năm sinh', 'SĐT'], ['Mùa A Thào', 1991, '0388 000 111']] },
      { name: 'Bản Háng Đồng', rows: [['UBND XÃ TÀ XÙA'], ['Họ và tên', 'Năm sinh', 'SĐT'], ['Giàng A Dê', 1992, '0388 000 222'], ['Người Bị Ẩn', 1993, '0388 000 333']], hiddenRows: [4] },
    ]);
    const report = await run('theo-ban.xlsx', file, false, { province: 'Sơn La' });
    expect(report.problems).toEqual([{ sheet: 'Bản Háng Đồng', row: 4, column: '', severity: 'warning', message: 'Dòng đang ẩn nên không được nhập', suggestion: 'Nếu cần nhập, hãy bỏ ẩn dòng (Unhide) rồi tải lên lại' }]);
    expect(report.rows.map((r) => [r.sheet, r.fullName, r.team, r.unit])).toEqual([
      ['Bản Háng Đồng', 'Giàng A Dê', 'Tổ công nghệ số cộng đồng Bản Háng Đồng', 'Xã Tà Xùa'],
      ['DS', 'Mùa A Thào', 'Tổ công nghệ số cộng đồng Bản Tà Xùa A', 'Xã Tà Xùa'],
    ]);
  });
});

describe('bad files write nothing and say what to do', () => {
  const expectRefused = async (name: string, data: Buffer, code: string, message: RegExp, maxBytes = 20 * MB) => {
    const before = await countRows(database.db, 'members');
    const err = await importRoster(database.db, { name, data }, { scope: ALL, commit: true, maxBytes }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    expect((err as AppError).message).toMatch(message);
    expect(await countRows(database.db, 'members')).toBe(before);
  };

  it('refuses a PDF renamed to .xlsx', () => expectRefused('ds.xlsx', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'IMPORT_FILE_UNREADABLE', /PDF/));
  it('refuses a password-protected (or .xls) workbook', () =>
    expectRefused('ds.xlsx', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]), 'IMPORT_FILE_UNREADABLE', /mật khẩu/));
  it('refuses a truncated workbook', async () => {
    const file = await xlsx([{ name: 'A', rows: SON_LA_ROSTER }]);
    await expectRefused('cut.xlsx', file.subarray(0, Math.floor(file.length / 2)), 'IMPORT_FILE_UNREADABLE', /hỏng hoặc không trọn vẹn/);
  });
  it('refuses a text file renamed to .xlsx', () => expectRefused('ds.xlsx', Buffer.from('garbage\nmore garbage'), 'IMPORT_FILE_UNREADABLE', /đuôi Excel/));
  it('refuses a binary file', () => expectRefused('anh.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'IMPORT_FILE_UNREADABLE', /UTF-8|nhị phân/));
  it('refuses an empty file', () => expectRefused('rong.csv', Buffer.alloc(0), 'IMPORT_FILE_UNREADABLE', /rỗng/));
  it('refuses a file over the size limit', () => expectRefused('lon.csv', csv(SON_LA_ROSTER), 'IMPORT_FILE_TOO_LARGE', /vượt giới hạn/, 100));
  it('refuses to commit a file whose rows are all invalid', async () => {
    await expectRefused('sai.csv', csv([HEADER, ['Sơn La', 'Không Có', '', '', 'Lò Văn A', 'Nam', 1990, '', '', ''], ['Sơn La', 'Tà Xùa', '', '', '', 'Nam', 1990, '', '', '']]), 'IMPORT_NO_VALID_ROWS', /không có dòng hợp lệ/);
  });
  it('refuses a file over the row limit, and explains a file with a header but no rows', async () => {
    const rows = [HEADER, ...Array.from({ length: 12 }, (_, i) => ['Sơn La', 'Tà Xùa', '', '', `Lò Văn Số ${i}`, 'Nam', 1990, '', '', ''])];
    const err = await importRoster(database.db, { name: 'dai.csv', data: csv(rows) }, { scope: ALL, commit: false, maxBytes: 20 * MB, maxRows: 10 }).catch((e: AppError) => e);
    expect((err as AppError).message).toBe('Tệp "dai.csv" có 13 dòng, vượt giới hạn 10 dòng mỗi tệp. Hãy tách tệp theo xã hoặc theo thôn.');
    const headerOnly = await run('chi-tieu-de.csv', csv([HEADER]), false);
    expect(headerOnly.problems.map((p) => p.message)).toEqual(['Tệp có hàng tiêu đề nhưng không có dòng dữ liệu nào']);
    const badProvince = await run('tinh.csv', csv([['Họ tên', 'Xã'], ['Lò Văn A', 'Tà Xùa']]), false, { province: '99' });
    expect(badProvince.problems.map((p) => p.message)).toContain('Không có tỉnh/thành phố "99" trong 34 tỉnh, thành phố hiện hành');
  });

  it('refuses a 16,384-column sheet; counts only rows that hold data against the row limit', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wide = new ExcelJS.Workbook();
    const ws = wide.addWorksheet('Rộng');
    ws.addRow(HEADER);
    ws.getCell(2, 16384).value = 'x';
    const wideErr = await run('rong.xlsx', Buffer.from(await wide.xlsx.writeBuffer()), false).catch((e: AppError) => e);
    expect((wideErr as AppError).message).toMatch(/rộng 16\.384 cột \(tối đa 200\)/);
    const long = new ExcelJS.Workbook();
    const ls = long.addWorksheet('Dài');
    ls.addRow(HEADER);
    ls.getCell(5000, 1).value = 'x';
    // a sheet that reaches row 5,000 but holds two rows is two rows, not 5,000 (the web upload reads it too)
    const long_ = await importRoster(database.db, { name: 'dai.xlsx', data: Buffer.from(await long.xlsx.writeBuffer()) }, { scope: ALL, commit: false, maxBytes: 20 * MB, maxRows: 1000 });
    expect(long_.sheets.map((s) => [s.name, s.headerRow])).toEqual([['Dài', 1]]);
    expect([long_.counts, long_.skipped.notes]).toEqual([{ new: 0, updated: 0, unchanged: 0, invalid: 0 }, 1]);
  });

  it('counts rows while inflating, so a workbook whose declared size lies is refused too', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const { PassThrough } = await import('node:stream');
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (c: Buffer) => parts.push(c));
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink });
    const ws = writer.addWorksheet('DS');
    ws.addRow(HEADER).commit();
    for (let i = 0; i < 3000; i++) ws.addRow(['Sơn La', 'Tà Xùa', '', '', `Lò Văn Số`, 'Nam', 1990, '', '', '']).commit();
    await writer.commit();
    const err = await importRoster(database.db, { name: 'luong.xlsx', data: Buffer.concat(parts) }, { scope: ALL, commit: false, maxBytes: 20 * MB, maxRows: 1000 }).catch((e: AppError) => e);
    expect((err as AppError).code).toBe('IMPORT_FILE_TOO_LARGE');
    expect((err as AppError).message).toMatch(/dòng, vượt giới hạn/);
  });

  it('reports a sheet without a header row', async () => {
    const report = await run('khong-tieu-de.csv', csv([['a', 'b'], ['1', '2']]), false);
    expect(report.problems).toEqual([{ sheet: 'khong-tieu-de.csv', row: 0, column: '', severity: 'error', message: 'Không tìm thấy hàng tiêu đề có cột "Họ và tên" trong 30 dòng đầu', suggestion: 'Thêm hàng tiêu đề với các cột: Tỉnh, Huyện (cũ), Xã/phường, Thôn/bản/tổ dân phố, Tổ, Họ và tên, Giới tính, Năm sinh, Số điện thoại, Vai trò, Chức vụ, đoàn thể' }]);
  });
});

describe('POST /api/imports', () => {
  it('dry-runs and commits uploaded files, and answers bad uploads with 4xx', async () => {
    const app = await testApp(database, { NGOSO_MAX_UPLOAD_MB: '0.001' });
    const officer = await signedInClient(app, database.db, { username: 'canbo.tinh', role: 'province_officer', unit: '14' });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(csv([HEADER, ['Sơn La', 'Tà Xùa', '', '', 'Sùng A Páo', 'Nam', 1992, '0399 888 777', '', '']]))]), 'a.csv');
    const dry = await officer.request({ method: 'POST', url: '/api/imports?province=14', payload: form });
    expect(dry.statusCode).toBe(200);
    expect(dry.json().summary).toEqual({ files: 1, failed: 0, new: 1, updated: 0, unchanged: 0, invalid: 0 });

    const big = new FormData();
    big.append('file', new Blob([new Uint8Array(Buffer.alloc(5000, 97))]), 'big.csv');
    const tooBig = await officer.request({ method: 'POST', url: '/api/imports', payload: big });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error).toEqual({ code: 'IMPORT_FILE_TOO_LARGE', message: 'Tệp "big.csv" vượt giới hạn 0 MB. Hãy tách tệp theo xã hoặc theo thôn. Chưa ghi tệp nào.' });
    expect((await officer.get('/api/imports/limits')).json()).toEqual({ maxUploadBytes: 1049, maxRows: 30000, maxFiles: 100 });

    const pdf = new FormData();
    pdf.append('file', new Blob(['%PDF-1.4 x']), 'x.xlsx');
    const refused = await officer.request({ method: 'POST', url: '/api/imports?commit=true', payload: pdf });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('IMPORT_FILE_UNREADABLE');

    const log = (await officer.get('/api/imports')).json().imports;
    expect(log.map((l: { fileName: string; counts: unknown; fileHash: string }) => [l.fileName, l.counts, l.fileHash.length])).toEqual([
      ['mau-chinh-thuc.xlsx', { new: 2, updated: 0, unchanged: 0, invalid: 0 }, 64],
      ['ta-xua.xlsx', { new: 1, updated: 0, unchanged: 0, invalid: 0 }, 64],
      ['trung-so.csv', { new: 1, updated: 0, unchanged: 0, invalid: 2 }, 64],
      ['kiem-nhiem.csv', { new: 1, updated: 0, unchanged: 0, invalid: 0 }, 64],
      ['to-cnscd-v2.csv', { new: 0, updated: 2, unchanged: 3, invalid: 0 }, 64],
      ['to-cnscd.csv', { new: 0, updated: 0, unchanged: 5, invalid: 1 }, 64],
      ['to-cnscd.csv', { new: 5, updated: 0, unchanged: 0, invalid: 1 }, 64],
    ]);

    const two = new FormData();
    two.append('file', new Blob([new Uint8Array(csv([HEADER, ['Sơn La', 'Tà Xùa', '', '', 'Sùng A Páo', 'Nam', 1992, '0399 888 777', '', '']]))]), 'small.csv');
    two.append('file', new Blob([new Uint8Array(Buffer.alloc(5000, 97))]), 'big.csv');
    const before = await countRows(database.db, 'members');
    const partial = await officer.request({ method: 'POST', url: '/api/imports?commit=true&province=14', payload: two });
    expect([partial.statusCode, partial.json().error.code]).toEqual([413, 'IMPORT_FILE_TOO_LARGE']);
    expect(await countRows(database.db, 'members')).toBe(before);

    const cut = await officer.request({ method: 'POST', url: '/api/imports', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, payload: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc' });
    expect([cut.statusCode, cut.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const noBoundary = await officer.request({ method: 'POST', url: '/api/imports', headers: { 'content-type': 'multipart/form-data' }, payload: 'abc' });
    expect(noBoundary.statusCode).toBeLessThan(500);

    const none = await officer.post('/api/imports', { a: 1 });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('IMPORT_FILE_MISSING');
    await app.close();
  });
});
