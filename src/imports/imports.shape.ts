import { maskPhone } from '../privacy/protector.js';
import type * as registry from '../registry/registry.repo.js';
import { AFFILIATIONS, GENDERS } from '../registry/registry.vocabulary.js';
import { formatPhone } from '../text/phone.js';
import { cleanText, compareVietnamese, nameKey } from '../text/vietnamese.js';
import type { Field } from './imports.columns.js';
import type { PlannedRow, PlannedTeam } from './imports.plan.js';
import type { ShapeSheet, ShapeTeam } from './imports.report.js';
import type { RosterRow } from './imports.validate.js';

/**
 * What the report says of planned rows: the changes a row makes to a person, the leaders' warnings
 * once every row is planned, and the shape of the file as understood (per sheet, communes → teams
 * with the rows each receives).
 */

/** A row that will be written to a team, with the person it is (existing or new). */
export interface Link {
  person: { existing?: registry.MemberRow };
  row: PlannedRow;
  team: PlannedTeam;
}

/**
 * Warnings for a team that would have more than one leader: two "Tổ trưởng" rows in the file, or
 * a leader in the file while the registry keeps another leader whom the file does not list.
 */
export function warnLeaders(links: Link[], inRegistry: Map<string, { id: number; fullName: string }[]>, warn: (r: RosterRow, column: Field, message: string, suggestion?: string) => void): void {
  const byTeam = new Map<string, Link[]>();
  for (const l of links) {
    const list = byTeam.get(l.team.key);
    if (list) list.push(l);
    else byTeam.set(l.team.key, [l]);
  }
  for (const [key, list] of byTeam) {
    const leaders = list.filter((l) => l.row.role === 'leader');
    const listed = new Set(list.map((l) => l.person.existing?.id).filter((id): id is number => id !== undefined));
    const kept = (inRegistry.get(key) ?? []).filter((m) => !listed.has(m.id));
    if (leaders.length > 1) {
      for (const l of leaders.slice(1)) warn(l.row, 'role', `Tổ "${l.team.name}" có ${leaders.length} tổ trưởng trong tệp (dòng ${leaders.map((x) => x.row.row).join(', ')})`, 'Mỗi tổ có một tổ trưởng; ghi "Tổ phó" hoặc "Thành viên" cho người còn lại');
    } else if (leaders.length === 1 && kept.length) {
      warn(leaders[0].row, 'role', `Tổ "${leaders[0].team.name}" đã có tổ trưởng ${kept.map((m) => m.fullName).join(', ')} trong sổ; dòng này ghi thêm một tổ trưởng`, 'Nếu đổi tổ trưởng, hãy ghi cả người cũ trong tệp với vai trò mới (tổ phó hoặc thành viên)');
    }
  }
}

/**
 * The shape of the file as understood: per sheet, communes → teams with the rows each receives.
 * `writtenOf` and `sheetOf` give, per team key, the commune as the last planned row of that team
 * wrote it and that row's sheet.
 */
export function buildShape(accepted: Link[], refused: Map<string, number>, teams: Map<string, PlannedTeam>, writtenOf: Map<string, string>, sheetOf: Map<string, string>, unplaced: RosterRow[]): ShapeSheet[] {
  const sheets = new Map<string, Map<string, { name: string; code: string | null; written?: string; teams: Map<string, ShapeTeam> }>>();
  const entry = (sheet: string, communeKey: string, commune: { name: string; code: string | null; written?: string }, teamKey: string, team: Omit<ShapeTeam, 'members' | 'invalid'>) => {
    const bySheet = sheets.get(sheet) ?? new Map();
    sheets.set(sheet, bySheet);
    const c = bySheet.get(communeKey) ?? { ...commune, teams: new Map<string, ShapeTeam>() };
    bySheet.set(communeKey, c);
    const t = c.teams.get(teamKey) ?? { ...team, members: 0, invalid: 0 };
    c.teams.set(teamKey, t);
    return t;
  };
  const teamView = (t: PlannedTeam) => ({ level: t.level, name: t.name, village: t.village, isNew: !t.existing });
  const communeView = (t: PlannedTeam, written: string) => ({ name: t.commune.name, code: t.commune.code, ...(nameKey(written) !== nameKey(t.commune.name) ? { written } : {}) });
  for (const a of accepted) entry(a.row.sheet, a.team.commune.code ?? '', communeView(a.team, writtenOf.get(a.team.key) ?? a.team.commune.name), a.team.key, teamView(a.team)).members++;
  for (const [key, n] of refused) {
    const t = teams.get(key)!;
    entry(sheetOf.get(key) ?? '', t.commune.code ?? '', communeView(t, writtenOf.get(key) ?? t.commune.name), key, teamView(t)).invalid += n;
  }
  for (const r of unplaced) {
    const written = cleanText(r.commune ?? '—');
    entry(r.sheet, `?${nameKey(written)}`, { name: written, code: null }, `?${r.village ?? ''}`, { level: r.village ? 'village' : 'commune', name: r.village ?? 'Tổ cấp xã', village: r.village, isNew: true }).invalid++;
  }
  return [...sheets.entries()]
    .sort((a, b) => compareVietnamese(a[0], b[0]))
    .map(([sheet, communes]) => ({ sheet, communes: [...communes.values()].map((c) => ({ name: c.name, code: c.code, ...(c.written ? { written: c.written } : {}), teams: [...c.teams.values()].sort((a, b) => (a.level === b.level ? compareVietnamese(a.name, b.name) : a.level === 'commune' ? -1 : 1)) })) }));
}

/**
 * What a roster row changes of an existing person's own fields: the patch to write, the changes as
 * the officer sees them, and as the audit log keeps them (phones masked). Empty cells change nothing.
 */
export function personChanges(r: RosterRow, existing: registry.MemberRow, nameKeyOf: (t: string) => string, searchKeyOf: (t: string) => string) {
  const patch: Record<string, unknown> = {};
  const shown: string[] = [];
  const audited: string[] = [];
  const change = (text: string, forAudit = text) => (shown.push(text), audited.push(forAudit));
  if (r.fullName !== existing.fullName) (patch.fullName = r.fullName), (patch.nameKey = nameKeyOf(r.fullName)), (patch.searchKey = searchKeyOf(r.fullName)), change(`họ tên: ${existing.fullName} → ${r.fullName}`);
  if (r.gender && r.gender !== existing.gender) (patch.gender = r.gender), change(`giới tính: ${existing.gender ? GENDERS[existing.gender] : '—'} → ${GENDERS[r.gender]}`);
  if (r.birthYear && r.birthYear !== existing.birthYear) (patch.birthYear = r.birthYear), change(`năm sinh: ${existing.birthYear ?? '—'} → ${r.birthYear}`);
  if (r.phone && r.phone !== existing.phone) (patch.phone = r.phone), change(`điện thoại: ${existing.phone ? formatPhone(existing.phone) : '—'} → ${formatPhone(r.phone)}`, `điện thoại: ${existing.phone ? maskPhone(existing.phone) : '—'} → ${maskPhone(r.phone)}`);
  return { patch, shown, audited };
}

/** Affiliation codes as labels, for a change shown to the officer. */
export function affiliationLabels(codes: string[]): string {
  return codes.map((c) => AFFILIATIONS[c as keyof typeof AFFILIATIONS] ?? c).join(', ') || '—';
}
