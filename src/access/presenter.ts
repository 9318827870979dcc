import { maskPhone } from '../privacy/protector.js';
import { formatPhone } from '../text/phone.js';
import type { Role } from './access.policy.js';

/**
 * What of a person leaves the server, by the caller's role: the one place that decides it, used by
 * every JSON route and every export (team view, roster .xlsx, account lists). Data minimisation
 * (Decree 13/2023/ND-CP, art. 3): a read-only inspector sees who is on a team but not how to call
 * them; officers and team-mates see members' phones national-style ("0912 345 678"). Account phones
 * are sign-in identifiers and are masked for everyone ("09•••••678"). Anyone without a role (the
 * public) gets masked phones.
 */
export interface PersonPresenter {
  /** a member's phone (E.164 in storage) as this role may see it, or null */
  memberPhone(e164: string | null): string | null;
  /** an account's phone as this role may see it, or null */
  accountPhone(e164: string | null): string | null;
  /** whether member phones are shown in full */
  readonly revealsPhones: boolean;
}

/** Roles that see members' phones in full. */
const PHONE_ROLES: ReadonlySet<Role> = new Set(['admin', 'province_officer', 'commune_officer', 'team_leader', 'member']);

/** The presenter for a caller's role (null: not signed in, or the public). */
export function presenterFor(role: Role | null): PersonPresenter {
  const reveal = role !== null && PHONE_ROLES.has(role);
  return {
    revealsPhones: reveal,
    memberPhone: (p) => (p ? (reveal ? formatPhone(p) : maskPhone(p)) : null),
    accountPhone: (p) => (p ? maskPhone(p) : null),
  };
}

/** The operator's presenter (CLI exports on the server's own machine): phones in full. */
export const OPERATOR_PRESENTER = presenterFor('admin');
