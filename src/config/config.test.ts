import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import { loadConfig } from './config.js';

/** NGOSO_PROVINCE and NGOSO_NATIONAL (issue 18): a bad value is refused in Vietnamese, as an AppError (the CLI and `npm start` print its message, never a stack). */
describe('loadConfig: the national settings', () => {
  it('takes a two-digit province code, and NGOSO_NATIONAL=1', () => {
    expect(loadConfig({ NGOSO_PROVINCE: '14' }).province).toBe('14');
    expect(loadConfig({ NGOSO_PROVINCE: '' }).province).toBeUndefined();
    expect([loadConfig({ NGOSO_NATIONAL: '1' }).national, loadConfig({ NGOSO_NATIONAL: 'true' }).national, loadConfig({}).national]).toEqual([true, true, false]);
  });

  it('refuses a malformed NGOSO_PROVINCE, saying how to write it', () => {
    for (const bad of ['00', '1', '140', ' 14', '14 ', 'ab']) {
      let err: unknown;
      try {
        loadConfig({ NGOSO_PROVINCE: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toBe(`NGOSO_PROVINCE=${JSON.stringify(bad)}: hãy đặt mã tỉnh hai chữ số theo danh mục của Tổng cục Thống kê, không có dấu cách (ví dụ NGOSO_PROVINCE=14 cho Sơn La, 01 cho Hà Nội).`);
    }
  });

  it('refuses NGOSO_PROVINCE together with NGOSO_NATIONAL', () => {
    expect(() => loadConfig({ NGOSO_PROVINCE: '14', NGOSO_NATIONAL: '1' })).toThrow(
      'Đã đặt cả NGOSO_PROVINCE=14 lẫn NGOSO_NATIONAL: một máy chủ hoặc là của tỉnh (chỉ đặt NGOSO_PROVINCE), hoặc là máy chủ toàn quốc (chỉ đặt NGOSO_NATIONAL=1); hãy bỏ một trong hai.',
    );
  });
});
