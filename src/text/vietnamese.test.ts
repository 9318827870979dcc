import { describe, expect, it } from 'vitest';
import { cleanText, compareVietnameseNames, nameKey, properName, searchKey } from './vietnamese.js';

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

  it('title-cases names written in capitals and keeps mixed case', () => {
    expect(properName('NGUYỄN  THỊ HÀ')).toBe('Nguyễn Thị Hà');
    expect(properName('lò văn bình')).toBe('Lò Văn Bình');
    expect(properName('Hà Thị Hiền')).toBe('Hà Thị Hiền');
  });
});
