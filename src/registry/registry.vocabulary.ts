import { searchKey } from '../text/vietnamese.js';

/**
 * The registry's controlled vocabularies (glossary of PRODUCT.md) and how free text written in
 * rosters maps onto them. Matching is on the search key, so accents, case and spacing do not matter.
 */

export const AFFILIATIONS = {
  youth_union: 'Đoàn Thanh niên',
  womens_union: 'Hội Liên hiệp Phụ nữ',
  fatherland_front: 'Mặt trận Tổ quốc',
  police: 'Công an xã',
  farmers_union: 'Hội Nông dân',
  veterans: 'Hội Cựu chiến binh',
  village_head: 'Trưởng thôn / tổ trưởng tổ dân phố',
  party_cell: 'Chi bộ',
  post_telecom: 'Bưu điện / viễn thông',
} as const;
export type Affiliation = keyof typeof AFFILIATIONS;
export const AFFILIATION_CODES = Object.keys(AFFILIATIONS) as Affiliation[];

export const ROLES = { leader: 'Tổ trưởng', deputy: 'Tổ phó', member: 'Thành viên' } as const;
export type Role = keyof typeof ROLES;

export const GENDERS = { male: 'Nam', female: 'Nữ' } as const;
export type Gender = keyof typeof GENDERS;

/** A team works for a whole commune or for one village (teams.level). */
export const TEAM_LEVELS = { commune: 'Cấp xã', village: 'Cấp thôn, bản' } as const;
export type TeamLevel = keyof typeof TEAM_LEVELS;

/** A team's status (teams.status): active, suspended for a while, or dissolved (its history and sessions kept). */
export const TEAM_STATUSES = { active: 'Đang hoạt động', suspended: 'Tạm ngừng hoạt động', dissolved: 'Đã giải thể' } as const;
export type TeamStatus = keyof typeof TEAM_STATUSES;

/** Why a membership ended, as an officer records it (team_members.end_reason); role_change, merged and dissolved are written by the system. */
export const LEAVE_REASONS = { moved: 'Chuyển đi nơi khác', resigned: 'Xin thôi tham gia', died: 'Từ trần', other: 'Lý do khác' } as const;
export type LeaveReason = keyof typeof LEAVE_REASONS;


/** Village kinds, by the word that starts the name ("Bản Hụm" → ban). */
const VILLAGE_KINDS: [string, string][] = [
  ['to dan pho', 'to_dan_pho'],
  ['tieu khu', 'tieu_khu'],
  ['khu pho', 'khu_pho'],
  ['thon', 'thon'],
  ['ban', 'ban'],
  ['xom', 'xom'],
  ['lang', 'lang'],
  ['ap', 'ap'],
  ['buon', 'buon'],
  ['plei', 'plei'],
  ['khom', 'khom'],
  ['to', 'to_dan_pho'],
  ['khu', 'khu_pho'],
];

/** The kind of a village from its name; 'thon' when the name has no kind word. */
export function villageKind(name: string): string {
  const key = searchKey(name);
  for (const [word, kind] of VILLAGE_KINDS) if (key === word || key.startsWith(word + ' ')) return kind;
  return 'thon';
}

/** Words (search keys) that signal each affiliation inside free text such as "Bí thư Đoàn xã - Tổ trưởng". */
const AFFILIATION_WORDS: [RegExp, Affiliation][] = [
  [/\b(doan thanh nien|doan tn|doan vien|dtn|dvtn|bi thu doan|pho bi thu doan|doan xa|doan phuong|chi doan|thanh nien|youth)\b/, 'youth_union'],
  [/\b(phu nu|hlhpn|lhpn|hoi pn|hpn|chi hoi truong|women)\b/, 'womens_union'],
  [/\b(mat tran|mttq|fatherland)\b/, 'fatherland_front'],
  [/\b(cong an|ca xa|police)\b/, 'police'],
  [/\b(nong dan|hnd|farmers)\b/, 'farmers_union'],
  [/\b(cuu chien binh|ccb|veterans)\b/, 'veterans'],
  [/\b(truong thon|truong ban|truong ban|truong xom|truong ap|truong khu|truong tieu khu|to truong to dan pho|to truong tdp|village head)\b/, 'village_head'],
  [/\b(chi bo|bi thu chi bo|dang uy|party)\b/, 'party_cell'],
  [/\b(buu dien|buu chinh|vien thong|viettel|vnpt|mobifone|post)\b/, 'post_telecom'],
];

/** Affiliation codes found in a free-text cell (several allowed), in glossary order. Codes themselves are accepted too. */
export function parseAffiliations(text: string): Affiliation[] {
  const key = searchKey(text);
  if (!key) return [];
  const found = new Set<Affiliation>();
  for (const part of text.split(/[,;/+\n]/)) {
    const code = part.trim() as Affiliation;
    if (code in AFFILIATIONS) found.add(code);
  }
  for (const [re, code] of AFFILIATION_WORDS) if (re.test(key)) found.add(code);
  return AFFILIATION_CODES.filter((c) => found.has(c));
}

/** Role from free text: "Tổ trưởng" → leader, "Tổ phó" → deputy, anything else naming a member → member. Null when unrecognised. */
export function parseRole(text: string): Role | null {
  const key = searchKey(text);
  if (!key) return 'member';
  if (/\b(to truong tdp|to truong to dan pho)\b/.test(key) && !/\bto truong to (cn|cong nghe)/.test(key)) {
    // "Tổ trưởng tổ dân phố" is a village-head position, not the team's leader
    return /\bto pho\b/.test(key) ? 'deputy' : 'member';
  }
  if (/\b(to truong|truong to|leader|doi truong)\b/.test(key)) return 'leader';
  if (/\b(to pho|pho to|deputy|doi pho)\b/.test(key)) return 'deputy';
  if (/\b(thanh vien|member|tv|uy vien)\b/.test(key)) return 'member';
  if (key in ROLES) return key as Role;
  return null;
}

/** Gender from "Nam", "Nữ", "nu", "M", "F", "male", "female". Null when unrecognised. */
export function parseGender(text: string): Gender | null {
  const key = searchKey(text);
  if (['nam', 'm', 'male', 'trai'].includes(key)) return 'male';
  if (['nu', 'f', 'female', 'gai'].includes(key)) return 'female';
  return null;
}
