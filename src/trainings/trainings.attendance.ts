import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { clockOf, correctedTime } from '../sessions/sessions.clock.js';
import { formatDateTimeVi } from '../text/dates.js';
import { normalizePhone } from '../text/phone.js';
import { type AttendanceRecord, attendanceRecord } from './trainings.contract.js';
import { verifyCheckInCode } from './trainings.code.js';
import { CHECKIN_CLOSES_MIN, CHECKIN_OPENS_MIN, type HostedPoint, LATE_MIN, mayHost } from './trainings.rules.js';
import * as repo from './trainings.repo.js';
import type { TrainingActor } from './trainings.service.js';

/**
 * Check-ins from phones (issue 14, item 3), as support sessions sync: a batch of records, each
 * keyed by the phone's UUID (a resend is a duplicate, never a second check-in), one answer per
 * record, the accepted ones stored in one transaction. Times are the phone's, corrected by its
 * clock offset at sync (`deviceNow`, sessions.clock.ts).
 *
 * Rules: a check-in is open from CHECKIN_OPENS_MIN before the start to CHECKIN_CLOSES_MIN after
 * the end and until the organiser closes attendance; a host checks people in at their own point
 * (or an officer whose scope holds the point or the session); a member checks themselves in with
 * the point's rotating code (trainings.code.ts) at the corrected time of the scan. A member is
 * counted once per session (a second check-in answers `duplicate` and may add the leaving time);
 * a member outside the invited audience is recorded and flagged; a walk-in not in the registry is
 * kept by name and phone for the commune officer. Late: after the start plus LATE_MIN. Only the
 * invited and the members of the organiser's unit can be checked in (a host learns no one else's
 * name); a self check-in must reach the server within SELF_MAX_DELAY_MS of its scan and before the
 * close, and an account's wrong codes are limited (WRONG_CODE_LIMIT in 10 minutes); a host's
 * offline check-ins are taken up to AFTER_CLOSE_GRACE_MS after the close.
 */

export interface AttendanceResult {
  id: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
  field?: string;
  /** who was checked in (the member's or walk-in's name as recorded) */
  fullName?: string;
  notInvited?: boolean;
  late?: boolean;
  walkIn?: boolean;
}

interface PointCtx extends HostedPoint {
  trainingId: number;
  pointId: number;
  pointName: string;
  villageId: number | null;
  startsAt: Date;
  endsAt: Date;
  closedAt: Date | null;
  codeSecret: string;
}

const when = formatDateTimeVi;

/**
 * POST /api/trainings/attendance/sync: stores a batch of check-ins → one result per record, in
 * order. `deviceNow` is the phone's clock when sending (ISO 8601 with offset). Never throws for a
 * bad record: it is answered `rejected` with the field and the reason.
 */
export async function syncAttendance(db: Db, records: unknown[], actor: TrainingActor, now: Date, deviceNow?: string): Promise<AttendanceResult[]> {
  const offset = clockOf(deviceNow, now).offsetMs;
  const parsed = records.map((raw) => {
    const r = attendanceRecord.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      return { error: { field: issue.path.join('.'), reason: issue.message } };
    }
    return { record: r.data };
  });
  const valid = parsed.flatMap((p) => (p.record ? [p.record] : []));
  const idOf = (raw: unknown) => (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? ((raw as { id: string }).id.toLowerCase()) : null);

  return db.transaction(async (tx) => {
    // every member this batch may touch, locked up front in order: two phones syncing the same people wait, never deadlock
    await repo.lockMemberReach(tx, [...valid.map((r) => (r.method === 'self' ? actor.memberId ?? 0 : r.memberId ?? 0))]);
    const pairs = [...new Set(valid.map((r) => `${r.trainingId}:${r.pointId}`))];
    const points = new Map<string, PointCtx>();
    if (pairs.length) {
      const rows = await queryRows<PointCtx>(tx, sql`select sp.training_id as "trainingId", sp.point_id as "pointId", bp.name as "pointName", bp.commune_id as "communeId", bp.village_id as "villageId",
          bp.province_code as "provinceCode", s.province_code as "sessionProvince", s.commune_id as "sessionCommuneId", s.starts_at as "startsAt", s.ends_at as "endsAt", s.closed_at as "closedAt",
          sp.host_user_id as "hostUserId", sp.host_member_id as "hostMemberId", sp.code_secret as "codeSecret"
        from training_session_points sp join training_sessions s on s.id = sp.training_id join bridge_points bp on bp.id = sp.point_id
        where (sp.training_id::text || ':' || sp.point_id::text) = any(${sql.param(pairs)}::text[])`);
      for (const r of rows) points.set(`${r.trainingId}:${r.pointId}`, { ...r, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt), closedAt: r.closedAt ? new Date(r.closedAt) : null });
    }
    const out: AttendanceResult[] = [];
    for (const [i, p] of parsed.entries()) {
      if (!p.record) {
        out.push({ id: idOf(records[i]), status: 'rejected', field: p.error.field, reason: p.error.reason });
        continue;
      }
      out.push(await storeOne(tx, p.record, points.get(`${p.record.trainingId}:${p.record.pointId}`), actor, now, offset));
    }
    return out;
  });
}

