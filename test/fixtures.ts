import ExcelJS from 'exceljs';

/** Test rosters made with real writers: CSV text and .xlsx through ExcelJS. */
export const HEADER = ['Tỉnh', 'Xã/phường', 'Huyện cũ', 'Thôn/bản', 'Họ và tên', 'Giới tính', 'Năm sinh', 'Số điện thoại', 'Vai trò', 'Đoàn thể'];

export function csv(rows: (string | number)[][], opts: { bom?: boolean; delimiter?: string } = {}): Buffer {
  const d = opts.delimiter ?? ',';
  const text = rows.map((r) => r.map((c) => (/[",;\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(d)).join('\r\n') + '\r\n';
  return Buffer.from((opts.bom === false ? '' : '\ufeff') + text, 'utf8');
}

export async function xlsx(sheets: { name: string; rows: (string | number | null)[][]; hidden?: boolean; hiddenRows?: number[] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, s.hidden ? { state: 'hidden' } : {});
    for (const r of s.rows) ws.addRow(r);
    for (const n of s.hiddenRows ?? []) ws.getRow(n).hidden = true;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A small Sơn La roster: a commune team named the pre-2025 way, a village team, one bad row. */
export const SON_LA_ROSTER: (string | number)[][] = [
  HEADER,
  ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', '', 'HÀ THỊ HIỀN', 'Nữ', 1995, '0912345678', 'Tổ trưởng', 'Bí thư Đoàn xã'],
  ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', '', 'Lò Văn Bình', 'Nam', 1988, '01662345678', 'Tổ phó', 'Công an xã'],
  ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', '', 'Quàng Thị Hoà', 'Nữ', 2001, '0987 654 321', 'Thành viên', 'Đoàn Thanh niên'],
  ['Sơn La', 'Mai Sơn', '', 'Tiểu khu 6', 'Nguyễn Thị Hà', 'Nữ', 1975, '+84 915 111 222', 'Tổ trưởng', 'Tổ trưởng tổ dân phố, Hội Phụ nữ'],
  ['Sơn La', 'Mai Sơn', '', 'Tiểu khu 6', 'Lê Văn An', 'Nam', 1999, 912000111, 'Thành viên', 'Đoàn viên thanh niên'],
  ['Sơn La', 'Mai Sơn', '', 'Tiểu khu 6', 'Cầm Văn Ánh', 'Nam', 2085, 'abc', 'Thành viên', ''],
];
