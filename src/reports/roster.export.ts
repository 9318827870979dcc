import ExcelJS from 'exceljs';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import type { PersonPresenter } from '../access/presenter.js';
import { unitById } from '../catalogue/catalogue.repo.js';
import type { Db } from '../db/client.js';
import { membersOfTeam, teamsActiveOn, teamsUnder } from '../registry/registry.repo.js';
import { AppError } from '../http/errors.js';
import { currentUnit } from '../registry/registry.service.js';
import { affiliationLabels } from '../imports/imports.validate.js';
import { type Affiliation, ROLES } from '../registry/registry.vocabulary.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { compareVietnameseNames } from '../text/vietnamese.js';

/**
 * The roster of a unit in the official form (Excel), to print and sign: the issuing body and the
 * national motto block, a title, a two-row header with the birth year under "Nam" or "Nữ", one
 * row per membership (leader, deputies, members; by given name), and a signature block. A person
 * whose gender is not known keeps the birth year in a last column "Năm sinh (chưa rõ giới tính)",
 * written only when someone needs it (the official columns stay where they are); a known gender
 * without a known year is an "x" under "Nam" or "Nữ" (the mark the import reads as the gender). The
 * import reads this form back unchanged (round trip, tested). Teams and people are read within
 * `scope`; phones are written as `presenter` allows the caller's role (masked for inspectors).
 * With `asOf` (a Vietnam day, not after today), the roster as it stood that day: the teams active
 * then and the people whose membership covered the day, with their role then.
 * Errors: UNIT_NOT_FOUND, OUT_OF_SCOPE, VALIDATION_FAILED (a day in the future).
 */
export async function rosterToXlsx(db: Db, unitCode: string, scope: Scope, presenter: PersonPresenter, asOf: string | null = null): Promise<{ file: Buffer; name: string }> {
  const today = todayInVietnam();
  if (asOf && asOf > today) throw new AppError('VALIDATION_FAILED', `Ngày ${formatDateVi(asOf)} ở tương lai: danh sách chỉ xem được đến hôm nay.`, { path: 'asOf' });
  if (asOf === today) asOf = null;
  const unit = await currentUnit(db, unitCode);
  requireScope(unitInScope(scope, unit), `danh sách của "${unit.name}"`, unitTarget(unit));
  const commune = unit.level === 'village' ? await unitById(db, unit.parentId!) : unit.level === 'commune' ? unit : null;
  const province = unit.level === 'province' ? unit : await currentUnit(db, unit.provinceCode!);
  const all = await teamsUnder(db, unit, scope);
  const activeThen = asOf ? await teamsActiveOn(db, all.map((t) => t.id), asOf) : null;
  const teams = all.filter((t) => (activeThen ? activeThen.has(t.id) : t.status === 'active'));
  const order = { leader: 0, deputy: 1, member: 2 } as const;
  const rosters = [];
  for (const team of teams) {
    const people = await membersOfTeam(db, team.id, scope, asOf);
    people.sort((a, b) => order[a.role] - order[b.role] || compareVietnameseNames(a.fullName, b.fullName) || a.memberId - b.memberId);
    rosters.push({ team, people });
  }
  // the birth year of a person of unknown gender has no place under "Nam" or "Nữ"
  const yearOnly = rosters.some((r) => r.people.some((p) => p.gender === null && p.birthYear !== null));

  const wb = new ExcelJS.Workbook();
  wb.creator = 'Ngõ Số';
  const ws = wb.addWorksheet('Danh sách', { pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 } });
  const issuer = commune ? `UBND ${commune.name.toLocaleUpperCase('vi')}` : `UBND ${province?.kind === 'thanh_pho' ? 'THÀNH PHỐ' : 'TỈNH'} ${unit.name.toLocaleUpperCase('vi')}`;
  ws.addRow([issuer, '', '', '', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']).font = { bold: true };
  ws.addRow(['', '', '', '', '', 'Độc lập - Tự do - Hạnh phúc']).font = { bold: true };
  ws.addRow(['', '', '', '', '', `Ngày ${formatDateVi(today)}`]).font = { italic: true };
  ws.addRow([`DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG ${unit.name.toLocaleUpperCase('vi')}${asOf ? ` TẠI NGÀY ${formatDateVi(asOf)}` : ''}`]).font = { bold: true, size: 13 };
  ws.addRow([]);
  const header = ws.addRow(['STT', 'Họ và tên', 'Năm sinh', '', 'Vai trò', 'Đoàn thể', 'Số điện thoại', 'Tỉnh', 'Xã/phường', 'Thôn/bản', 'Tổ', ...(yearOnly ? ['Năm sinh (chưa rõ giới tính)'] : [])]);
  const sub = ws.addRow(['', '', 'Nam', 'Nữ', '', '', '', '', '', '', '', ...(yearOnly ? [''] : [])]);
  ws.mergeCells(header.number, 3, header.number, 4);
  for (const col of [1, 2, 5, 6, 7, 8, 9, 10, 11, ...(yearOnly ? [12] : [])]) ws.mergeCells(header.number, col, sub.number, col);
  for (const row of [header, sub]) {
    row.font = { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  }

  let n = 0;
  for (const { team, people } of rosters) {
    for (const p of people) {
      const duty = p.position ?? affiliationLabels(p.affiliations as Affiliation[]);
      ws.addRow([
        ++n,
        p.fullName,
        p.gender === 'male' ? p.birthYear ?? 'x' : '',
        p.gender === 'female' ? p.birthYear ?? 'x' : '',
        ROLES[p.role],
        duty,
        presenter.memberPhone(p.phone) ?? '',
        province?.name ?? '',
        team.communeName,
        team.level === 'village' ? team.unitName : '',
        team.name,
        ...(yearOnly ? [p.gender === null ? p.birthYear ?? '' : ''] : []),
      ]);
    }
  }
  ws.addRow([]);
  ws.addRow(['', 'NGƯỜI LẬP BIỂU', '', '', '', '', '', commune ? `TM. UBND ${commune.name.toLocaleUpperCase('vi')}` : 'TM. SỞ KHOA HỌC VÀ CÔNG NGHỆ']).font = { bold: true };
  ws.addRow(['', '(Ký, ghi rõ họ tên)', '', '', '', '', '', '(Ký tên, đóng dấu)']).font = { italic: true };
  [6, 28, 8, 8, 12, 30, 15, 12, 22, 20, 40, 14].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return { file: Buffer.from(await wb.xlsx.writeBuffer()), name: `danh-sach-to-cnscd-${unit.code}${asOf ? `-${asOf}` : ''}.xlsx` };
}
