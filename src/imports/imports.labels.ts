import type { FileReport, Outcome, Skipped } from './imports.report.js';

/**
 * The roster import's words, shared by the server, the CLI and the office web page: the fields a
 * column maps to, the outcome of a row, the kinds of rows skipped, and the one-line summary of
 * the shape understood. Browser-safe: no imports at run time.
 */

/** Every field a roster column can map to, with its Vietnamese label (the order of the mapping's choices). */
export const FIELDS = {
  province: 'Tỉnh',
  district: 'Huyện (cũ)',
  commune: 'Xã/phường',
  village: 'Thôn/bản/tổ dân phố',
  team: 'Tổ',
  fullName: 'Họ và tên',
  gender: 'Giới tính',
  birthYear: 'Năm sinh',
  birthYearMale: 'Năm sinh (Nam)',
  birthYearFemale: 'Năm sinh (Nữ)',
  phone: 'Số điện thoại',
  role: 'Vai trò',
  affiliation: 'Chức vụ, đoàn thể',
  joinedOn: 'Ngày vào tổ',
} as const;
export type Field = keyof typeof FIELDS;

/** What happened to a row, in the order the counts are shown. */
export const OUTCOMES: Record<Outcome, string> = { new: 'Mới', updated: 'Cập nhật', unchanged: 'Không đổi', invalid: 'Lỗi' };

/** Labels of the rows skipped as not members (report.skipped), in the order they are listed. */
export const SKIPPED_LABELS: Record<keyof Skipped, string> = { groupRows: 'dòng nhóm', numberingRows: 'dòng đánh số cột', totalsRows: 'dòng tổng', signatureRows: 'chữ ký', notes: 'ghi chú', hiddenRows: 'dòng ẩn' };

/** "A" for column 0, "AB" for column 27: the letter Excel shows above the column. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const vi = (n: number) => n.toLocaleString('vi-VN');

/** A commune's name without "Xã"/"Phường", folded (no accents, lower case, đ → d). */
const bareName = (name: string) =>
  name.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase().replace(/^(xa|phuong|thi tran|dac khu)\s+/, '').replace(/\s+/g, ' ').trim();

/** True when the file's spelling of a commune says more than its name without "Xã"/"Phường" (an old commune, another name): then it is shown. */
export const writtenOtherwise = (c: { name: string; written?: string }): c is { name: string; written: string } => !!c.written && bareName(c.written) !== bareName(c.name);

/** The shape's totals over a file: distinct communes, teams by level, members to write, refused rows. */
export function shapeTotals(shape: FileReport['shape']) {
  const communes = new Set<string>();
  const teams = new Map<string, { level: string; members: number; invalid: number }>();
  for (const s of shape ?? []) {
    for (const c of s.communes) {
      const ck = c.code ?? `?${c.name}`;
      communes.add(ck);
      for (const t of c.teams) {
        const k = `${ck}|${t.level}|${t.name}`;
        const prev = teams.get(k) ?? { level: t.level, members: 0, invalid: 0 };
        teams.set(k, { level: t.level, members: prev.members + t.members, invalid: prev.invalid + t.invalid });
      }
    }
  }
  const list = [...teams.values()];
  return {
    communes: communes.size,
    teams: list.length,
    commune: list.filter((t) => t.level === 'commune').length,
    village: list.filter((t) => t.level === 'village').length,
    members: list.reduce((n, t) => n + t.members, 0),
    invalid: list.reduce((n, t) => n + t.invalid, 0),
  };
}

/** "3 xã · 41 tổ (3 cấp xã, 38 cấp thôn) · 256 thành viên · bỏ qua 12 dòng không phải thành viên (dòng nhóm 9, …)" */
export function shapeSummary(r: Pick<FileReport, 'shape' | 'skipped'>): string {
  const t = shapeTotals(r.shape);
  const parts = [`${vi(t.communes)} xã`, `${vi(t.teams)} tổ (${vi(t.commune)} cấp xã, ${vi(t.village)} cấp thôn)`, `${vi(t.members)} thành viên`];
  if (t.invalid) parts.push(`${vi(t.invalid)} dòng bị từ chối`);
  const skipped = (Object.keys(SKIPPED_LABELS) as (keyof Skipped)[]).filter((k) => (r.skipped?.[k] ?? 0) > 0);
  const total = skipped.reduce((n, k) => n + r.skipped[k], 0);
  parts.push(total ? `bỏ qua ${vi(total)} dòng không phải thành viên (${skipped.map((k) => `${SKIPPED_LABELS[k]} ${vi(r.skipped[k])}`).join(', ')})` : 'không bỏ qua dòng nào');
  return parts.join(' · ');
}
