import { describe, expect, it } from 'vitest';
import { checkComment, counterText } from './portal.rules.js';

/**
 * The comment rule (issue 16, "Bad input"), the function the page's counter (/portal.js) and the
 * server share; e2e/portal.spec.ts checks the bundled copy shows the same on the page.
 */
describe('comments measured as the reader sees them', () => {
  it('counts 4 graphemes written in 5 code units as 4 (too short)', () => {
    expect('Tốt👍'.length).toBe(5);
    expect(checkComment('Tốt👍')).toEqual({ ok: false, length: 4, reason: 'Bình luận cần ít nhất 5 ký tự (đang có 4).' });
    expect(counterText('Tốt👍')).toEqual({ text: 'Cần thêm 1 ký tự · còn 496 ký tự', state: 'short' });
  });

  it('takes 500 graphemes written in 700 code units (NFD), stored NFC', () => {
    const nfd = ('ệ'.normalize('NFD') + 'abcd').repeat(100);
    expect(nfd.length).toBe(700);
    const c = checkComment(nfd);
    expect(c).toEqual({ ok: true, text: nfd.normalize('NFC'), length: 500 });
    expect(counterText(nfd)).toEqual({ text: 'Còn 0 ký tự', state: 'ok' });
    expect(checkComment(nfd + 'x')).toMatchObject({ ok: false, length: 501 });
  });

  it('takes 125 emoji with skin-tone modifiers (500 code units) as 125', () => {
    const emoji = '👍🏽'.repeat(125);
    expect(emoji.length).toBe(500);
    expect(checkComment(emoji)).toEqual({ ok: true, text: emoji, length: 125 });
  });

  it('refuses only spaces and zero-width characters as empty', () => {
    expect(checkComment('  \u200b\u200c\u2060\ufeff \u00ad  ')).toEqual({ ok: false, length: 0, reason: 'Bình luận chưa có nội dung.' });
  });

  it('refuses fillers that draw nothing (Hangul filler U+3164, braille blank U+2800) as empty, and the counter agrees', () => {
    for (const blank of ['\u3164'.repeat(6), '\u2800'.repeat(6), '\u115f\u1160\uffa0\u3164 \u3164']) {
      expect(checkComment(blank)).toEqual({ ok: false, length: 0, reason: 'Bình luận chưa có nội dung.' });
      expect(counterText(blank)).toEqual({ text: 'Cần thêm 5 ký tự · còn 500 ký tự', state: 'short' });
    }
    expect(checkComment('Tốt \u3164 lắm')).toMatchObject({ ok: true, length: 9 });
  });

  it('removes direction overrides, which are neither stored nor counted', () => {
    expect(checkComment('\u202eabc\u202c xin chào')).toEqual({ ok: true, text: 'abc xin chào', length: 12 });
  });

  it('keeps markup as text (escaped when shown) and refuses a flood of stacked marks', () => {
    expect(checkComment('<script>alert(1)</script>')).toMatchObject({ ok: true, text: '<script>alert(1)</script>' });
    expect(checkComment(`Xin chào a${'\u0301'.repeat(5)}`)).toEqual({ ok: false, length: 10, reason: 'Bình luận có chữ bị chồng quá nhiều dấu; hãy gõ lại phần chữ đó.' });
    // Vietnamese and emoji with their selectors stay fine
    expect(checkComment('Cảm ơn ❤️ 1️⃣ 👨‍👩‍👧 Việt Nam')).toMatchObject({ ok: true });
  });
});
