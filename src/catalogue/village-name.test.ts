import { describe, expect, it } from 'vitest';
import { canonicalVillage, isVillageName } from './village-name.js';

describe('canonicalVillage', () => {
  it('writes one ward residential group four ways as one village', () => {
    const names = ['TDP 4', 'Tổ dân phố 4', 'Tổ 4', 'Tổ dân phố số 04', 'TDP4', 'tdp. 4', 'tổ dân phố số 4'].map((n) => canonicalVillage(n));
    expect(new Set(names.map((n) => n.name))).toEqual(new Set(['Tổ dân phố 4']));
    expect(new Set(names.map((n) => n.key)).size).toBe(1);
  });

  it('expands TK and KP, drops leading zeros and "số", capitalises words written in capitals or lower case', () => {
    expect(['TK 2', 'Tiểu khu 02', 'tk.2', 'KP 1', 'Khu phố 01', 'bản nà hụm', 'BẢN PỌNG CHĂN', 'thôn số 01', 'Tổ 3A', 'xóm Đồng', 'Ấp 3', 'buôn Ea Tam', 'plei Ktu'].map((n) => canonicalVillage(n).name)).toEqual([
      'Tiểu khu 2', 'Tiểu khu 2', 'Tiểu khu 2', 'Khu phố 1', 'Khu phố 1', 'Bản Nà Hụm', 'Bản Pọng Chăn', 'Thôn 1', 'Tổ dân phố 3A', 'Xóm Đồng', 'Ấp 3', 'Buôn Ea Tam', 'Plei Ktu',
    ]);
  });

  it('keeps a name without a kind word, and does not read a typo or a team title as a kind word', () => {
    expect(canonicalVillage('Nà Hụm')).toEqual({ name: 'Nà Hụm', key: canonicalVillage('nà hụm').key, kind: null });
    // "Bàn" is not "Bản"; "ban 3" typed without marks is
    expect(canonicalVillage('Bàn 3').kind).toBeNull();
    expect(canonicalVillage('ban 3').name).toBe('Bản 3');
    // "Tổ" is a residential group only before a number
    expect(canonicalVillage('Tổ CNSCĐ').kind).toBeNull();
    expect(isVillageName('Tổ CNSCĐ bản Nà')).toBe(false);
    expect(isVillageName('Tổ 3')).toBe(true);
    expect(isVillageName('Bản')).toBe(false);
  });

  it('"Tổ dân phố IV", "4 A" and "Nà-Hạ" are the same villages as "4", "4A" and "Nà Hạ"', () => {
    expect(['Tổ dân phố IV', 'TDP 4 A', 'Tổ 4A'].map((n) => canonicalVillage(n).name)).toEqual(['Tổ dân phố 4', 'Tổ dân phố 4A', 'Tổ dân phố 4A']);
    expect(canonicalVillage('Bản Nà-Hạ').key).toBe(canonicalVillage('Bản Nà Hạ').key);
  });

  it('tone-mark placement does not make a second village', () => {
    expect(canonicalVillage('Bản Hoà').key).toBe(canonicalVillage('Bản Hòa').key);
  });
});
