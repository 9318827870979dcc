import { describe, expect, it } from 'vitest';
import { cleanFreeText, graphemeLength, visibleLength } from './measure.js';

describe('free text measured as people see it', () => {
  it('counts "Tốt👍" as 4 in NFC and in NFD', () => {
    expect(visibleLength('Tốt👍')).toBe(4);
    expect(visibleLength('Tốt👍'.normalize('NFD'))).toBe(4);
    expect('Tốt👍'.normalize('NFD').length).toBe(7);
  });
  it('a 500-character note typed as NFD measures 500', () => {
    const note = 'Hướng dẫn cài VNeID '.repeat(25);
    expect(visibleLength(note.normalize('NFD') + 'x')).toBe(note.trimEnd().length + 2);
    expect(graphemeLength('ệ'.repeat(500).normalize('NFD'))).toBe(500);
  });
  it('drops zero-width, bidi and stray joiner or tag characters and trims', () => {
    expect(cleanFreeText('\u200b  Bản\u200d Mòng\u00ad \u061c\ufeff ')).toBe('Bản Mòng');
    expect(cleanFreeText(' \udb40\udc41b')).toBe('b');
    expect(cleanFreeText('\u200d\u200dhai')).toBe('hai');
    expect(visibleLength(' \u200b\u200b ')).toBe(0);
  });
  it('keeps the joiners and tags that build one emoji, and stores no lone surrogate', () => {
    const family = '👨\u200d👩\u200d👧 gia đình';
    expect(cleanFreeText(family)).toBe(family);
    expect(visibleLength(family)).toBe(10);
    const scotland = '🏴\udb40\udc67\udb40\udc62\udb40\udc73\udb40\udc63\udb40\udc74\udb40\udc7f';
    expect(cleanFreeText(scotland)).toBe(scotland);
    expect(visibleLength(scotland)).toBe(1);
    expect(cleanFreeText('a\ud800b')).toBe('a\ufffdb');
  });
  it('keeps inner line breaks and counts a family emoji and a flag as one each', () => {
    expect(cleanFreeText('dòng 1\ndòng 2')).toBe('dòng 1\ndòng 2');
    expect(graphemeLength('👨‍👩‍👧🇻🇳')).toBe(2);
  });
});
