import { canonicalVillage, isVillageName } from '../catalogue/village-name.js';
import { cleanText, nameKey, properName, searchKey } from '../text/vietnamese.js';
import type { Sheet } from './imports.reader.js';

/**
 * Where a roster's rows belong when the row itself does not say: group rows inside the table
 * ("I | Tổ CNSCĐ bản Pọng Chăn", "A | Xã Chiềng Mung"), the titles above it ("UBND THỊ TRẤN BẮC
 * YÊN", "… HUYỆN MAI SƠN"), the sheet's name ("Mộc Sơn - Tổ 1") and the file's name
 * ("DS_To_CNSCD_Huyen_Mai_Son.xlsx"). Pure: names as written, resolved later against the catalogue.
 */
export interface Context {
  province?: string;
  /** old (pre-2025) district */
  district?: string;
  commune?: string;
  /** the village of the team (canonical name), null for the commune-level team, undefined when not said */
  village?: string | null;
}

/** A group row: it starts a team, never a member. */
export interface GroupRow {
  /** the old district it names ("A | Huyện Mai Sơn"): it starts no team */
  district?: string;
  /** the commune it names, when it names one (it then starts that commune's commune-level team) */
  commune?: string;
  /** the team's village (canonical name); null for a commune-level team; undefined for a district row */
  village?: string | null;
  /** the title as written */
  title: string;
  /** a bare name with no unit word ("II | Pọng Chăn"), read as a village: said on the row */
  guessed?: boolean;
}

const COMMUNE_WORD = /^(?:xã|phường|thị trấn|đặc khu|tt\.?|thị xã)(?=\s|$)/iu;
const TEAM_WORDS = /^tổ\s+(?:cnscđ|cnsc\s*đ|cnscd|cns\s*cđ|công nghệ số cộng đồng|công nghệ số|chuyển đổi số cộng đồng|chuyển đổi số|cđs)\s*(?:cấp\s+)?/iu;
/** Middle names that make a text a person's name, not a place ("Lò Thị Xa", "Lang Văn Hùng", "Giàng A Páo"). */
const PERSON = /^\S+\s+(?:văn|thị|van|thi|a|mí|mi)\s+\S+/iu;
/** Numbering of a group in the STT column: a Roman numeral (I…LXXXIX) or capital letters (A…Z, then AA, AB… as Excel counts). */
const GROUP_NUMBER = /^(?:L?X{0,3}(?:IX|IV|V?I{0,3})|[A-ZĐ]{1,2})\s*[.)]?$/u;

/** A commune name in one spelling: "THỊ TRẤN BẮC YÊN" → "Thị trấn Bắc Yên", "TT NT Mộc Châu" → "Thị trấn Nông trường Mộc Châu". */
export function communeName(written: string): string {
  let text = cleanText(written);
  const m = COMMUNE_WORD.exec(text);
  if (!m) return properName(text);
  const word = searchKey(m[0]);
  const kind = word === 'xa' ? 'Xã' : word === 'phuong' ? 'Phường' : word === 'dac khu' ? 'Đặc khu' : word === 'thi xa' ? 'Thị xã' : 'Thị trấn';
  let rest = properName(text.slice(m[0].length).trim());
  // farm townships: "Thị trấn NT Mộc Châu" is "Thị trấn Nông trường Mộc Châu"
  if (kind === 'Thị trấn') rest = rest.replace(/^(?:NT|Nt)\.?\s+/u, 'Nông trường ');
  text = `${kind} ${rest}`;
  return text;
}

/** Whether a text names a commune-level unit ("Xã Chiềng Mung", "Thị trấn Hát Lót", "TT Ít Ong"). */
export function isCommuneName(text: string): boolean {
  return COMMUNE_WORD.test(cleanText(text)) && cleanText(text).split(' ').length > 1;
}

