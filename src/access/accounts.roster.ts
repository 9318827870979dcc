import { randomBytes, randomInt } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { type Db, sqlState } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { membersOfTeam, membershipsOfTeams, teamById, type TeamRow } from '../registry/registry.repo.js';
import { ROLES as TEAM_ROLE_LABELS } from '../registry/registry.vocabulary.js';
import { compareVietnameseNames, searchKey } from '../text/vietnamese.js';
import { MANAGEABLE, ROLE_LABELS } from './access.policy.js';
import * as repo from './access.repo.js';
import { FIRST_CODE_DAYS, hashPassword, issueResetCode } from './auth.service.js';
import { presenterFor } from './presenter.js';
import { type Actor, requireAccountManager } from './users.service.js';

/**
 * Accounts made from the roster ("Tạo tài khoản" on a member's row, "In mã đăng nhập cho cả tổ"):
 * the registry person's name and phone, the role of their membership (leader → team leader, deputy
 * and member → member), their team as the account's scope, and `users.member_id` linking the two.
 * The account gets no password anyone knows: it gets a one-time code (the reset-code machinery of
 * auth.service.ts, hashed, valid FIRST_CODE_DAYS days, 5 attempts) with which the person sets their
 * own password at first sign-in ("Quên mật khẩu / Có mã đặt lại"). The code is answered once and
 * never stored in clear, nor written to the audit log.
 */

/** One new account and its one-time code: what the printed slip shows. */
export interface IssuedAccount {
  userId: number;
  memberId: number;
  fullName: string;
  /** the user name to sign in with (generated for a person without a phone), or null: the phone is the login */
  username: string | null;
  /** the phone to sign in with, masked as account phones always are ("09•••••678"), or null */
  phone: string | null;
  role: 'team_leader' | 'member';
  roleLabel: string;
  teamId: number;
  teamName: string;
  /** 8 digits, shown once */
  code: string;
  /** ISO instant */
  expiresAt: string;
}

/** Why a member of a team got no account from "In mã đăng nhập cho cả tổ". */
export type SkipReason = 'has_account' | 'phone_taken' | 'shared';
export const SKIP_REASONS: Record<SkipReason, string> = {
  has_account: 'đã có tài khoản',
  phone_taken: 'số điện thoại đã là tên đăng nhập của một tài khoản khác',
  shared: 'còn là thành viên tổ của đơn vị khác, ngoài phạm vi của bạn',
};

/** POST /api/teams/:id/accounts: the accounts made, and the members left out with why. */
export interface TeamAccountsIssued {
  team: { id: number; name: string };
  created: IssuedAccount[];
  skipped: { memberId: number; fullName: string; reason: SkipReason; reasonText: string }[];
}

/** A person to make an account for, on one of their current teams. */
interface Candidate {
  memberId: number;
  fullName: string;
  phone: string | null;
  teamRole: 'leader' | 'deputy' | 'member';
  team: Pick<TeamRow, 'id' | 'name' | 'unitId' | 'communeId' | 'provinceCode'>;
}

const accountRole = (teamRole: Candidate['teamRole']) => (teamRole === 'leader' ? 'team_leader' : 'member');
const ROLE_ORDER = { leader: 0, deputy: 1, member: 2 } as const;
const byRoleThenName = <T extends { teamRole: Candidate['teamRole']; fullName: string }>(a: T, b: T) => ROLE_ORDER[a.teamRole] - ROLE_ORDER[b.teamRole] || compareVietnameseNames(a.fullName, b.fullName);

/** Officers who may make team accounts: their scope is a province, a commune or everything, and they manage team leaders and members. */
function requireTeamAccountManager(actor: Actor): void {
  requireAccountManager(actor);
  if (!MANAGEABLE[actor.user.role].includes('team_leader') || !MANAGEABLE[actor.user.role].includes('member')) {
    throw new AppError('FORBIDDEN', 'Tài khoản của bạn không được tạo tài khoản tổ trưởng hay thành viên.');
  }
}