/** Wrong self check-in codes per account (this process): at most WRONG_CODE_LIMIT in WRONG_CODE_WINDOW_MS, then self check-ins wait. */
const wrongCodes = new Map<number, number[]>();
export const WRONG_CODE_LIMIT = 10;
const WRONG_CODE_WINDOW_MS = 10 * 60_000;
const recentWrong = (userId: number, now: number) => (wrongCodes.get(userId) ?? []).filter((t) => t > now - WRONG_CODE_WINDOW_MS);
/** A self check-in must reach the server this soon after its scan (by the corrected clock): a code photographed and sent later fails. */
export const SELF_MAX_DELAY_MS = 10 * 60_000;
/** Check-ins recorded by hosts offline are still taken this long after the organiser closed attendance. */
export const AFTER_CLOSE_GRACE_MS = 24 * 3_600_000;
/** A host's offline check-ins reach the server at most this long after the session's end (a session left open is no door for late records). */
export const HOST_LATE_SYNC_MS = 7 * 86_400_000;

async function storeOne(tx: Db, r: AttendanceRecord, p: PointCtx | undefined, actor: TrainingActor, now: Date, offset: number | null): Promise<AttendanceResult> {
  const id = r.id.toLowerCase();
  const reject = (reason: string, field?: string): AttendanceResult => ({ id, status: 'rejected', reason, ...(field ? { field } : {}) });
  if (!p) return reject(`Không có điểm cầu mã ${r.pointId} trong lớp tập huấn mã ${r.trainingId}.`, 'pointId');
  const at = correctedTime(new Date(r.checkedInAt), offset);
  const leftAt = r.leftAt ? correctedTime(new Date(r.leftAt), offset) : null;
  if (leftAt && (leftAt.getTime() > now.getTime() + 5 * 60_000 || leftAt.getTime() > p.endsAt.getTime() + CHECKIN_CLOSES_MIN * 60_000)) return reject('Giờ ra về ở tương lai hoặc quá xa sau giờ kết thúc.', 'leftAt');

  // a resend of a record already stored by the same account: the same answer, and the leaving time if none was kept
  const [same] = await queryRows<{ mine: boolean; fullName: string | null }>(tx, sql`select (a.recorded_by is not distinct from ${actor.userId} and a.training_id = ${p.trainingId} and a.point_id = ${p.pointId}) as mine,
      coalesce((select m.full_name from members m where m.id = a.member_id), a.walk_in_name) as "fullName" from training_attendance a where a.id = ${id}`);
  if (same) {
    if (!same.mine) return reject('Mã bản ghi này đã được dùng cho một lượt điểm danh khác; hãy tạo lại lượt điểm danh.', 'id');
    if (leftAt) await tx.execute(sql`update training_attendance set left_at = coalesce(left_at, ${leftAt.toISOString()}::timestamptz) where id = ${id}`);
    return { id, status: 'duplicate', reason: 'Đã nhận lần điểm danh này trước đó.', ...(same.fullName ? { fullName: same.fullName } : {}) };
  }

  let memberId: number | null = null;
  if (r.method === 'self') {
    if (actor.memberId === null || actor.userId === null) return reject('Tài khoản này không gắn với thành viên nào nên không tự điểm danh được; hãy nhờ người phụ trách điểm cầu.', 'method');
    memberId = actor.memberId;
    if (recentWrong(actor.userId, now.getTime()).length >= WRONG_CODE_LIMIT) return reject(`Bạn đã nhập sai mã ${WRONG_CODE_LIMIT} lần trong 10 phút; hãy đợi rồi quét lại mã, hoặc nhờ người phụ trách điểm cầu điểm danh.`, 'code');
    if (p.closedAt && now > p.closedAt) return reject(`Ban tổ chức đã đóng điểm danh lúc ${when(p.closedAt)}.`, 'checkedInAt');
    if (now.getTime() - at.getTime() > SELF_MAX_DELAY_MS) return reject('Lượt tự điểm danh này gửi đến quá muộn sau khi quét mã (quá 10 phút): hãy nhờ người phụ trách điểm cầu điểm danh.', 'checkedInAt');
    const verdict = await verifyCheckInCode(p.codeSecret, p.trainingId, p.pointId, r.code!, at, r.window);
    if (verdict !== 'ok') {
      wrongCodes.set(actor.userId, [...recentWrong(actor.userId, now.getTime()), now.getTime()]);
      if (wrongCodes.size > 10_000) wrongCodes.clear();
    }
    if (verdict === 'expired') return reject('Mã điểm danh đã hết hạn (mã đổi sau mỗi 45 giây): hãy quét mã đang hiện ở điểm cầu.', 'code');
    if (verdict === 'wrong') return reject('Mã điểm danh không đúng với điểm cầu này của lớp: hãy quét lại mã đang hiện ở điểm cầu nơi bạn ngồi.', 'code');
  } else {
    if (!mayHost(p, actor)) return reject(`Bạn không phụ trách điểm cầu mã ${p.pointId} nên không điểm danh người khác ở đó được.`, 'pointId');
    if (p.closedAt && now.getTime() > p.closedAt.getTime() + AFTER_CLOSE_GRACE_MS) return reject(`Ban tổ chức đã đóng điểm danh lúc ${when(p.closedAt)}; lượt điểm danh gửi sau hơn 24 giờ không được nhận nữa, hãy báo ban tổ chức.`, 'checkedInAt');
    if (now.getTime() > p.endsAt.getTime() + HOST_LATE_SYNC_MS) return reject(`Lớp đã kết thúc lúc ${when(p.endsAt)}, quá ${HOST_LATE_SYNC_MS / 86_400_000} ngày trước; lượt điểm danh gửi muộn như vậy không được nhận, hãy báo ban tổ chức.`, 'checkedInAt');
    memberId = r.memberId ?? null;
  }
  if (at.getTime() > now.getTime() + 5 * 60_000) return reject(`Giờ điểm danh ${when(at)} ở tương lai: hãy kiểm tra đồng hồ của điện thoại.`, 'checkedInAt');
  if (at.getTime() < p.startsAt.getTime() - CHECKIN_OPENS_MIN * 60_000) return reject(`Lớp chưa bắt đầu: điểm danh mở từ ${when(new Date(p.startsAt.getTime() - CHECKIN_OPENS_MIN * 60_000))}.`, 'checkedInAt');
  if (at.getTime() > p.endsAt.getTime() + CHECKIN_CLOSES_MIN * 60_000) return reject(`Lớp đã kết thúc lúc ${when(p.endsAt)}; điểm danh chỉ nhận đến ${CHECKIN_CLOSES_MIN / 60} giờ sau khi kết thúc.`, 'checkedInAt');
  if (p.closedAt && at > p.closedAt) return reject(`Ban tổ chức đã đóng điểm danh lúc ${when(p.closedAt)}.`, 'checkedInAt');
  const late = at.getTime() > p.startsAt.getTime() + LATE_MIN * 60_000;

  if (memberId === null) {
    const w = r.walkIn!;
    let phone: string | null = null;
    if (w.phone) {
      const ph = normalizePhone(w.phone);
      if (!ph.ok) return reject(`Số điện thoại: ${ph.reason}.`, 'walkIn.phone');
      phone = ph.e164;
    }
    const [kept] = await queryRows<{ id: string }>(tx, sql`insert into training_attendance (id, training_id, point_id, walk_in_name, walk_in_phone, walk_in_status, method, checked_in_at, left_at, late, invited, commune_id, province_code, recorded_by, received_at, clock_offset_ms)
      values (${id}, ${p.trainingId}, ${p.pointId}, ${w.fullName}, ${phone}, 'pending', 'host', ${at.toISOString()}, ${leftAt?.toISOString() ?? null}, ${late}, false, ${p.communeId}, ${p.provinceCode}, ${actor.userId}, ${now.toISOString()}, ${offset})
      on conflict (id) do nothing returning id`);
    // the same record sent at once by the page and the service worker: stored once
    if (!kept) return { id, status: 'duplicate', reason: 'Đã nhận lần điểm danh này trước đó.', fullName: w.fullName };
    return { id, status: 'accepted', fullName: w.fullName, walkIn: true, late, notInvited: true };
  }

  // the person must be invited, or on a current team of the organiser's unit: no one elsewhere, and no names of people elsewhere
  const [who] = await queryRows<{ fullName: string; invited: boolean; teamId: number | null; communeId: number | null; provinceCode: string | null }>(tx, sql`
    select m.full_name as "fullName", (i.member_id is not null) as invited, coalesce(i.team_id, t.id) as "teamId", coalesce(i.commune_id, t.commune_id) as "communeId", coalesce(i.province_code, t.province_code) as "provinceCode"
    from members m
    left join training_invitations i on i.training_id = ${p.trainingId} and i.member_id = m.id
    left join lateral (select t.* from team_members tm join teams t on t.id = tm.team_id where tm.member_id = m.id and tm.left_on is null and t.status = 'active'
      and t.province_code = ${p.sessionProvince} and (${p.sessionCommuneId}::int is null or t.commune_id = ${p.sessionCommuneId}) order by t.id limit 1) t on true
    where m.id = ${memberId} and m.merged_into_id is null and (i.member_id is not null or t.id is not null)`);
  if (!who) return reject(`Không có thành viên mã ${memberId} trong danh sách mời hay trong các tổ của đơn vị tổ chức lớp này.`, 'memberId');
  const [inserted] = await queryRows<{ id: string }>(tx, sql`insert into training_attendance (id, training_id, point_id, member_id, method, checked_in_at, left_at, late, invited, team_id, commune_id, province_code, recorded_by, received_at, clock_offset_ms)
    values (${id}, ${p.trainingId}, ${p.pointId}, ${memberId}, ${r.method}, ${at.toISOString()}, ${leftAt?.toISOString() ?? null}, ${late}, ${who.invited}, ${who.teamId}, ${who.communeId ?? p.communeId}, ${who.provinceCode ?? p.provinceCode}, ${actor.userId}, ${now.toISOString()}, ${offset})
    on conflict do nothing returning id`);
  if (!inserted) {
    // checked in already (another phone, another point, or the member and the host both): counted once; only its own recorder adds a leaving time
    const [first] = await queryRows<{ at: Date; point: string; leftAt: Date | null; mine: boolean }>(tx, sql`update training_attendance a set left_at = case when a.recorded_by is not distinct from ${actor.userId} then coalesce(a.left_at, ${leftAt?.toISOString() ?? null}::timestamptz) else a.left_at end
      from bridge_points bp where bp.id = a.point_id and a.training_id = ${p.trainingId} and a.member_id = ${memberId}
      returning a.checked_in_at as at, bp.name as point, a.left_at as "leftAt", (a.recorded_by is not distinct from ${actor.userId}) as mine`);
    if (!first) return { id, status: 'duplicate', reason: 'Đã nhận lần điểm danh này trước đó.', fullName: who.fullName };
    // the host's "Về" (a leaving time for someone they checked in): said as such
    if (leftAt && first.mine && first.leftAt) return { id, status: 'duplicate', fullName: who.fullName, reason: `${who.fullName} về lúc ${when(new Date(first.leftAt))} (điểm danh lúc ${when(new Date(first.at))}).` };
    return { id, status: 'duplicate', fullName: who.fullName, reason: `${who.fullName} đã được điểm danh lúc ${when(new Date(first.at))} tại "${first.point}"; chỉ tính một lần.` };
  }
  return { id, status: 'accepted', fullName: who.fullName, late, ...(who.invited ? {} : { notInvited: true }) };
}
