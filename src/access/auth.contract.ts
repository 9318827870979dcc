/**
 * What the sign-in and account routes accept, shared by the server (auth.routes.ts validates
 * with these schemas, the services apply these rules) and the office UI (its forms check the
 * same schemas and rules before sending), so a form refuses exactly what the server refuses,
 * with the same Vietnamese words. Browser-safe: zod and pure functions only.
 *
 * The schemas' own messages are whole sentences (ending with "."); other checks carry zod's
 * Vietnamese locale message (http/zod.ts, imported here so the messages are configured wherever the schemas are used), which the UI prefixes with the field's label.
 */
import * as z from 'zod';
import { freeText } from '../http/zod.js';
import { ROLES } from './access.policy.js';

/** Password length, as the password rule and every schema count it. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
/** Digits of a one-time reset code (issued by an officer, typed by the user). */
export const RESET_CODE_DIGITS = 8;

/** The password rule in words, for form hints. */
export const PASSWORD_RULE = `Từ ${PASSWORD_MIN} đến ${PASSWORD_MAX} ký tự, không chỉ gồm chữ số, không chứa tên đăng nhập hay số điện thoại. Nên ghép vài từ dễ nhớ bằng dấu gạch ngang; đừng dùng ngày sinh.`;

/**
 * The password rule: 8–128 characters, not only digits, not containing a login (user name, or
 * phone number with or without +84). Returns the message of the first rule broken, or null.
 */
export function passwordProblem(password: string, logins: readonly string[]): string | null {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return `Mật khẩu cần từ ${PASSWORD_MIN} đến ${PASSWORD_MAX} ký tự.`;
  if (/^\d+$/.test(password)) return 'Mật khẩu không được chỉ gồm chữ số.';
  if (logins.some((l) => l && password.toLowerCase().includes(l.toLowerCase().replace(/^\+84/, '')))) return 'Mật khẩu không được chứa tên đăng nhập hoặc số điện thoại.';
  return null;
}

/** A changed password: the password rule, and it must differ from the current one. Message or null. */
export function newPasswordProblem(current: string, next: string, logins: readonly string[]): string | null {
  return passwordProblem(next, logins) ?? (next === current ? 'Mật khẩu mới phải khác mật khẩu hiện tại.' : null);
}

/** A user name: 3–40 of a-z, 0-9, ".", "_", "-" (checked after trimming and lower-casing). */
export const USERNAME = /^[a-z0-9._-]{3,40}$/;
export const USERNAME_PROBLEM = 'Tên đăng nhập: 3–40 ký tự a-z, 0-9, dấu chấm, gạch dưới, gạch ngang.';

const login = z.string().min(1, 'Hãy nhập tên đăng nhập hoặc số điện thoại.').max(60);
const password = (missing: string) => z.string().min(1, missing).max(PASSWORD_MAX);
/** Control characters (C0, DEL, C1) and bidirectional overrides, which can disguise a name. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** An account's name: no control or direction characters; then NFC, trimmed, at most 100 grapheme clusters (http/zod.ts freeText). */
const fullName = z
  .string()
  .refine((s) => !CONTROL_CHARS.test(s), 'Họ và tên có ký tự điều khiển hoặc ký tự đảo chiều chữ; hãy gõ lại tên.')
  .pipe(freeText(100, 'Họ và tên', { oneLine: true }))
  .pipe(z.string().min(2, 'Hãy nhập họ và tên (ít nhất 2 ký tự).'));
const id = z.number().int().positive().max(2147483647);
/** A unit code as the catalogue writes it: a province "14", a commune "03664", a village "03664.001". */
const unitCode = z.string().max(20).regex(/^\d{2,5}(\.\d{1,4})?$/, 'Mã đơn vị chỉ gồm chữ số (ví dụ 14, 03664 hoặc 03664.001).');

/** POST /api/auth/login */
export const loginBody = z.object({ login, password: password('Hãy nhập mật khẩu.') });
/** POST /api/auth/password */
export const passwordBody = z.object({ currentPassword: password('Hãy nhập mật khẩu hiện tại.'), newPassword: password('Hãy nhập mật khẩu mới.') });
/** POST /api/auth/reset: the code as typed (spaces, dots and dashes are ignored) */
export const resetBody = z.object({ login, code: z.string().min(4, `Hãy nhập mã đặt lại (${RESET_CODE_DIGITS} chữ số).`).max(12), newPassword: password('Hãy nhập mật khẩu mới.') });
/** POST /api/setup: the first admin */
export const setupBody = z.object({ fullName, username: z.string().min(3, 'Hãy nhập tên đăng nhập (ít nhất 3 ký tự).').max(40), password: password('Hãy nhập mật khẩu.') });
/** POST /api/users: an account below the officer's role, tied to a unit (code) or a team */
export const createUserBody = z.object({
  fullName,
  username: z.string().max(40).optional(),
  phone: z.string().max(20).optional(),
  password: password('Hãy nhập mật khẩu tạm.'),
  role: z.enum(ROLES, { error: 'Hãy chọn vai trò.' }),
  unit: z.string().max(20).optional(),
  teamId: id.optional(),
});

/**
 * PATCH /api/users/:id: what an officer changes on an account below their role, inside their scope:
 * the role, the unit (code) or the team, and whether it is disabled. At least one (NOTHING_TO_CHANGE,
 * checked by the service); unknown keys are refused (a name or a password is not changed here).
 */
export const updateUserBody = z.strictObject({
  role: z.enum(ROLES, { error: 'Hãy chọn vai trò.' }).optional(),
  unit: unitCode.optional(),
  teamId: id.optional(),
  disabled: z.boolean({ error: 'Khoá hay mở khoá: true hoặc false.' }).optional(),
});
/** The answer to an empty PATCH /api/users/:id body. */
export const NOTHING_TO_CHANGE = 'Không có thay đổi nào: hãy chọn vai trò, đơn vị, tổ hoặc khoá/mở khoá.';

/** POST /api/members/:id/account: the team the account works for, needed only when the person is now on several teams. */
export const memberAccountBody = z.strictObject({ teamId: id.optional() });

/** GET /api/users?q=: accounts whose name, user name or phone holds `q` (diacritics ignored). */
export const userSearchQuery = z.object({ q: z.string().max(100, 'Từ khoá tìm kiếm dài quá 100 ký tự.').optional() });

export type LoginBody = z.infer<typeof loginBody>;
export type PasswordBody = z.infer<typeof passwordBody>;
export type ResetBody = z.infer<typeof resetBody>;
export type SetupBody = z.infer<typeof setupBody>;
export type CreateUserBody = z.infer<typeof createUserBody>;
export type UpdateUserBody = z.infer<typeof updateUserBody>;
export type MemberAccountBody = z.infer<typeof memberAccountBody>;
