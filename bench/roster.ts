import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { prng } from '../src/demo/demo.service.js';

/**
 * Synthetic roster for the benchmark: members of community digital technology teams on the
 * real communes of one province, spread over commune-level teams and village-level teams
 * ("Bản Nà 12", "Tiểu khu 3"…), with realistic Vietnamese (Kinh, Thái, Mông, Mường) names,
 * genders, birth years 1960–2005, unique valid mobile numbers, roles and affiliations.
 * Deterministic (seeded PRNG), so every run imports the same file.
 */

export const HEADER = ['Tỉnh', 'Xã/phường', 'Thôn/bản', 'Tổ', 'Họ và tên', 'Giới tính', 'Năm sinh', 'Số điện thoại', 'Vai trò', 'Đoàn thể'];

/** the demo's seeded PRNG (mulberry32) */
export { prng };

const FAMILY = [
  // Thái, Mông, Mường, Khơ Mú… names common in Sơn La, then Kinh names
  'Lò', 'Quàng', 'Cầm', 'Lường', 'Tòng', 'Điêu', 'Hà', 'Lù', 'Vì', 'Sồng', 'Giàng', 'Mùa', 'Thào', 'Vàng', 'Hờ', 'Lầu', 'Bạc', 'Đinh', 'Xa', 'Lộc',
  'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô', 'Dương', 'Phan', 'Trịnh', 'Đào',
];
const MIDDLE_MALE = ['Văn', 'Văn', 'Văn', 'Đức', 'Minh', 'Thanh', 'A', 'Hữu', 'Quang', 'Xuân', 'Công', 'Mạnh'];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Thu', 'Thanh', 'Ngọc', 'Mí', 'Hồng', 'Phương', 'Kim'];
const GIVEN_MALE = ['Bình', 'Cường', 'Dũng', 'Hùng', 'Long', 'Minh', 'Nam', 'Phong', 'Quân', 'Sơn', 'Thắng', 'Tuấn', 'Việt', 'Dình', 'Chứ', 'Pó', 'Tông', 'Khoa', 'Hoàng', 'Kiên', 'Lợi', 'Thuận', 'Toàn', 'Vinh', 'Xôm', 'Chiến', 'Đông', 'Hải', 'Khánh', 'Trung'];
const GIVEN_FEMALE = ['Hiền', 'Hoa', 'Hòa', 'Hương', 'Lan', 'Linh', 'Mai', 'Nga', 'Nhung', 'Phượng', 'Thảo', 'Trang', 'Uyên', 'Xuân', 'Yến', 'Dua', 'Pằng', 'Sua', 'Dợ', 'Ánh', 'Bích', 'Chi', 'Duyên', 'Giang', 'Hạnh', 'Huyền', 'Loan', 'Ngân', 'Oanh', 'Thủy'];
const VILLAGE_WORDS = ['Nà', 'Hụm', 'Co Mạ', 'Pá', 'Huổi', 'Nong', 'Phiêng', 'Lọng', 'Mòn', 'Cang', 'Tà', 'Hìn', 'Púng', 'Noong', 'Liếng', 'Sẳng', 'Chiềng', 'Ta Lọt', 'Mển', 'Bó'];
const AFFILIATIONS = [
  '', '', '', '', 'Bí thư Đoàn xã', 'Đoàn viên thanh niên', 'Hội Phụ nữ', 'Chi hội trưởng phụ nữ', 'Công an xã', 'Trưởng bản', 'Hội Nông dân',
  'Hội Cựu chiến binh', 'Bí thư chi bộ', 'Nhân viên Viettel', 'Bưu điện xã', 'Mặt trận Tổ quốc', 'Đoàn Thanh niên; Hội Phụ nữ',
];
/** Mobile prefixes (without the trunk 0) of Viettel, VinaPhone and MobiFone. */
const PREFIXES = ['96', '97', '98', '86', '32', '33', '34', '35', '36', '37', '38', '39', '91', '94', '88', '81', '82', '83', '84', '85', '90', '93', '70', '79', '77', '76', '78'];

export interface Roster {
  rows: string[][];
  communes: number;
  villages: number;
  communeTeamRows: number;
}

/**
 * Builds `count` member rows on `communes` (full names as in the catalogue, "Xã Chiềng Xôm").
 * Each commune gets a commune-level team (12–20 members) and 25–55 villages whose teams share
 * the rest of the commune's members.
 */
export function buildRoster(province: string, communes: string[], count: number, seed = 20250701): Roster {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  // unique phones: a random permutation walk over a 7-digit space per prefix
  const phoneSet = new Set<string>();
  const phone = () => {
    for (;;) {
      const p = `0${pick(PREFIXES)}${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`;
      if (!phoneSet.has(p)) {
        phoneSet.add(p);
        // a third written grouped, the way people type them
        return rnd() < 0.33 ? `${p.slice(0, 4)} ${p.slice(4, 7)} ${p.slice(7)}` : p;
      }
    }
  };
  const perCommune = Math.floor(count / communes.length);
  const rows: string[][] = [];
  let villages = 0;
  let communeTeamRows = 0;
  communes.forEach((commune, ci) => {
    const n = ci === communes.length - 1 ? count - rows.length : perCommune;
    const communeTeam = Math.min(n, 12 + Math.floor(rnd() * 9));
    const villageCount = 25 + Math.floor(rnd() * 31);
    villages += villageCount;
    const villageNames = Array.from({ length: villageCount }, (_, v) => (rnd() < 0.15 ? `Tiểu khu ${v + 1}` : `Bản ${pick(VILLAGE_WORDS)} ${v + 1}`));
    // commune name written with or without its kind word, as rosters do
    const communeCell = rnd() < 0.5 ? commune : commune.replace(/^(Xã|Phường|Đặc khu) /, '');
    for (let i = 0; i < n; i++) {
      const inCommuneTeam = i < communeTeam;
      const village = inCommuneTeam ? '' : villageNames[(i - communeTeam) % villageCount];
      // position within its team: first of the team leads, second deputises
      const teamIndex = inCommuneTeam ? i : Math.floor((i - communeTeam) / villageCount);
      const role = teamIndex === 0 ? 'Tổ trưởng' : teamIndex === 1 ? 'Tổ phó' : 'Thành viên';
      const male = rnd() < 0.52;
      const name = `${pick(FAMILY)} ${pick(male ? MIDDLE_MALE : MIDDLE_FEMALE)} ${pick(male ? GIVEN_MALE : GIVEN_FEMALE)}`;
      const year = 1960 + Math.floor(rnd() * 46);
      const affiliation = village && rnd() < 0.1 ? 'Trưởng bản' : pick(AFFILIATIONS);
      rows.push([province, communeCell, village, '', name, male ? 'Nam' : 'Nữ', String(year), phone(), role, affiliation]);
      if (inCommuneTeam) communeTeamRows++;
    }
  });
  return { rows, communes: communes.length, villages, communeTeamRows };
}

export function rosterCsv(roster: Roster): Buffer {
  return Buffer.from('\ufeff' + stringify([HEADER, ...roster.rows]), 'utf8');
}

/** Writes the roster as .xlsx with ExcelJS's streaming writer (shared strings, as Excel saves) and returns the bytes. */
export async function rosterXlsx(roster: Roster, file: string): Promise<Buffer> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(file), useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('Danh sách');
  ws.addRow(HEADER).commit();
  for (const r of roster.rows) ws.addRow([r[0], r[1], r[2], r[3], r[4], r[5], Number(r[6]), r[7], r[8], r[9]]).commit();
  ws.commit();
  await wb.commit();
  return readFile(file);
}
