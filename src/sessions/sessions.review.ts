import { type SQL, sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { teamInScopeSql } from '../access/scope.sql.js';
import { recordAudit } from '../audit/audit.service.js';
import { type Db, jsonValue, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { now as clockNow } from '../text/clock.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { REVIEW_REASON_LABELS, type ReviewReason } from './sessions.clock.js';
import * as repo from './sessions.repo.js';
import { countSessions } from './sessions.sync.js';
import { closeBySessions } from '../help/help.service.js';
import { FUTURE_TOLERANCE_MS, REPORT_YEARS } from './sessions.vocabulary.js';

/**
 * The commune officer's review of sessions kept instead of counted (issue 13, item 2; rules in
 * sessions.clock.ts). A kept session does not count in any report until an officer accepts it
 * (it then counts at its corrected time) or corrects its date (it counts at the officer's time);
 * a deleted one never counts and its row stays, marked deleted. Each decision is one transaction
 * with its audit entry and the rollups it changes. Scope: officers of the session's commune, its
 * province or the admin (teamInScopeSql); another unit's session is answered 404, as one that
 * does not exist, and the attempt is audited.
 */

/** One kept session as the review list shows it. Times ISO 8601 UTC; `correctedDay` the Vietnamese day it would count in. */
export interface ReviewItem {
  id: string;
  teamId: number;
  teamName: string;
  reason: ReviewReason;
  reasonLabel: string;
  status: 'pending' | 'accepted' | 'corrected' | 'deleted';
  deviceOccurredAt: string;
  clockOffsetMs: number | null;
  clockFlag: boolean;
  correctedAt: string;
  correctedDay: string;
  receivedAt: string;
  kind: string;
  residentsCount: number;
  services: number;
}

interface Stored {
  row: repo.SessionInsert;
  memberIds: number[];
  serviceIds: { serviceId: number; outcome: string }[];
  helpRequestId?: number;
}

/**
 * GET list: the kept sessions in the caller's scope, `status` pending by default, newest received
 * first, a page of `limit` (default 200) from `offset`, with `total` (all of them in the scope).
 */
export async function listReviews(db: Db, scope: Scope, status: ReviewItem['status'] = 'pending', page: { offset?: number; limit?: number } = {}): Promise<{ reviews: ReviewItem[]; total: number; offset: number; limit: number }> {
  const offset = page.offset ?? 0;
  const limit = page.limit ?? 200;
  const [[{ total }], rows] = await Promise.all([
    queryRows<{ total: number }>(db, sql`select count(*)::int as total from support_session_reviews r join teams t on t.id = r.team_id where r.status = ${status} and ${teamInScopeSql(scope)}`),
    queryRows<Omit<ReviewItem, 'reasonLabel' | 'correctedDay' | 'kind' | 'residentsCount' | 'services' | 'deviceOccurredAt' | 'correctedAt' | 'receivedAt'> & { deviceOccurredAt: number; correctedAt: number; receivedAt: number; record: Stored | string }>(
    db,
    sql`select r.session_id as id, r.team_id as "teamId", t.name as "teamName", r.reason, r.status, ${epochMs(sql`r.device_occurred_at`)} as "deviceOccurredAt",
               r.clock_offset_ms::float8 as "clockOffsetMs", r.clock_flag as "clockFlag", ${epochMs(sql`r.corrected_at`)} as "correctedAt", ${epochMs(sql`r.received_at`)} as "receivedAt", r.record
          from support_session_reviews r join teams t on t.id = r.team_id
         where r.status = ${status} and ${teamInScopeSql(scope)}
         order by r.received_at desc, r.session_id limit ${limit} offset ${offset}`,
    ),
  ]);
  const reviews = rows.map(({ record, ...r }) => {
    const rec = jsonValue<Stored>(record);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      ...r,
      deviceOccurredAt: iso(r.deviceOccurredAt),
      correctedAt: iso(r.correctedAt),
      receivedAt: iso(r.receivedAt),
      reasonLabel: REVIEW_REASON_LABELS[r.reason],
      correctedDay: todayInVietnam(new Date(r.correctedAt)),
      kind: rec.row.kind,
      residentsCount: rec.row.residentsCount,
      services: rec.serviceIds.length,
    };
  });
  return { reviews, total, offset, limit };
}

export type ReviewDecision = { action: 'accept' } | { action: 'correct'; occurredAt: string } | { action: 'delete' };

/**
 * Decides a kept session: `accept` counts it at its corrected time, `correct` at `occurredAt`
 * (ISO 8601 with offset, the officer's date and time), `delete` never counts it. Returns the
 * item as decided. Errors: NOT_FOUND (404, also outside the scope, audited), VERSION_CONFLICT
 * (409, already decided), VALIDATION_FAILED (400: a time in the future, or a day a listed member
 * was no longer on the team).
 */
export async function decideReview(db: Db, id: string, decision: ReviewDecision, actor: { userId: number | null; ip: string | null; scope: Scope }): Promise<{ id: string; status: ReviewItem['status']; day: string | null }> {
  const now = clockNow();
  return db.transaction(async (tx) => {
    const [found] = await queryRows<{ status: ReviewItem['status']; correctedAt: number; record: Stored | string; provinceCode: string; communeId: number; teamId: number }>(
      tx,
      sql`select r.status, ${epochMs(sql`r.corrected_at`)} as "correctedAt", r.record, r.province_code as "provinceCode", r.commune_id as "communeId", r.team_id as "teamId"
            from support_session_reviews r join teams t on t.id = r.team_id
           where r.session_id = ${id} and ${teamInScopeSql(actor.scope)}
           for update of r`,
    );
    if (!found) {
      const [other] = await queryRows<{ provinceCode: string; communeId: number }>(tx, sql`select province_code as "provinceCode", commune_id as "communeId" from support_session_reviews where session_id = ${id}`);
      throw new AppError('NOT_FOUND', `Không có buổi hỗ trợ chờ xem xét mã ${id} trong phạm vi của bạn.`).refusing({ entity: 'support_session_review', id, provinceCode: other?.provinceCode ?? null, communeId: other?.communeId ?? null });
    }
    if (found.status !== 'pending') throw new AppError('VERSION_CONFLICT', `Buổi hỗ trợ này đã được xử lý (${STATUS_LABELS[found.status]}); hãy tải lại danh sách.`);
    const stored = jsonValue<Stored>(found.record);
    let status: ReviewItem['status'] = 'deleted';
    let countedAt: Date | null = null;
    if (decision.action !== 'delete') {
      countedAt = decision.action === 'accept' ? new Date(found.correctedAt) : new Date(decision.occurredAt);
      status = decision.action === 'accept' ? 'accepted' : 'corrected';
      if (countedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
        throw new AppError('VALIDATION_FAILED', `Thời điểm ${formatDateVi(todayInVietnam(countedAt))} ở tương lai: hãy chọn "Sửa ngày" với ngày giờ buổi hỗ trợ thật sự diễn ra, hoặc xoá buổi này.`);
      }
      const day = todayInVietnam(countedAt);
      const [team] = await repo.teamsForSync(tx, [found.teamId]);
      // a day no report can show would be counted where nobody sees it; an officer's new date must not lie
      // before the team's known start either (accepting the phone's own date is the officer's call)
      if (Number.isNaN(countedAt.getTime()) || Number(day.slice(0, 4)) < REPORT_YEARS.first || (decision.action === 'correct' && team?.startsOn && day < team.startsOn)) {
        throw new AppError('VALIDATION_FAILED', `Ngày ${Number.isNaN(countedAt.getTime()) ? decision.action === 'correct' ? decision.occurredAt : '' : formatDateVi(day)} trước khi tổ bắt đầu hoạt động${team?.startsOn ? ` (${formatDateVi(team.startsOn)})` : ''} hoặc ngoài khoảng ${REPORT_YEARS.first}–${REPORT_YEARS.last} của báo cáo: hãy sửa lại ngày (hoặc ngày thành lập của tổ), hoặc xoá buổi này.`);
      }
      // its people locked before their rollups, as a sync does (a duplicates merge of one of them waits, or is
      // waited for); one merged since the session was kept counts as the record kept, as the merge moved the others
      const merged = await repo.lockSessionIds(tx, [id], stored.memberIds);
      const memberIds = [...new Set(stored.memberIds.map((m) => merged.get(m) ?? m))];
      const periods = await repo.membershipsForSync(tx, [found.teamId]);
      const leaver = memberIds.map((m) => periods.find((p) => p.memberId === m)).find((p) => p?.leftOn && day >= p.leftOn);
      if (leaver) throw new AppError('VALIDATION_FAILED', `Thành viên mã ${leaver.memberId} đã rời tổ từ ngày ${formatDateVi(leaver.leftOn!)}, trước ngày ${formatDateVi(day)}: hãy sửa ngày, hoặc xoá buổi này.`);
      await countSessions(tx, [{ row: { ...stored.row, occurredAt: countedAt.toISOString(), day }, team, serviceIds: stored.serviceIds, memberIds }]);
      // a session kept for review that answered a resident's help request closes it now (help.service.ts)
      if (stored.helpRequestId) await closeBySessions(tx, [{ requestId: stored.helpRequestId, sessionId: id, teamId: found.teamId, occurredAt: countedAt.toISOString(), userId: stored.row.recordedBy ?? null }]);
    }
    await tx.execute(
      sql`update support_session_reviews set status = ${status}, decided_by = ${actor.userId}, decided_at = ${now.toISOString()}, counted_at = ${countedAt?.toISOString() ?? null} where session_id = ${id}`,
    );
    const day = countedAt ? todayInVietnam(countedAt) : null;
    await recordAudit(tx, {
      userId: actor.userId,
      ip: actor.ip,
      action: `support_session.review.${decision.action}`,
      entity: 'support_session',
      entityId: id,
      provinceCode: found.provinceCode,
      communeId: found.communeId,
      before: { status: 'pending', correctedAt: new Date(found.correctedAt).toISOString() },
      after: { status, countedAt: countedAt?.toISOString() ?? null, day },
    });
    return { id, status, day };
  });
}

/**
 * A timestamptz as milliseconds since 1970 (float8): read back exactly whatever its year (the text
 * PostgreSQL prints for year 0001, "0001-01-01 02:00:00+00", is read by JavaScript as 2001).
 */
const epochMs = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;

const STATUS_LABELS: Record<ReviewItem['status'], string> = { pending: 'chờ xem xét', accepted: 'đã chấp nhận', corrected: 'đã sửa ngày', deleted: 'đã xoá' };
