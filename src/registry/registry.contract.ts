import { z } from 'zod';
import { freeText, isoDay } from '../http/zod.js';
import { AFFILIATIONS, LEAVE_REASONS, ROLES, TEAM_STATUSES } from './registry.vocabulary.js';

/**
 * The bodies of the registry's editing routes (teams, members, memberships, villages), shared by the
 * routes (validation, 400 before any code runs) and the office UI's forms (forms.tsx), so a form
 * refuses what the server would, in the same words. Rules that need the database or the clock
 * (phone ranges, dates not after today, scope) are checked by the services.
 */

/** Longest accepted name of a person, team or village (as in the import, imports.validate.ts). */
export const MAX_NAME = 100;
/** A person's name: letters (with their marks), spaces, hyphens, apostrophes and dots; no digits, markup, formula or control characters. */
export const PERSON_NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;
/** A village or team name: letters, digits, spaces and common punctuation, starting with a letter or digit. */
export const PLACE_NAME = /^[\p{L}\p{M}\d][\p{L}\p{M}\d '’.,()/-]*$/u;
/** Members are at least 15 and born after 1920 (the import's rule). */
export const MIN_AGE = 15;
export const MIN_BIRTH_YEAR = 1920;

const id = z.number().int().positive().max(2147483647);
const version = z.number({ error: 'Thiếu phiên bản của bản ghi (version): hãy tải lại trang.' }).int().positive().max(2147483647);
/**
 * Free text measured as people see it (http/zod.ts freeText): NFC, trimmed of spaces and invisible
 * characters at the ends, inner whitespace collapsed, at most `max` grapheme clusters; control
 * characters, direction overrides and zero-width marks inside have no place in names or notes
 * shown to others and are refused.
 */
const trimmed = (max: number, what: string) => freeText(max, what, { oneLine: true });
const personName = trimmed(MAX_NAME, 'Họ và tên')
  .pipe(z.string().min(2, 'Họ và tên cần ít nhất 2 ký tự.'))
  .refine((s) => PERSON_NAME.test(s) && !/\p{M}{3,}/u.test(s.normalize('NFD').replace(/[\u0302\u0306\u031b]/g, '')), 'Họ và tên chỉ gồm chữ cái, dấu cách, dấu gạch ngang, dấu chấm hoặc dấu nháy; hãy bỏ chữ số và ký hiệu.');
const placeName = trimmed(MAX_NAME, 'Tên')
  .pipe(z.string().min(2, 'Tên cần ít nhất 2 ký tự.'))
  .refine((s) => PLACE_NAME.test(s), 'Tên chỉ gồm chữ, số, dấu cách và các dấu . , ( ) / - ; hãy bỏ ký hiệu khác.');
const note = trimmed(500, 'Ghi chú');
const unitCode = z.string().min(2).max(20);
const role = z.enum(Object.keys(ROLES) as [keyof typeof ROLES, ...(keyof typeof ROLES)[]], { error: 'Hãy chọn vai trò trong tổ.' });
const affiliations = z.array(z.enum(Object.keys(AFFILIATIONS) as [keyof typeof AFFILIATIONS, ...(keyof typeof AFFILIATIONS)[]])).max(12);
const gender = z.enum(['male', 'female']).nullable();
const birthYear = z.number().int().min(MIN_BIRTH_YEAR, `Năm sinh phải từ ${MIN_BIRTH_YEAR} trở đi.`).max(2100).nullable();
const phone = z.string().max(20).nullable();
const position = trimmed(100, 'Chức vụ').nullable();

/** POST /api/teams: a new team on a commune (level commune) or a village of it (level village). */
export const createTeamBody = z.object({
  level: z.enum(['commune', 'village'], { error: 'Hãy chọn cấp của tổ.' }),
  /** the commune's code (commune level) or the village's code (village level) */
  unit: unitCode,
  name: placeName,
  establishedOn: isoDay.nullable().optional(),
});

/** PATCH /api/teams/:id: rename, the founding date, or (village level) move to another village of the same commune. */
export const updateTeamBody = z.object({
  version,
  name: placeName.optional(),
  establishedOn: isoDay.nullable().optional(),
  /** a village code of the team's commune */
  village: unitCode.optional(),
});

/** POST /api/teams/:id/status: active, suspended or dissolved from a day, with the reason (required unless active). */
export const teamStatusBody = z.object({
  version,
  status: z.enum(Object.keys(TEAM_STATUSES) as [keyof typeof TEAM_STATUSES, ...(keyof typeof TEAM_STATUSES)[]]),
  since: isoDay,
  reason: note.optional(),
});

/** A person's own fields, as the import reads them. */
export const personFields = z.object({
  fullName: personName,
  gender: gender.optional(),
  birthYear: birthYear.optional(),
  phone: phone.optional(),
});

/** POST /api/teams/:id/members: a new person, or an existing one (`memberId`) joining this team too, from a day. */
export const addMemberBody = z.object({
  person: personFields.optional(),
  memberId: id.optional(),
  role,
  affiliations: affiliations.default([]),
  position: position.optional(),
  joinedOn: isoDay,
  /** when the team already has a leader: make the new one leader and the old one a member, from the same day */
  replaceLeader: z.boolean().optional(),
});

/** PATCH /api/members/:id: a person's own fields (all optional), at the version the officer read. */
export const updateMemberBody = personFields.partial().extend({ version });

/** PATCH /api/teams/:teamId/members/:memberId: the role from a day (a new period), affiliations and position (in place). */
export const updateMembershipBody = z.object({
  version,
  role: role.optional(),
  /** the day the new role takes effect (required with `role`) */
  on: isoDay.optional(),
  affiliations: affiliations.optional(),
  position: position.optional(),
  replaceLeader: z.boolean().optional(),
});

/** POST /api/teams/:teamId/members/:memberId/leave: the first day the person is no longer a member, and why. */
export const leaveBody = z.object({
  version,
  on: isoDay,
  reason: z.enum(Object.keys(LEAVE_REASONS) as [keyof typeof LEAVE_REASONS, ...(keyof typeof LEAVE_REASONS)[]], { error: 'Hãy chọn lý do rời tổ.' }),
  note: note.optional(),
});

/** POST /api/members/:id/move: leave one team and join another (same province) on the same day, in one step. */
export const moveBody = z.object({
  version,
  fromTeamId: id,
  toTeamId: id,
  on: isoDay,
  role: role.optional(),
  replaceLeader: z.boolean().optional(),
});

/** POST /api/members/:id/merge: this record is a duplicate of `into`; its memberships and sessions go there. */
export const mergeMemberBody = z.object({ version, into: id, intoVersion: version });

/** POST /api/duplicates/distinct: two records the officer judged to be different people. */
export const distinctBody = z.object({ a: id, b: id });

/** POST /api/villages: a new village (thôn, bản, tổ dân phố…) of a commune. */
export const createVillageBody = z.object({ commune: unitCode, name: placeName, validFrom: isoDay.nullable().optional() });
/** PATCH /api/villages/:code: a new name from a day (the old one is remembered for matching files). */
export const renameVillageBody = z.object({ name: placeName, on: isoDay });
/** POST /api/villages/:code/merge: this village joins `into` (same commune) on a day. */
export const mergeVillageBody = z.object({ into: unitCode, on: isoDay });

export type CreateTeamBody = z.infer<typeof createTeamBody>;
export type UpdateTeamBody = z.infer<typeof updateTeamBody>;
export type TeamStatusBody = z.infer<typeof teamStatusBody>;
export type AddMemberBody = z.infer<typeof addMemberBody>;
export type UpdateMemberBody = z.infer<typeof updateMemberBody>;
export type UpdateMembershipBody = z.infer<typeof updateMembershipBody>;
export type LeaveBody = z.infer<typeof leaveBody>;
export type MoveBody = z.infer<typeof moveBody>;
export type MergeMemberBody = z.infer<typeof mergeMemberBody>;
export type CreateVillageBody = z.infer<typeof createVillageBody>;
export type RenameVillageBody = z.infer<typeof renameVillageBody>;
export type MergeVillageBody = z.infer<typeof mergeVillageBody>;
