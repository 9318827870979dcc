import { describe, expect, it } from 'vitest';
import { looksLikeTcvn3 } from './imports.reader.js';

describe('legacy font encodings', () => {
  it('recognises TCVN3 and VNI text read as Unicode, and leaves real Vietnamese alone', () => {
    expect(looksLikeTcvn3('Hä vµ tªn,Giíi tÝnh\nNguyÔn ThÞ Hµ,N÷\nLß V¨n B×nh,Nam\nQu¸ng ThÞ Hoµ,N÷')).toBe(true);
    expect(looksLikeTcvn3('Hoï vaø teân,Giôùi tính\nNguyeãn Thò Haø,Nöõ\nLoø Vaên Bình,Nam\nQuaøng Thò Hoaø,Nöõ')).toBe(true);
    expect(looksLikeTcvn3('Họ và tên,Giới tính\nNguyễn Thị Hà,Nữ\nLò Văn Bình,Nam\nQuàng Thị Hoà,Nữ\nBuôn Ma Thuột,Muốn,Khuê,Thuỷ,Quý')).toBe(false);
  });
});
