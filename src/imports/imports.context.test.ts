import { describe, expect, it } from 'vitest';
import { communeName, readGroupRow, tableContext, villageOfCell } from './imports.context.js';

const sheet = (name: string, rows: string[][]) => ({ name, rows, rowNumbers: rows.map((_, i) => i + 1) });

describe('group rows', () => {
  it('a Roman numeral or a letter with a title starts a team; the title names its level', () => {
    const rows: [string[], unknown][] = [
      [['I', 'Tổ CNSCĐ xã Phiêng Ban', '', '', ''], { commune: 'Xã Phiêng Ban', village: null, title: 'Tổ CNSCĐ xã Phiêng Ban' }],
      [['II', 'Tổ CNSCĐ bản Pọng Chăn'], { village: 'Bản Pọng Chăn', title: 'Tổ CNSCĐ bản Pọng Chăn' }],
      [['III', 'Tổ CNSCĐ Tiểu khu 1'], { village: 'Tiểu khu 1', title: 'Tổ CNSCĐ Tiểu khu 1' }],
      [['IV', 'Tổ CNSCĐ Tổ 3'], { village: 'Tổ dân phố 3', title: 'Tổ CNSCĐ Tổ 3' }],
      [['XIV.', 'Tổ công nghệ số cộng đồng TDP số 04'], { village: 'Tổ dân phố 4', title: 'Tổ công nghệ số cộng đồng TDP số 04' }],
      [['TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG THỊ TRẤN BẮC YÊN'], { commune: 'Thị trấn Bắc Yên', village: null, title: 'TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG THỊ TRẤN BẮC YÊN' }],
      [['A', 'Xã Chiềng Mung'], { commune: 'Xã Chiềng Mung', village: null, title: 'Xã Chiềng Mung' }],
      [['B', 'TT NT Mộc Châu'], { commune: 'Thị trấn Nông trường Mộc Châu', village: null, title: 'TT NT Mộc Châu' }],
      [['A', 'Huyện Mai Sơn'], { district: 'Mai Sơn', title: 'Huyện Mai Sơn' }],
      [['I. Tổ CNSCĐ bản Hụm'], { village: 'Bản Hụm', title: 'Tổ CNSCĐ bản Hụm' }],
      [['I', 'Tổ CNSCĐ'], { village: null, title: 'Tổ CNSCĐ' }],
      // a bare name: the commune in force is its own team; anything else is read as a village and said so
      [['V', 'Chiềng Mung'], { village: null, title: 'Chiềng Mung' }],
      [['II', 'Pọng Chăn'], { village: 'Pọng Chăn', title: 'Pọng Chăn', guessed: true }],
    ];
    for (const [cells, expected] of rows) expect(readGroupRow(cells, 'Xã Chiềng Mung'), cells.join(' | ')).toEqual(expected);
  });

  it('member rows, a lone name and a lone number are no group rows', () => {
    expect(readGroupRow(['1', 'Lò Văn A', '1990', 'Nam'])).toBeUndefined();
    expect(readGroupRow(['Nguyễn Văn A'])).toBeUndefined();
    expect(readGroupRow(['2', 'Lò Văn A'])).toBeUndefined();
    expect(readGroupRow(['I', 'Lò Văn A', '0912345678'])).toBeUndefined();
    // people, not places: a Thái surname that reads like "Làng", a letter in the STT column before a name
    expect(readGroupRow(['Lang Văn Hùng'])).toBeUndefined();
    expect(readGroupRow(['A', 'Lò Thị Xa'])).toBeUndefined();
    expect(readGroupRow(['Giàng A Páo'])).toBeUndefined();
    // a team title may carry a number of four digits
    expect(readGroupRow(['II', 'Tổ CNSCĐ Tổ 1000'])).toEqual({ village: 'Tổ dân phố 1000', title: 'Tổ CNSCĐ Tổ 1000' });
  });
});

describe('the village cell of a row', () => {
  it('"Xã", "Khối cơ quan xã", a commune name or a dash is the commune-level team; empty says nothing', () => {
    expect(['Xã', 'Khối cơ quan xã', 'Cơ quan xã', 'xã Chiềng Mung', '-', 'UBND xã'].map(villageOfCell)).toEqual([null, null, null, null, null, null]);
    expect(villageOfCell('')).toBeUndefined();
    expect(['Bản Bó', 'TK 3', 'Tổ 4', 'thôn 02'].map(villageOfCell)).toEqual(['Bản Bó', 'Tiểu khu 3', 'Tổ dân phố 4', 'Thôn 2']);
  });
});

describe('context above the table, in the sheet name and the file name', () => {
  it('reads the issuing body, the title, the district and the province', () => {
    expect(tableContext(sheet('Sheet1', [['UBND HUYỆN MAI SƠN', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'], ['DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG BẢN NÀ, XÃ CHIỀNG MUNG'], ['STT']]), 2)).toEqual({ district: 'Mai Sơn', commune: 'Xã Chiềng Mung', village: 'Bản Nà' });
    expect(tableContext(sheet('Sheet1', [['UBND THỊ TRẤN NT MỘC CHÂU'], ['STT']]), 1)).toEqual({ commune: 'Thị trấn Nông trường Mộc Châu' });
    expect(tableContext(sheet('DS', [['DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG HUYỆN MAI SƠN, TỈNH SƠN LA'], ['STT']]), 1)).toEqual({ district: 'Mai Sơn', province: 'Sơn La' });
  });

  it('a sheet per team: "Mộc Sơn - Tổ 1" gives the commune as written and the village', () => {
    expect(tableContext(sheet('Mộc Sơn - Tổ 1', [['STT']]), 0)).toEqual({ commune: 'Mộc Sơn', village: 'Tổ dân phố 1' });
    expect(tableContext(sheet('Bản Hụm', [['STT']]), 0)).toEqual({ village: 'Bản Hụm' });
    expect(tableContext(sheet('Tổng hợp', [['STT']]), 0)).toEqual({});
  });

  it('the file name gives the old district, with or without accents and underscores; a title wins over it', () => {
    expect(tableContext(sheet('Sheet1', [['STT']]), 0, 'DS_To_CNSCD_Huyen_Mai_Son.xlsx')).toEqual({ district: 'Mai Son' });
    expect(tableContext(sheet('Sheet1', [['STT']]), 0, 'Danh sách tổ CNSCĐ huyện Yên Châu.xlsx')).toEqual({ district: 'Yên Châu' });
    expect(tableContext(sheet('Sheet1', [['UBND HUYỆN BẮC YÊN'], ['STT']]), 1, 'DS_Huyen_Mai_Son.xlsx')).toEqual({ district: 'Bắc Yên' });
  });

  it('commune names in one spelling', () => {
    expect(['THỊ TRẤN BẮC YÊN', 'xã chiềng mung', 'TT Hát Lót', 'Thị trấn NT Mộc Châu', 'Phường Chiềng An'].map(communeName)).toEqual(['Thị trấn Bắc Yên', 'Xã Chiềng Mung', 'Thị trấn Hát Lót', 'Thị trấn Nông trường Mộc Châu', 'Phường Chiềng An']);
  });
});
