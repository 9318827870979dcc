import { createHash, randomBytes, randomInt } from 'node:crypto';
import argon2 from 'argon2';
import type { AuditActor } from '../audit/audit.service.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { normalizePhone } from '../text/phone.js';
import * as repo from './access.repo.js';
import { newPasswordProblem, passwordProblem, RESET_CODE_DIGITS } from './auth.contract.js';
import type { UserRow } from './access.repo.js';
import { userPlace } from './place.js';

/**
 * Sign-in, sessions, lockout and one-time codes. Passwords are argon2id (the `argon2` package,
 * OWASP's recommended algorithm). Session tokens and one-time codes are random; the database
 * keeps only their SHA-256, so a database dump cannot be replayed as a session.
 */
export const SESSION_DAYS = 14;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
export const CODE_HOURS = 24;
const CODE_ATTEMPTS = 5;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Verified against when the login is unknown, so both cases take the same time. */
let dummyHash: Promise<string> | undefined;

/** Password rule (auth.contract.ts passwordProblem): 8–128 characters, not only digits, not the login itself. Throws PASSWORD_WEAK. */
export function checkPassword(password: string, login: string[]): void {
  const problem = passwordProblem(password, login);
  if (problem) throw new AppError('PASSWORD_WEAK', problem);
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** A login is a user name (letters, digits, . _ -) or a Vietnamese phone number in any usual form. */
export function parseLogin(login: string): { username?: string; phone?: string } {
  const trimmed = login.trim();
  if (/^[+\d][\d\s.\-]{7,}$/.test(trimmed)) {
    const phone = normalizePhone(trimmed);
    if (phone.ok) return { phone: phone.e164 };
  }
  return { username: trimmed.toLowerCase() };
}

/**
 * Checks a login and password. Five wrong passwords lock the account for 15 minutes
 * (AUTH_LOCKED, 423); unknown logins and wrong passwords get the same AUTH_FAILED message.
 * Returns a new session token (to put in the cookie) and the user.
 */
export async function signIn(db: Db, input: { login: string; password: string }, actor: AuditActor): Promise<{ token: string; user: UserRow }> {
  const user = await repo.userByLogin(db, parseLogin(input.login));
  if (!user || user.disabled) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await argon2.verify(await dummyHash, input.password).catch(() => false);
    await recordAudit(db, { ...actor, action: 'auth.failed', entity: 'user', entityId: null, after: { reason: 'unknown_login' } });
    throw new AppError('AUTH_FAILED', 'Sai tên đăng nhập hoặc mật khẩu.');
  }
  if (user.lockedUntil && user.lockedUntil > new Date()) {
    const minutes = Math.ceil((user.lockedUntil.getTime() - Date.now()) / 60000);
    throw new AppError('AUTH_LOCKED', `Tài khoản tạm khoá do nhập sai mật khẩu nhiều lần; thử lại sau ${minutes} phút hoặc nhờ cán bộ cấp mã đặt lại mật khẩu.`);
  }
  if (!(await argon2.verify(user.passwordHash, input.password))) {
    // counted atomically in the database: parallel guesses cannot overwrite each other's count
    const lock = await repo.recordFailedLogin(db, user.id, MAX_FAILED_LOGINS, new Date(Date.now() + LOCK_MINUTES * 60000));
    const place = await userPlace(db, user);
    await recordAudit(db, { ...actor, userId: user.id, action: lock ? 'auth.locked' : 'auth.failed', entity: 'user', entityId: user.id, provinceCode: place.provinceCode, communeId: place.communeId });
    if (lock) throw new AppError('AUTH_LOCKED', `Nhập sai mật khẩu ${MAX_FAILED_LOGINS} lần: tài khoản tạm khoá ${LOCK_MINUTES} phút.`);
    throw new AppError('AUTH_FAILED', 'Sai tên đăng nhập hoặc mật khẩu.');
  }
  // a parallel wrong guess may have locked the account while this password was being checked
  const fresh = await repo.userById(db, user.id);
  if (fresh?.lockedUntil && fresh.lockedUntil > new Date()) throw new AppError('AUTH_LOCKED', `Nhập sai mật khẩu ${MAX_FAILED_LOGINS} lần: tài khoản tạm khoá ${LOCK_MINUTES} phút.`);
  if (user.failedLogins || user.lockedUntil) await repo.updateUser(db, user.id, { failedLogins: 0, lockedUntil: null });
  const token = await openSession(db, user.id, actor.ip);
  const place = await userPlace(db, user);
  await recordAudit(db, { ...actor, userId: user.id, action: 'auth.signed_in', entity: 'user', entityId: user.id, provinceCode: place.provinceCode, communeId: place.communeId });
  return { token, user };
}

