/**
 * Phone clocks (issue 13, item 2). Every sync request carries `deviceNow`, the phone's clock when
 * sending; the server's clock at receipt gives the phone's offset (phone minus server, positive =
 * phone ahead), and each record's corrected time is `occurredAt − offset`: what reports count.
 * The network's delay makes the offset a few hundred milliseconds too small, far below the
 * 5-minute flag. An old app that sends no `deviceNow` gets offset null: its record's time counts
 * as the phone wrote it (as before this rule), and the review rules below still catch a time in the
 * future or long past.
 *
 * A record is kept for the commune officer's review, neither refused nor counted, when its
 * corrected time lies in the future (beyond FUTURE_TOLERANCE_MS), more than REVIEW_MAX_AGE_DAYS
 * before the server's clock, or before the day its team existed (the team's founding day, else
 * the first day anyone joined it: the day the registry was told of the team, `created_at`, is
 * usually later than its real start, so it is not used; nor is the day of a roster import that
 * gave no join dates, start_reason 'imported': the team's start is then unknown and not checked). This also catches a clock that was wrong
 * only while offline (weeks before the sync): the offset at sync time cannot see it.
 */
import { FUTURE_TOLERANCE_MS } from './sessions.vocabulary.js';

/** An offset beyond this (ms, either way) flags the records and tells the phone its clock is wrong. */
export const CLOCK_FLAG_MS = 5 * 60 * 1000;
/** A corrected time more than this many days before the server's clock is kept for review. */
export const REVIEW_MAX_AGE_DAYS = 90;

export type ReviewReason = 'future' | 'too_old' | 'before_team';

/** What the sync answer says about the phone's clock (contract in the lead's brief). */
export interface ClockAnswer {
  /** the server's clock at receipt, ISO 8601 UTC */
  serverNow: string;
  /** phone minus server in ms (positive: the phone is ahead); null when the request had no deviceNow */
  offsetMs: number | null;
  /** |offsetMs| > 5 minutes */
  wrong: boolean;
}

/** The phone's clock against the server's: `deviceNow` ISO 8601 with offset (or absent), `now` the server's clock. */
export function clockOf(deviceNow: string | null | undefined, now: Date): ClockAnswer {
  const offsetMs = deviceNow ? Date.parse(deviceNow) - now.getTime() : null;
  return { serverNow: now.toISOString(), offsetMs, wrong: offsetMs !== null && Math.abs(offsetMs) > CLOCK_FLAG_MS };
}

/** The corrected instant of a time the phone wrote: `occurredAt − offset` (unchanged when the offset is unknown). */
export function correctedTime(occurredAt: Date, offsetMs: number | null): Date {
  return offsetMs === null ? occurredAt : new Date(occurredAt.getTime() - offsetMs);
}

/**
 * Why a corrected time must be reviewed, or null when it counts at once. `teamStart` is the
 * Vietnamese day (YYYY-MM-DD) the team existed from, null when unknown; `history` (the operator
 * loading past sessions, e.g. the demo) skips the 90-day rule.
 */
export function reviewReason(corrected: Date, now: Date, teamStart: string | null, history = false): ReviewReason | null {
  if (corrected.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return 'future';
  if (!history && corrected.getTime() < now.getTime() - REVIEW_MAX_AGE_DAYS * 86_400_000) return 'too_old';
  if (teamStart && corrected.getTime() < Date.parse(`${teamStart}T00:00:00+07:00`)) return 'before_team';
  return null;
}

/** The reasons in words, for the review list. */
export const REVIEW_REASON_LABELS: Record<ReviewReason, string> = {
  future: 'Thời điểm ở tương lai',
  too_old: `Cũ hơn ${REVIEW_MAX_AGE_DAYS} ngày`,
  before_team: 'Trước ngày tổ được thành lập',
};
