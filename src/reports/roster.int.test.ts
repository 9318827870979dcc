import { OPERATOR_PRESENTER } from '../access/presenter.js';
import { describe, expect, it } from 'vitest';
import { ALL } from '../access/access.policy.js';
import { importRoster } from '../imports/imports.service.js';
import { testDatabase } from '../../test/db.js';
import { csv, HEADER } from '../../test/fixtures.js';
import { registrySnapshot } from '../../test/registry-snapshot.js';
import { rosterToXlsx } from './roster.export.js';

const ROSTER = [
  HEADER,
  ['Sơn La', 'Chiềng An', '', '', 'Hà Thị Hiền', 'Nữ', 1995, '0912345678', 'Tổ trưởng', 'Bí thư Đoàn xã'],
  ['Sơn La', 'Chiềng An', '', '', 'Lò Văn Bình', 'Nam', 1988, '0912345679', 'Tổ phó', 'Công an xã, Chi bộ'],
  ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Quàng Văn Dũng', 'Nam', 1970, '0912345680', 'Tổ trưởng', 'Trưởng bản'],
  ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Hà Thị Hiền', 'Nữ', 1995, '0912345678', 'Thành viên', 'Đoàn Thanh niên'],
  ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Cầm Thị Oanh', 'Nữ', 1999, '', 'Thành viên', ''],
  // gender not known: the year still goes through the official form
  ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Lò Văn Khánh', '', 1980, '0912345681', 'Thành viên', 'Công an xã, Đoàn Thanh niên'],
];

describe('roster in the official form', () => {
  it('exports a printable roster that imports back to the same registry', async () => {
    const source = await testDatabase();
    const target = await testDatabase();
    try {
      await importRoster(source.db, { name: 'goc.csv', data: csv(ROSTER) }, { scope: ALL, commit: true, maxBytes: 1e7 });
      const { file, name } = await rosterToXlsx(source.db, '03664', ALL, OPERATOR_PRESENTER);
      expect(name).toBe('danh-sach-to-cnscd-03664.xlsx');

      // the same registry again: nothing changes
      const again = await importRoster(source.db, { name, data: file }, { scope: ALL, commit: true, maxBytes: 1e7 });
      expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(again.counts).toEqual({ new: 0, updated: 0, unchanged: 6, invalid: 0 });
      expect(again.sheets[0]).toMatchObject({ headerRow: 6, mapping: { birthYearMale: 'Năm sinh (Nam)', birthYearFemale: 'Năm sinh (Nữ)', team: 'Tổ', village: 'Thôn/bản' } });

      // an empty database: the export rebuilds the same registry
      const rebuilt = await importRoster(target.db, { name, data: file }, { scope: ALL, commit: true, maxBytes: 1e7 });
      expect(rebuilt.counts).toEqual({ new: 6, updated: 0, unchanged: 0, invalid: 0 });
      const expected = await registrySnapshot(source.db);
      expect(expected).toHaveLength(6);
      expect(await registrySnapshot(target.db)).toEqual(expected);
      expect(expected.find((p) => p.fullName === 'Lò Văn Khánh')).toMatchObject({ gender: null, birthYear: 1980 });
    } finally {
      await source.close();
      await target.close();
    }
  });
});