/**
 * Reads a group row from the row's distinct cells (merged copies blanked): the numbering cell
 * holds a Roman numeral or a letter and one other cell the title, or one cell alone holds a team
 * or unit title. Returns undefined for any other row. `commune` is the commune in force (to read
 * "Tổ CNSCĐ Chiềng Mung" as that commune's own team).
 */
export function readGroupRow(cells: string[], commune?: string): GroupRow | undefined {
  const filled = cells.map((c) => cleanText(c ?? '')).filter(Boolean);
  let title: string;
  let numbered = false;
  if (filled.length === 2 && GROUP_NUMBER.test(filled[0]) && filled[0] !== '') {
    title = filled[1];
    numbered = true;
  } else if (filled.length === 1) {
    title = filled[0];
    const inline = /^((?:X{0,3})(?:IX|IV|V?I{0,3})|[A-Z])\s*[.)]\s*(?=\S)/u.exec(title);
    if (inline && inline[1]) {
      title = title.slice(inline[0].length);
      numbered = true;
    }
  } else return undefined;
  const team = TEAM_WORDS.exec(title);
  // a year or a phone beside a name is a member's row; a team title may carry a number ("Tổ 1000")
  if (!team && /\d{4}|\+?84\d|0\d{9}/.test(title)) return undefined;
  const rest = (team ? title.slice(team[0].length) : title).replace(/^[,:–-]\s*/u, '').trim();
  // a lone cell is a group row only when it names a team or a unit; a numbered one always is
  if (!team && !numbered && !isCommuneName(rest) && !isVillageName(rest, true)) return undefined;
  // a person's name ("Lò Thị Xa", "A | Lò Văn Minh"): a middle name of the kind says so
  if (!team && !isCommuneName(rest) && PERSON.test(rest) && !isVillageName(rest, true)) return undefined;
  if (!rest) return { village: null, title };
  const district = /^(?:huyện|quận|thị xã|thành phố|tp\.?)\s+(.+)$/iu.exec(rest);
  if (district && !team) return { district: properName(district[1]), title };
  const parts = rest.split(/\s*[,–]\s*|\s+-\s+/u).filter(Boolean);
  let found: GroupRow | undefined;
  for (const part of parts) {
    if (isCommuneName(part)) found = { ...(found ?? { village: null, title }), commune: found?.commune ?? communeName(part) };
    else if (isVillageName(part) && !found?.village) found = { ...(found ?? { title }), village: canonicalVillage(part).name, title };
  }
  if (found) return found;
  // a bare name: the commune in force, or else read as a village and said so
  if (commune && nameKey(rest) === nameKey(communeName(commune).replace(COMMUNE_WORD, '').trim())) return { village: null, title };
  if (!numbered && !team) return undefined;
  return { village: canonicalVillage(rest).name, title, guessed: true };
}

/**
 * The village a row's village cell gives: its canonical name, or null for the commune-level team
 * ("Xã", "Khối cơ quan xã", "Cơ quan xã", a commune's own name, "-"). Empty cells give undefined.
 */
export function villageOfCell(text: string): string | null | undefined {
  const t = cleanText(text);
  if (!t) return undefined;
  const key = searchKey(t);
  if (/^(?:xa|phuong|thi tran|dac khu|cap xa|to xa|khoi co quan(?: xa| phuong| thi tran)?|co quan(?: xa| phuong| thi tran)?|ubnd(?: xa| phuong| thi tran)?|khoi xa|xa ?\/ ?phuong)$/.test(key) || /^[-–—.]+$/.test(t)) return null;
  if (isCommuneName(t)) return null;
  return canonicalVillage(t).name;
}

const proper = (t: string) => properName(cleanText(t));