async function openSession(db: Db, userId: number, ip: string | null): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await repo.insertSession(db, { tokenHash: sha256(token), userId, expiresAt: new Date(Date.now() + SESSION_DAYS * 86400000), ip });
  return token;
}

/** The user of a session token, or null when unknown, expired or the account is disabled. */
export async function sessionUser(db: Db, token: string): Promise<UserRow | null> {
  const row = await repo.sessionByHash(db, sha256(token));
  return row && !row.user.disabled ? row.user : null;
}

export async function signOut(db: Db, token: string): Promise<void> {
  await repo.deleteSession(db, sha256(token));
}

/** How long the first code of an account made from the roster works: a printed sheet is handed out at the team's next meeting. */
export const FIRST_CODE_DAYS = 7;

/**
 * Issues a one-time reset code (8 digits, valid `hours` (24), 5 attempts) for a user, to be handed
 * over in person or by phone: villages have no e-mail. Returns the code; only its hash is stored,
 * and it replaces any unused code of the user.
 */
export async function issueResetCode(db: Db, userId: number, hours = CODE_HOURS): Promise<{ code: string; expiresAt: Date }> {
  const code = String(randomInt(0, 10 ** RESET_CODE_DIGITS)).padStart(RESET_CODE_DIGITS, '0');
  const expiresAt = new Date(Date.now() + hours * 3600000);
  await repo.insertCode(db, { userId, purpose: 'reset', codeHash: sha256(code), expiresAt });
  return { code, expiresAt };
}

/** Sets a new password with a one-time code; unlocks the account and ends its other sessions. Errors: CODE_INVALID, PASSWORD_WEAK. */
export async function resetWithCode(db: Db, input: { login: string; code: string; newPassword: string }, actor: AuditActor): Promise<void> {
  const user = await repo.userByLogin(db, parseLogin(input.login));
  const live = user ? await repo.liveCode(db, user.id, 'reset') : undefined;
  if (!user || !live || live.attempts >= CODE_ATTEMPTS) throw new AppError('CODE_INVALID', 'Mã đặt lại không đúng hoặc đã hết hạn; hãy nhờ cán bộ cấp mã mới.');
  if (live.codeHash !== sha256(input.code.replace(/[\s.-]/g, ''))) {
    await repo.updateCode(db, live.id, { attempts: live.attempts + 1 });
    throw new AppError('CODE_INVALID', 'Mã đặt lại không đúng hoặc đã hết hạn; hãy nhờ cán bộ cấp mã mới.');
  }
  checkPassword(input.newPassword, [user.username ?? '', user.phone ?? '']);
  await db.transaction(async (tx) => {
    await repo.updateCode(tx, live.id, { usedAt: new Date() });
    await repo.updateUser(tx, user.id, { passwordHash: await hashPassword(input.newPassword), failedLogins: 0, lockedUntil: null, mustChangePassword: false });
    await repo.deleteSessionsOf(tx, user.id);
    const place = await userPlace(tx, user);
    await recordAudit(tx, { ...actor, userId: user.id, action: 'auth.password_reset', entity: 'user', entityId: user.id, provinceCode: place.provinceCode, communeId: place.communeId });
  });
}

/** Changes the signed-in user's own password. Errors: AUTH_FAILED (wrong current password), PASSWORD_WEAK. */
export async function changePassword(db: Db, user: UserRow, input: { currentPassword: string; newPassword: string; keepSessionToken?: string }, actor: AuditActor): Promise<void> {
  if (!(await argon2.verify(user.passwordHash, input.currentPassword))) throw new AppError('AUTH_FAILED', 'Mật khẩu hiện tại không đúng.');
  // the password rule, and a password handed over by an officer must really be replaced
  const problem = newPasswordProblem(input.currentPassword, input.newPassword, [user.username ?? '', user.phone ?? '']);
  if (problem) throw new AppError('PASSWORD_WEAK', problem);
  await db.transaction(async (tx) => {
    await repo.updateUser(tx, user.id, { passwordHash: await hashPassword(input.newPassword), mustChangePassword: false });
    // other sessions (a stolen cookie, a shared phone) end with the old password
    await repo.deleteSessionsOf(tx, user.id, input.keepSessionToken ? sha256(input.keepSessionToken) : undefined);
    const place = await userPlace(tx, user);
    await recordAudit(tx, { ...actor, userId: user.id, action: 'auth.password_changed', entity: 'user', entityId: user.id, provinceCode: place.provinceCode, communeId: place.communeId });
  });
}
