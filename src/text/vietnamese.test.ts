import { describe, expect, it } from 'vitest';
import { cleanText, compareVietnamese, compareVietnameseNames, nameKey, properName, searchKey, sortVietnamese } from './vietnamese.js';

describe('Vietnamese text', () => {
  it('stores NFC with single spaces and no bidi controls', () => {
    const nfd = 'Chiềng Xôm'.normalize('NFD');
    expect(cleanText(`  ${nfd}\u00a0\u00a0bản\u202e  `)).toBe('Chiềng Xôm bản');
    expect(cleanText(nfd)).toHaveLength('Chiềng Xôm'.normalize('NFC').length);
    // each kind of spacing the fast path must still see
    expect(['\tHà', 'Hà\n', ' Hà Thị', 'Hà Thị ', 'Hà  Thị', 'Hà\u2028Thị', 'Hà\u3000Thị', 'Hà\ufeffThị', 'Hà\u2066Thị\u2069'].map(cleanText)).toEqual(['Hà', 'Hà', 'Hà Thị', 'Hà Thị', 'Hà Thị', 'Hà Thị', 'Hà Thị', 'Hà Thị', 'HàThị']);
    expect(cleanText('Lò Văn Bình')).toBe('Lò Văn Bình');
  });

  it('gives the same key on every call (the keys are cached per text)', () => {
    const nfd = 'Nguyễn Thị Thuỷ'.normalize('NFD');
    expect([nameKey(nfd), nameKey(nfd), nameKey('NGUYỄN THỊ THỦY')]).toEqual(Array(3).fill(nameKey('nguyễn thị thủy')));
    expect(nameKey('Hoà Bình')).toBe('hoa\u0300 binh\u0300');
    expect([searchKey('Đoàn Kết'), searchKey('Đoàn Kết')]).toEqual(['doan ket', 'doan ket']);
    expect(nameKey('')).toBe('');
  });

  it('matches names whatever the tone-mark placement, but not different tones', () => {
    expect(nameKey('Hoà')).toBe(nameKey('Hòa'));
    expect(nameKey('Thuỷ')).toBe(nameKey('Thủy'));
    expect(nameKey('HOÀ BÌNH')).toBe(nameKey('hòa bình'));
    expect(nameKey('Hòa')).not.toBe(nameKey('Hoa'));
    expect(nameKey('Hòa')).not.toBe(nameKey('Hóa'));
  });

  it('searches without diacritics and with đ as d', () => {
    expect(searchKey('Chiềng Xôm')).toBe('chieng xom');
    expect(searchKey('Đoàn Kết')).toBe('doan ket');
    expect(searchKey('Tiểu khu 6, thị trấn Hát Lót')).toBe('tieu khu 6 thi tran hat lot');
  });

  it('sorts people by given name, then family and middle names', () => {
    const names = ['Nguyễn Thị Hà', 'Lê Văn An', 'Hà Thị Hiền', 'Bùi Thị Hà', 'Đặng Văn Bình', 'Lò Văn Ánh'];
    expect([...names].sort(compareVietnameseNames)).toEqual(['Lê Văn An', 'Lò Văn Ánh', 'Đặng Văn Bình', 'Bùi Thị Hà', 'Nguyễn Thị Hà', 'Hà Thị Hiền']);
  });

  it('orders the Vietnamese alphabet (a ă â b c d đ e ê … ư v x y), then numbers by value, with full ICU data in Node', () => {
    // small-icu would fall back to the root order (Đ after Z): Node must carry the "vi" tailoring
    expect(Intl.Collator.supportedLocalesOf(['vi'])).toEqual(['vi']);
    const villages = ['Bản Zê', 'Bản Đán', 'Bản Vàng', 'Bản Dọn', 'Bản Ấm', 'Bản Ăn', 'Bản An', 'Bản Ơn', 'Bản Ôn', 'Bản On', 'Bản Ưng', 'Bản Ung', 'Bản Êm', 'Bản Em'];
    expect([...villages].sort(compareVietnamese)).toEqual(['Bản An', 'Bản Ăn', 'Bản Ấm', 'Bản Dọn', 'Bản Đán', 'Bản Em', 'Bản Êm', 'Bản On', 'Bản Ôn', 'Bản Ơn', 'Bản Ung', 'Bản Ưng', 'Bản Vàng', 'Bản Zê']);
    expect(['Tổ dân phố 10', 'Tiểu khu 3', 'Tổ dân phố 2', 'Tổ dân phố 1'].sort(compareVietnamese)).toEqual(['Tiểu khu 3', 'Tổ dân phố 1', 'Tổ dân phố 2', 'Tổ dân phố 10']);
    // tones after letters, case after tones, then code points: one order whatever the input order
    expect(['Hạ', 'hà', 'Hà', 'Ha', 'Hà'.normalize('NFD')].sort(compareVietnamese)).toEqual(['Ha', 'hà', 'Hà'.normalize('NFD'), 'Hà', 'Hạ']);
    expect(sortVietnamese([{ n: 'Bản Đán' }, { n: 'Bản Ấm' }], (x) => x.n).map((x) => x.n)).toEqual(['Bản Ấm', 'Bản Đán']);
  });

  it('title-cases names written in capitals and keeps mixed case', () => {
    expect(properName('NGUYỄN  THỊ HÀ')).toBe('Nguyễn Thị Hà');
    expect(properName('lò văn bình')).toBe('Lò Văn Bình');
    expect(properName('Hà Thị Hiền')).toBe('Hà Thị Hiền');
  });
});