/** Context from one line of text (a title cell, a sheet name, a file name), merged into `into`. */
function readLine(text: string, into: Context, fromTitle: boolean): void {
  const body = text.match(/^(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+(XÃ|PHƯỜNG|ĐẶC KHU|THỊ TRẤN|TT\.?)\s+(.+)$/iu);
  if (body) into.commune ??= communeName(`${body[1]} ${body[2]}`);
  const district = text.match(/(?:^|[\s,(–-])(?:HUYỆN|QUẬN|THỊ XÃ|UBND HUYỆN)\s+([^,;()–]+?)(?=\s*(?:[,;()–]|-\s|TỈNH|$))/iu);
  if (district) into.district ??= proper(district[1]);
  const province = text.match(/(?:^|[\s,(–-])TỈNH\s+([^,;()–]+?)(?=\s*(?:[,;()–]|-\s|$))/iu);
  if (province) into.province ??= proper(province[1]);
  if (!fromTitle) return;
  const title = text.match(/TỔ\s+(?:CÔNG NGHỆ SỐ CỘNG ĐỒNG|CNSCĐ|CHUYỂN ĐỔI SỐ CỘNG ĐỒNG|CÔNG NGHỆ SỐ)\s+(.+)$/iu);
  if (title) {
    const parts = title[1].split(/\s*[,–]\s*|\s+-\s+/u);
    for (const part of parts) {
      if (isCommuneName(part)) into.commune = communeName(part);
      else if (isVillageName(part)) into.village = canonicalVillage(part).name;
    }
    if (into.village === undefined && parts.length && isCommuneName(parts[0])) into.village = null;
  }
}

/**
 * Context given above the table (title rows), by the sheet's name ("Mộc Sơn - Tổ 1", "Bản Hụm",
 * "Chiềng Mung") and by the file's name ("DS_To_CNSCD_Huyen_Mai_Son.xlsx"). Titles win over the
 * sheet's name, which wins over the file's name.
 */
export function tableContext(sheet: Sheet, headerIndex: number, fileName = ''): Context {
  const context: Context = {};
  for (const cells of sheet.rows.slice(0, headerIndex)) {
    const seen = new Set<string>();
    for (const raw of cells) {
      const text = cleanText(raw ?? '');
      if (!text || seen.has(text)) continue;
      seen.add(text);
      readLine(text, context, true);
    }
  }
  // sheet name: "Mộc Sơn - Tổ 1", "Bản Hụm", "Xã Chiềng Mung"
  const sheetParts = cleanText(sheet.name).split(/\s*[,–]\s*|\s+-\s+|\s*-\s*(?=\S)/u).filter(Boolean);
  for (const part of sheetParts) {
    if (isVillageName(part)) {
      if (context.village === undefined) context.village = canonicalVillage(part).name;
    } else if (isCommuneName(part)) context.commune ??= communeName(part);
  }
  // a sheet named by a bare commune name next to a village ("Mộc Sơn - Tổ 1"): the commune, resolved as written
  if (sheetParts.length === 2 && isVillageName(sheetParts[1]) && !isVillageName(sheetParts[0]) && !isCommuneName(sheetParts[0]) && /\p{L}/u.test(sheetParts[0])) context.commune ??= sheetParts[0];
  if (fileName) {
    const words = fileName.replace(/\.[a-z0-9]+$/i, '').replace(/[_]+/g, ' ').replace(/\s+/g, ' ');
    const fromFile: Context = {};
    const district = words.match(/(?:^|\s)(?:huyện|huyen|quận|quan|thị xã|thi xa)\s+(.+?)(?=\s+(?:tỉnh|tinh)\s|\s*$|\s+\d)/iu);
    if (district) fromFile.district = proper(district[1]);
    const commune = words.match(/(?:^|\s)(?:xã|xa|phường|phuong|thị trấn|thi tran)\s+(.+?)(?=\s+(?:huyện|huyen)\s|\s*$|\s+\d)/iu);
    if (commune && !district) fromFile.commune = proper(commune[1]);
    context.district ??= fromFile.district;
    context.commune ??= fromFile.commune;
  }
  return context;
}
