import { describe, expect, it } from 'vitest';
import { convertLegacy, decodeLegacy, detectLegacy, encodeLegacy, fontEncoding, isVietnameseWord } from './legacy-encoding.js';

const TONES = ['\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
/** The 67 lowercase letters of Vietnamese beyond ASCII: 12 vowels × 5 tones, and ă â ê ô ơ ư đ. */
const LOWER = [...[...'aăâeêioôơuưy'].flatMap((v) => TONES.map((t) => (v + t).normalize('NFC'))), ...'ăâêôơưđ'];
const UPPER = LOWER.map((l) => l.toUpperCase());

describe('legacy tables', () => {
  it('lists the 134 letters', () => {
    expect(new Set(LOWER).size).toBe(67);
    expect(new Set(UPPER).size).toBe(67);
  });

  it('round-trips every lowercase letter through TCVN3 (.VnTime) as one code 0xA1–0xFE', () => {
    const codes = LOWER.map((l) => encodeLegacy(l, 'tcvn3'));
    expect(codes.every((c) => c.length === 1 && c.charCodeAt(0) >= 0xa1 && c.charCodeAt(0) <= 0xfe)).toBe(true);
    expect(new Set(codes).size).toBe(67);
    expect(codes.map((c) => decodeLegacy(c, 'tcvn3'))).toEqual(LOWER);
  });

  it('round-trips every uppercase letter through the TCVN3 H fonts (.VnTimeH), and Ă Â Ê Ô Ơ Ư Đ through .VnTime', () => {
    expect(UPPER.map((u) => decodeLegacy(encodeLegacy(u, 'tcvn3-upper'), 'tcvn3-upper'))).toEqual(UPPER);
    expect([...'ĂÂÊÔƠƯĐ'].map((u) => encodeLegacy(u, 'tcvn3')).join('')).toBe('¡¢£¤¥¦§');
    expect([...'ĂÂÊÔƠƯĐ'].map((u) => decodeLegacy(encodeLegacy(u, 'tcvn3'), 'tcvn3')).join('')).toBe('ĂÂÊÔƠƯĐ');
    // an H font shows every code, the lowercase ones too, as an uppercase letter
    expect(decodeLegacy('¨©ª«¬\u00ad®', 'tcvn3-upper')).toBe('ĂÂÊÔƠƯĐ');
    expect(decodeLegacy('µ¶·¸¹', 'tcvn3')).toBe('àảãáạ');
    expect(decodeLegacy('µ¶·¸¹', 'tcvn3-upper')).toBe('ÀẢÃÁẠ');
  });

  it('round-trips all 134 letters through VNI Windows', () => {
    for (const letters of [LOWER, UPPER]) expect(letters.map((l) => decodeLegacy(encodeLegacy(l, 'vni'), 'vni'))).toEqual(letters);
    expect(new Set([...LOWER, ...UPPER].map((l) => encodeLegacy(l, 'vni'))).size).toBe(134);
  });

  it('converts known strings both ways', () => {
    expect(decodeLegacy('Hµ ThÞ Lan', 'tcvn3')).toBe('Hà Thị Lan');
    expect(encodeLegacy('Nguyễn Văn A', 'tcvn3')).toBe('NguyÔn V¨n A');
    expect(decodeLegacy('Tæ CNSC§ b¶n Päng Ch¨n', 'tcvn3')).toBe('Tổ CNSCĐ bản Pọng Chăn');
    expect(decodeLegacy('UBND x· M\u00adêng Bó', 'tcvn3')).toBe('UBND xã Mường Bú');
    expect(decodeLegacy('Danh s¸ch thµnh viªn', 'tcvn3-upper')).toBe('DANH SÁCH THÀNH VIÊN');
    expect(decodeLegacy('Nguyeãn Thò Haø', 'vni')).toBe('Nguyễn Thị Hà');
    expect(decodeLegacy('Giôùi tính', 'vni')).toBe('Giới tính');
    expect(encodeLegacy('Mường Lay, Đặng Quỳnh', 'vni')).toBe('Möôøng Lay, Ñaëng Quyønh');
    expect(encodeLegacy('NGUYỄN', 'vni')).toBe('NGUYEÃN');
    expect(decodeLegacy('NGUYEÃN', 'vni')).toBe('NGUYỄN');
  });

  it('names the encoding of legacy fonts', () => {
    expect(['.VnTime', '.VnTimeH', '.VnArialH', '.VnCentury Schoolbook', 'VNI-Times', 'VNI-Helve', 'Times New Roman', undefined].map(fontEncoding)).toEqual([
      'tcvn3',
      'tcvn3-upper',
      'tcvn3-upper',
      'tcvn3',
      'vni',
      'vni',
      null,
      null,
    ]);
  });
});

describe('detectLegacy', () => {
  it('recognises TCVN3, its uppercase titles and VNI, certain when every word decodes to Vietnamese', () => {
    expect(detectLegacy('Hµ ThÞ Lan')).toEqual({ encoding: 'tcvn3', certain: true });
    expect(detectLegacy('NguyÔn V¨n A')).toEqual({ encoding: 'tcvn3', certain: true });
    expect(detectLegacy('Lß V¨n B×nh')).toEqual({ encoding: 'tcvn3', certain: true });
    expect(detectLegacy('DANH S¸CH THµNH VI£N')).toEqual({ encoding: 'tcvn3-upper', certain: true });
    expect(detectLegacy('Nguyeãn Thò Haø')).toEqual({ encoding: 'vni', certain: true });
    expect(detectLegacy('Möôøng Lay')).toEqual({ encoding: 'vni', certain: true });
    // legacy characters that decode to no Vietnamese syllable
    expect(detectLegacy('Ng÷¬× Þ¸')).toEqual({ encoding: 'tcvn3', certain: false });
    expect(detectLegacy('Müller')).toEqual({ encoding: 'tcvn3', certain: false });
  });

  it('leaves Unicode Vietnamese, Latin-1 words and ASCII alone', () => {
    for (const text of ['Hà Thị Lan', 'Bình', 'Hà Lan', 'Café', 'José', 'Nguyễn Văn A', 'UBND xa Muong Bu', '0388 111 222', '']) expect(detectLegacy(text)).toBeNull();
  });
});

describe('convertLegacy', () => {
  it('follows the font, but converts only text holding legacy characters', () => {
    expect(convertLegacy('Hµ ThÞ Lan', 'tcvn3')).toEqual({ encoding: 'tcvn3', certain: true, text: 'Hà Thị Lan' });
    expect(convertLegacy('Danh s¸ch', 'tcvn3-upper')).toEqual({ encoding: 'tcvn3-upper', certain: true, text: 'DANH SÁCH' });
    expect(convertLegacy('Nguyeãn Thò Haø', 'vni')).toEqual({ encoding: 'vni', certain: true, text: 'Nguyễn Thị Hà' });
    // Unicode typed before the font was changed to .Vn…, or plain ASCII: untouched
    expect(convertLegacy('Hà Thị Lan', 'tcvn3')).toBeNull();
    // bytes that read as Vietnamese both ways: said to be ambiguous, the reader decides by the rest of the sheet
    expect(convertLegacy('Bình', 'tcvn3')).toEqual({ encoding: 'tcvn3', certain: true, text: 'Bỡnh', ambiguous: true });
    expect(convertLegacy('Lù Thanh Dòng', 'tcvn3')).toEqual({ encoding: 'tcvn3', certain: true, text: 'Lự Thanh Dũng', ambiguous: true });
    expect(convertLegacy('Lù Thanh Dòng')).toBeNull();
    expect(convertLegacy('Lan', 'tcvn3-upper')).toBeNull();
    // no font: by the characters
    expect(convertLegacy('Hµ ThÞ Lan')).toEqual({ encoding: 'tcvn3', certain: true, text: 'Hà Thị Lan' });
  });
});

describe('isVietnameseWord', () => {
  it('accepts syllables and abbreviations, refuses what Vietnamese spelling never writes', () => {
    const words = ['huỳnh', 'Quý', 'gì', 'giữa', 'NGƯỜI', 'khuya', 'Pọng', 'xoong', 'HĐND', 'việt', 'NguyễN', 'ă', 'mụcc', 'hòat', 'Mỹller', 'ngữơì'];
    expect(words.filter(isVietnameseWord)).toEqual(['huỳnh', 'Quý', 'gì', 'giữa', 'NGƯỜI', 'khuya', 'Pọng', 'xoong', 'HĐND', 'việt']);
  });
});
