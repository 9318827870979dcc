import { z } from 'zod';
import { AppError } from '../http/errors.js';
import type { RouteModule } from '../http/types.js';
import { MANAGEABLE, OFFICERS, ROLE_LABELS, type Role } from './access.policy.js';
import type { AccountRow } from './access.repo.js';
import { accountForMember, accountsForTeam, type IssuedAccount, teamAccounts, type TeamAccounts, type TeamAccountsIssued } from './accounts.roster.js';
import { createUserBody, memberAccountBody, updateUserBody, userSearchQuery } from './auth.contract.js';
import { presenterFor, type PersonPresenter } from './presenter.js';
import { changeUser } from './users.change.js';
import { createUser, listUsers, resetUserPassword } from './users.service.js';

/**
 * Account management, officers only (admin, province and commune officers), each inside their own
 * scope and only for roles below their own (MANAGEABLE in access.policy.ts); the services check
 * both and answer an account or team outside the scope as not found (audited as a refusal):
 *
 * | route | what |
 * | --- | --- |
 * | GET /api/users?q= | accounts in scope, searched by name, user name or phone (diacritics ignored) |
 * | POST /api/users | a new account with a temporary password the officer hands over |
 * | PATCH /api/users/:id | role, unit, team, disabled (not one's own account, nor one at or above one's role) |
 * | POST /api/users/:id/reset | a one-time reset code |
 * | POST /api/members/:id/account | an account for a registry person, with a one-time code (accounts.roster.ts) |
 * | POST /api/teams/:id/accounts | accounts for every member of a team without one: the sheet of codes |
 * | GET /api/teams/:id/accounts | a team's members and their accounts |
 */

/** An account as the officers' list shows it: phone masked, role label. */
export type AccountView = AccountRow & { roleLabel: string };
/** GET /api/users: the accounts in the officer's scope (phones masked, role labels) and the roles the officer may create and reset. */
export type UserList = {
  users: AccountView[];
  manageableRoles: { role: Role; label: string }[];
};
/** POST /api/users/:id/reset: the one-time code to hand over, and until when it works (ISO). */
export type IssuedCode = { userId: number; fullName: string; code: string; expiresAt: string };
/** PATCH /api/users/:id: the account as it is now, and what changed (role, unit, teamId, disabled; none: nothing was written). */
export type ChangedUser = { user: AccountView; changed: string[] };
export type { IssuedAccount, TeamAccounts, TeamAccountsIssued };

const idParams = z.object({ id: z.coerce.number().int().positive().max(2147483647) });
const OFFICERS_ONLY = { access: { roles: OFFICERS } } as const;

const view = (presenter: PersonPresenter) => (u: AccountRow): AccountView => ({ ...u, phone: presenter.accountPhone(u.phone), roleLabel: ROLE_LABELS[u.role as Role] });

export const userRoutes: RouteModule = (api, { database }) => {
  const { db } = database;

  /** GET /api/users?q= → {users, manageableRoles}: accounts in the officer's scope (phones masked; with q: matching accounts, at most 200) and the roles the officer may create, with labels. */
  api.get('/api/users', { config: OFFICERS_ONLY, schema: { summary: 'Accounts in scope, searched by name, login or phone', querystring: userSearchQuery } }, async (req): Promise<UserList> => ({
    users: (await listUsers(db, req.actor!, req.query.q)).map(view(presenterFor(req.actor!.user.role))),
    manageableRoles: MANAGEABLE[req.actor!.user.role].map((role) => ({ role, label: ROLE_LABELS[role] })),
  }));

  /** POST /api/users {fullName, username?|phone?, password, role, unit?|teamId?} → creates an account below the officer's role, in scope. The user must change the password at first sign-in. */
  api.post('/api/users', { config: OFFICERS_ONLY, schema: { summary: 'Create an account', body: createUserBody } }, async (req) => {
    const user = await createUser(db, req.body, req.actor!);
    return { user: presentSelf(user) };
  });

  /** PATCH /api/users/:id {role?, unit?, teamId?, disabled?} → {user, changed}. 404 outside scope; 403 for one's own account, or a role at or above one's own. */
  api.patch('/api/users/:id', { config: OFFICERS_ONLY, schema: { summary: 'Change an account’s role, unit or team, or disable / re-enable it', params: idParams, body: updateUserBody } }, async (req): Promise<ChangedUser> => {
    const { user, changed } = await changeUser(db, req.params.id, req.body, req.actor!);
    return { user: view(presenterFor(req.actor!.user.role))(user), changed };
  });

  /** POST /api/users/:id/reset → {code, expiresAt}: a one-time code (8 digits, 24 h) to hand to the user. 404 outside scope. */
  api.post('/api/users/:id/reset', { config: OFFICERS_ONLY, schema: { summary: 'Issue a one-time password reset code', params: idParams } }, async (req): Promise<IssuedCode> => {
    const r = await resetUserPassword(db, req.params.id, req.actor!);
    return { userId: r.userId, fullName: r.fullName, code: r.code, expiresAt: r.expiresAt.toISOString() };
  });

  /** POST /api/members/:id/account {teamId?} → the new account and its one-time code (shown once). 404/403 outside scope, 409 when the person has an account or their phone is taken. */
  api.post(
    '/api/members/:id/account',
    { config: OFFICERS_ONLY, schema: { summary: 'Make a team account for a registry person, with a one-time code', params: idParams, body: memberAccountBody.optional() } },
    async (req): Promise<IssuedAccount> => accountForMember(db, req.params.id, req.body ?? {}, req.actor!),
  );

  /** POST /api/teams/:id/accounts → {team, created, skipped}: accounts for every member of the team without one, with their codes (a printable sheet). */
  api.post(
    '/api/teams/:id/accounts',
    { config: OFFICERS_ONLY, schema: { summary: 'Make accounts for every member of a team who has none: one-time codes for a printed sheet', params: idParams, body: z.strictObject({}).optional() } },
    async (req): Promise<TeamAccountsIssued> => accountsForTeam(db, req.params.id, req.actor!),
  );

  /** GET /api/teams/:id/accounts → {team, members}: the team's current members, each with their account or null. */
  api.get('/api/teams/:id/accounts', { config: OFFICERS_ONLY, schema: { summary: 'A team’s members and their accounts', params: idParams } }, async (req): Promise<TeamAccounts> => teamAccounts(db, req.params.id, req.actor!));
};

/** The account as its owner (or the officer who just made it) sees it: phone masked, role label. */
export function presentSelf(u: { id: number; fullName: string; username: string | null; phone: string | null; role: string; mustChangePassword: boolean }) {
  if (!u) throw new AppError('USER_NOT_FOUND', 'Không có tài khoản.');
  return { id: u.id, fullName: u.fullName, username: u.username, phone: presenterFor(u.role as Role).accountPhone(u.phone), role: u.role, roleLabel: ROLE_LABELS[u.role as keyof typeof ROLE_LABELS], mustChangePassword: u.mustChangePassword };
}
