import type { Scope } from '../access/access.policy.js';

/**
 * The rules of trainings every part shares (issue 14): when check-ins are open, who is late, who
 * manages a session and who may check people in at a point. The SQL twin of `managesSession` is
 * `managedSql` in trainings.repo.ts.
 */

/** Check-ins open this many minutes before the start… */
export const CHECKIN_OPENS_MIN = 60;
/** …and are taken until this many minutes after the end (and until the organiser closes attendance). */
export const CHECKIN_CLOSES_MIN = 120;
/** A check-in after the start plus this many minutes is late; a leaving before the end minus it is early. */
export const LATE_MIN = 15;

/** Whether the scope manages a session organised at `provinceCode` (`communeId` null: the province's own): a province's sessions are its province officers'. */
export function managesSession(scope: Scope, s: { provinceCode: string; communeId: number | null }): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'province') return scope.provinceCode === s.provinceCode;
  if (scope.kind === 'commune') return s.communeId !== null && scope.communeId === s.communeId;
  return false;
}

/** A point of a session, as far as hosting goes. */
export interface HostedPoint {
  hostUserId: number | null;
  hostMemberId: number | null;
  /** the point's province and commune */
  provinceCode: string;
  communeId: number;
  /** the session's organiser */
  sessionProvince: string;
  sessionCommuneId: number | null;
}

/** Whether the caller may check others in at the point (and show its code): its host, an officer managing the session, or an officer whose scope holds the point's commune. */
export function mayHost(p: HostedPoint, actor: { userId: number | null; memberId: number | null; scope: Scope }): boolean {
  if (p.hostUserId !== null && p.hostUserId === actor.userId) return true;
  if (p.hostMemberId !== null && p.hostMemberId === actor.memberId) return true;
  if (managesSession(actor.scope, { provinceCode: p.sessionProvince, communeId: p.sessionCommuneId })) return true;
  const s = actor.scope;
  if (s.kind === 'province') return s.provinceCode === p.provinceCode;
  if (s.kind === 'commune') return s.communeId === p.communeId;
  return false;
}