/**
 * The start of a generated user name: the name without diacritics, words joined by dots, at most
 * 30 characters ("Nguyễn Văn An" → "nguyen.van.an"). A number of 4 digits is added to it.
 */
export function usernameBase(fullName: string): string {
  const base = searchKey(fullName).split(' ').filter(Boolean).join('.').slice(0, 30).replace(/\.+$/, '');
  return base.length >= 2 ? base : 'thanh.vien';
}

/** A user name for a person without a phone: "nguyen.van.an.1234", not in `taken` (nor added to it twice). */
function freshUsername(base: string, taken: Set<string>): string {
  for (let i = 0; ; i++) {
    const name = `${base}.${i < 50 ? randomInt(1000, 10000) : randomInt(10000, 100000)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/**
 * POST /api/members/:id/account {teamId?}: an account for one registry person. The person must lie
 * wholly in the officer's scope (memberWhollyInScopeSql): not visible → NOT_FOUND (audited as a
 * refusal), also on a team of another unit → OUT_OF_SCOPE. The team is their one current team, or
 * `teamId` when they are on several (VALIDATION_FAILED naming the teams otherwise). Refused with
 * USER_EXISTS (409) when the person already has an account or their phone is another account's
 * login. Returns the account with its one-time code.
 */
export async function accountForMember(db: Db, memberId: number, input: { teamId?: number }, actor: Actor): Promise<IssuedAccount> {
  requireTeamAccountManager(actor);
  const person = await repo.memberForAccount(db, memberId, actor.scope);
  if (!person) throw new AppError('NOT_FOUND', `Không có thành viên mã số ${memberId}.`).refusing({ entity: 'member', id: memberId });
  if (person.mergedIntoId) throw new AppError('VALIDATION_FAILED', `Bản ghi này đã được gộp vào thành viên mã số ${person.mergedIntoId}; hãy tạo tài khoản từ bản ghi đó.`);
  if (!person.wholly) {
    throw new AppError('OUT_OF_SCOPE', `${person.fullName} còn là thành viên tổ của đơn vị khác (ngoài phạm vi của bạn): chỉ cán bộ quản lý cả hai đơn vị mới tạo được tài khoản cho người này.`).refusing({ entity: 'member', id: memberId });
  }
  const teams = await repo.currentMemberships(db, memberId, actor.scope);
  if (teams.length === 0) throw new AppError('VALIDATION_FAILED', `${person.fullName} hiện không còn là thành viên tổ nào: không tạo được tài khoản tổ.`);
  const named = teams.map((t) => `${t.teamName} (mã ${t.teamId})`).join(', ');
  const details = { teams: teams.map((t) => ({ id: t.teamId, name: t.teamName })) };
  const chosen = input.teamId === undefined ? (teams.length === 1 ? teams[0] : undefined) : teams.find((t) => t.teamId === input.teamId);
  if (!chosen) {
    throw new AppError(
      'VALIDATION_FAILED',
      input.teamId === undefined
        ? `${person.fullName} đang là thành viên của ${teams.length} tổ: ${named}. Hãy chọn tổ cho tài khoản (teamId).`
        : `${person.fullName} không phải thành viên hiện tại của tổ mã số ${input.teamId}; các tổ của người này: ${named}.`,
      details,
    );
  }
  const candidate: Candidate = {
    memberId,
    fullName: person.fullName,
    phone: person.phone,
    teamRole: chosen.role,
    team: { id: chosen.teamId, name: chosen.teamName, unitId: chosen.unitId, communeId: chosen.communeId, provinceCode: chosen.provinceCode },
  };
  const { created, skipped } = await makeAccounts(db, [candidate], actor);
  if (skipped.length) {
    const why = skipped[0].reason;
    throw new AppError(
      'USER_EXISTS',
      why === 'has_account'
        ? `${person.fullName} đã có tài khoản. Nếu người này quên mật khẩu, hãy bấm "Cấp mã đặt lại mật khẩu" ở trang Tài khoản.`
        : `Số điện thoại ${presenterFor(actor.user.role).accountPhone(person.phone)} của ${person.fullName} đã là tên đăng nhập của một tài khoản khác; hãy kiểm tra trang Tài khoản hoặc sửa số điện thoại của thành viên.`,
      { reason: why },
    );
  }
  return created[0];
}

/**
 * POST /api/teams/:id/accounts: an account for every current member of the team who has none, in
 * one transaction, for a printable sheet of codes. The team must lie in the scope (TEAM_NOT_FOUND,
 * audited, otherwise). Members who already have an account, whose phone is another account's login,
 * or who are also on a team outside the scope are left out and listed with the reason.
 */
export async function accountsForTeam(db: Db, teamId: number, actor: Actor): Promise<TeamAccountsIssued> {
  requireTeamAccountManager(actor);
  const team = await teamById(db, teamId, actor.scope);
  if (!team) throw new AppError('TEAM_NOT_FOUND', `Không có tổ mã số ${teamId}.`).refusing({ entity: 'team', id: teamId });
  const rows = await membershipsOfTeams(db, [team.id], actor.scope);
  const skipped: TeamAccountsIssued['skipped'] = [];
  const candidates: Candidate[] = [];
  for (const { member, membership, shared } of rows) {
    if (shared) skipped.push({ memberId: member.id, fullName: member.fullName, reason: 'shared', reasonText: SKIP_REASONS.shared });
    else candidates.push({ memberId: member.id, fullName: member.fullName, phone: member.phone, teamRole: membership.role, team });
  }
  candidates.sort(byRoleThenName);
  const made = await makeAccounts(db, candidates, actor);
  return { team: { id: team.id, name: team.name }, created: made.created, skipped: [...made.skipped, ...skipped] };
}

/**
 * Makes the accounts, in one transaction: the people's rows are locked first, so that two requests
 * for the same person run one after the other and the second finds the first's account. Each
 * account is audited (user.created, with the member it was made for; never the code).
 */
async function makeAccounts(db: Db, candidates: Candidate[], actor: Actor): Promise<{ created: IssuedAccount[]; skipped: TeamAccountsIssued['skipped'] }> {
  const presenter = presenterFor(actor.user.role);
  // a password nobody knows: the person sets theirs with the code (verified like any other, so it must be a real hash)
  const unusable = await Promise.all(candidates.map(() => hashPassword(randomBytes(32).toString('base64url'))));
  try {
    return await db.transaction(async (tx) => {
      await repo.lockMembers(tx, candidates.map((c) => c.memberId));
      const accounts = await repo.accountsOfMembers(tx, candidates.map((c) => c.memberId));
      const phones = await repo.accountsByPhones(tx, candidates.flatMap((c) => (c.phone ? [c.phone] : [])));
      const taken = new Map<string, Set<string>>();
      const usedPhones = new Set<string>();
      const created: IssuedAccount[] = [];
      const skipped: TeamAccountsIssued['skipped'] = [];
      for (const [i, c] of candidates.entries()) {
        const skip = accounts.has(c.memberId) ? 'has_account' : c.phone && (phones.has(c.phone) || usedPhones.has(c.phone)) ? 'phone_taken' : null;
        if (skip) {
          skipped.push({ memberId: c.memberId, fullName: c.fullName, reason: skip, reasonText: SKIP_REASONS[skip] });
          continue;
        }
        let username: string | null = null;
        if (c.phone) usedPhones.add(c.phone);
        else {
          const base = usernameBase(c.fullName);
          if (!taken.has(base)) taken.set(base, await repo.usernamesLike(tx, base));
          username = freshUsername(base, taken.get(base)!);
        }
        const role = accountRole(c.teamRole);
        const user = await repo.insertUser(tx, {
          fullName: c.fullName,
          username,
          phone: c.phone,
          passwordHash: unusable[i],
          role,
          scopeUnitId: c.team.unitId,
          scopeTeamId: c.team.id,
          memberId: c.memberId,
          mustChangePassword: true,
        });
        const { code, expiresAt } = await issueResetCode(tx, user.id, FIRST_CODE_DAYS * 24);
        await recordAudit(tx, {
          userId: actor.userId,
          ip: actor.ip,
          action: 'user.created',
          entity: 'user',
          entityId: user.id,
          provinceCode: c.team.provinceCode,
          communeId: c.team.communeId,
          after: { fullName: user.fullName, username, role, scopeUnitId: c.team.unitId, scopeTeamId: c.team.id, memberId: c.memberId, from: 'roster' },
        });
        created.push({
          userId: user.id,
          memberId: c.memberId,
          fullName: user.fullName,
          username,
          phone: presenter.accountPhone(c.phone),
          role,
          roleLabel: ROLE_LABELS[role],
          teamId: c.team.id,
          teamName: c.team.name,
          code,
          expiresAt: expiresAt.toISOString(),
        });
      }
      return { created, skipped };
    });
  } catch (err) {
    // a login made at the same moment by another request (the unique indexes on phone and user name)
    if (uniqueViolation(err)) throw new AppError('USER_EXISTS', 'Vừa có tài khoản khác được tạo với cùng tên đăng nhập hoặc số điện thoại; hãy thử lại.');
    throw err;
  }
}

const uniqueViolation = (err: unknown): boolean => sqlState(err) === '23505';

/** GET /api/teams/:id/accounts: the team's current members and each one's account (none: null), leader first. */
export interface TeamAccounts {
  team: { id: number; name: string };
  members: {
    memberId: number;
    fullName: string;
    teamRole: 'leader' | 'deputy' | 'member';
    teamRoleLabel: string;
    /** whether the person has a phone (their login if an account is made) */
    hasPhone: boolean;
    account: { userId: number; username: string | null; phone: string | null; role: string; roleLabel: string; disabled: boolean; mustChangePassword: boolean } | null;
  }[];
}

/** The members of a team in the officer's scope with their accounts (TEAM_NOT_FOUND, audited, outside it). */
export async function teamAccounts(db: Db, teamId: number, actor: Actor): Promise<TeamAccounts> {
  requireAccountManager(actor);
  const team = await teamById(db, teamId, actor.scope);
  if (!team) throw new AppError('TEAM_NOT_FOUND', `Không có tổ mã số ${teamId}.`).refusing({ entity: 'team', id: teamId });
  const people = await membersOfTeam(db, team.id, actor.scope);
  const accounts = await repo.accountsOfMembers(db, people.map((p) => p.memberId));
  const presenter = presenterFor(actor.user.role);
  const members = people
    .map((p) => ({ ...p, teamRole: p.role }))
    .sort(byRoleThenName)
    .map((p) => {
      const a = accounts.get(p.memberId);
      return {
        memberId: p.memberId,
        fullName: p.fullName,
        teamRole: p.teamRole,
        teamRoleLabel: TEAM_ROLE_LABELS[p.teamRole],
        hasPhone: !!p.phone,
        account: a ? { userId: a.id, username: a.username, phone: presenter.accountPhone(a.phone), role: a.role, roleLabel: ROLE_LABELS[a.role], disabled: a.disabled, mustChangePassword: a.mustChangePassword } : null,
      };
    });
  return { team: { id: team.id, name: team.name }, members };
}

/** For the team page: which of these registry people already have an account (users.member_id). */
export async function membersWithAccounts(db: Db, memberIds: number[]): Promise<Set<number>> {
  return new Set((await repo.accountsOfMembers(db, memberIds)).keys());
}
