import { describe, expect, it } from 'vitest';
import { fileNameOf } from './api.js';

describe('fileNameOf (Content-Disposition of a download)', () => {
  it('reads the plain and the RFC 6266 UTF-8 name, or none', () => {
    expect(fileNameOf('attachment; filename="hoat-dong-03664-2026-11-01-2026-11-30.xlsx"')).toBe('hoat-dong-03664-2026-11-01-2026-11-30.xlsx');
    expect(fileNameOf('attachment; filename=bao-cao.csv')).toBe('bao-cao.csv');
    expect(fileNameOf(`attachment; filename="bao-cao.csv"; filename*=UTF-8''b%C3%A1o-c%C3%A1o.csv`)).toBe('báo-cáo.csv');
    expect([fileNameOf('attachment'), fileNameOf(null), fileNameOf('attachment; filename=""')]).toEqual([null, null, null]);
  });
});
