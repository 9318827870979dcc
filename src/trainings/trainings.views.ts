import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { todayInVietnam } from '../text/dates.js';
import { compareVietnameseNames } from '../text/vietnamese.js';
import { CHECKIN_CLOSES_MIN, CHECKIN_OPENS_MIN, LATE_MIN, mayHost } from './trainings.rules.js';
import { checkInCode, checkInUrl, CODE_WINDOW_MS, windowOf } from './trainings.code.js';
import * as repo from './trainings.repo.js';
import type { TrainingActor } from './trainings.service.js';

/**
 * What the pages show of trainings (issue 14, item 7): the list, a session's board (points, hosts,
 * live attendance per point), the host's screen in the field app and a member's own trainings.
 * Every read goes through the caller's scope (trainings.repo.ts visibleSql / managedSql).
 */

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** GET /api/trainings?from&to (Vietnam days): the sessions the caller may see, newest first (at most 500). */
export async function listTrainings(db: Db, actor: TrainingActor, from: string, to: string) {
  const rows = await repo.sessionsVisible(db, actor.scope, actor.userId, actor.memberId, from, to, 500);
  return {
    trainings: rows.map((s) => ({
      id: s.id, title: s.title, topic: { code: s.topicCode, name: s.topicName }, kind: s.kind, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), day: s.day,
      unit: { code: s.unitCode, name: s.unitName, level: s.unitLevel }, closedAt: iso(s.closedAt), managed: s.managed, points: s.points, invited: s.invited, attended: s.attended,
    })),
  };
}

/** A session the caller may see, or NOT_FOUND (a refusal when it exists outside the scope). */
async function visibleOrThrow(db: Db, id: number, actor: TrainingActor) {
  const s = await repo.sessionVisible(db, id, actor.scope, actor.userId, actor.memberId);
  if (!s) {
    const [other] = await queryRows<{ provinceCode: string; communeId: number | null }>(db, sql`select province_code as "provinceCode", commune_id as "communeId" from training_sessions where id = ${id}`);
    const err = new AppError('NOT_FOUND', `Không có lớp tập huấn mã ${id} trong phạm vi của bạn.`);
    throw other ? err.refusing({ entity: 'training', id, ...other }) : err;
  }
  return s;
}

/**
 * GET /api/trainings/:id: the session, its points with hosts and counts (checked in, late, walk-ins),
 * the totals (invited, attended: people counted once, invited who came, not invited, walk-ins) and,
 * for the officers who manage it and the hosts, the attendance list. Errors: NOT_FOUND.
 */
export async function trainingDetail(db: Db, id: number, actor: TrainingActor) {
  const s = await visibleOrThrow(db, id, actor);
  const points = await repo.sessionPoints(db, [id]);
  const attendance = await repo.attendanceOf(db, id);
  const [inv] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from training_invitations where training_id = ${id}`);
  const hosting = points.filter((p) => (p.hostUserId !== null && p.hostUserId === actor.userId) || (p.hostMemberId !== null && p.hostMemberId === actor.memberId)).map((p) => p.id);
  const seesList = s.managed || hosting.length > 0;
  const leftEarly = (a: { leftAt: Date | null }) => a.leftAt !== null && new Date(a.leftAt).getTime() < s.endsAt.getTime() - LATE_MIN * 60_000;
  return {
    id: s.id, title: s.title, topic: { code: s.topicCode, name: s.topicName }, kind: s.kind, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), day: s.day,
    unit: { code: s.unitCode, name: s.unitName, level: s.unitLevel }, materials: s.materials, audience: s.audience, closedAt: iso(s.closedAt), version: s.version, managed: s.managed,
    checkIn: { opensAt: iso(new Date(s.startsAt.getTime() - CHECKIN_OPENS_MIN * 60_000)), closesAt: iso(s.closedAt ?? new Date(s.endsAt.getTime() + CHECKIN_CLOSES_MIN * 60_000)) },
    points: points.map((p) => {
      const here = attendance.filter((a) => a.pointId === p.id);
      return {
        pointId: p.id, name: p.name, placeKind: p.placeKind, commune: { code: p.communeCode, name: p.communeName }, village: p.villageCode ? { code: p.villageCode, name: p.villageName } : null,
        host: p.hostMemberId ? { kind: 'member', id: p.hostMemberId, name: p.hostName } : p.hostUserId ? { kind: 'user', id: p.hostUserId, name: p.hostName } : null,
        capacity: p.sessionCapacity ?? p.capacity, connection: p.connection, checkedIn: here.length, late: here.filter((a) => !a.walkIn && a.late).length, walkIns: here.filter((a) => a.walkIn).length, mine: hosting.includes(p.id),
      };
    }),
    totals: {
      invited: inv.n,
      attended: attendance.filter((a) => !a.walkIn).length,
      attendedInvited: attendance.filter((a) => !a.walkIn && a.invited).length,
      notInvited: attendance.filter((a) => !a.walkIn && !a.invited).length,
      walkIns: attendance.filter((a) => a.walkIn).length,
      // late and attended count the registry's members: a walk-in is counted apart
      late: attendance.filter((a) => !a.walkIn && a.late).length,
      leftEarly: attendance.filter(leftEarly).length,
    },
    attendance: seesList
      ? attendance.filter((a) => s.managed || hosting.includes(a.pointId)).map((a) => ({ ...a, checkedInAt: iso(a.checkedInAt), leftAt: iso(a.leftAt), leftEarly: leftEarly(a) }))
      : null,
  };
}

/**
 * GET /api/trainings/:id/points/:pointId/code: the point's current check-in code for its QR →
 * {window, code, url, validUntil (ISO)}; for its host and the officers who may check people in
 * there. Errors: NOT_FOUND, FORBIDDEN (not the host), REGISTRY_CONFLICT (closed).
 */
export async function currentCode(db: Db, id: number, pointId: number, actor: TrainingActor, now: Date, origin: string) {
  const s = await visibleOrThrow(db, id, actor);
  const point = (await repo.sessionPoints(db, [id])).find((p) => p.id === pointId);
  if (!point) throw new AppError('NOT_FOUND', `Lớp tập huấn không có điểm cầu mã ${pointId}.`);
  if (!mayHost({ ...point, sessionProvince: s.provinceCode, sessionCommuneId: s.communeId }, actor)) throw new AppError('FORBIDDEN', 'Chỉ người phụ trách điểm cầu và cán bộ quản lý mới hiện mã điểm danh.');
  if (s.closedAt) throw new AppError('REGISTRY_CONFLICT', 'Lớp tập huấn đã đóng điểm danh.');
  const w = windowOf(now);
  const code = await checkInCode(point.codeSecret, id, pointId, w);
  return { window: w, code, url: checkInUrl(origin, id, pointId, w, code), validUntil: new Date((w + 1) * CODE_WINDOW_MS).toISOString(), windowMs: CODE_WINDOW_MS };
}

/**
 * GET /api/trainings/hosting: for the field app's host screen, cached for offline use, the
 * sessions from yesterday to a week ahead where the caller hosts a point: the point, its secret
 * (so the phone shows the rotating QR offline), the invited members (sorted by given name) and who
 * is checked in there already.
 */
export async function hostingFor(db: Db, actor: TrainingActor, now: Date) {
  const today = todayInVietnam(now);
  const from = todayInVietnam(new Date(now.getTime() - 86_400_000));
  const to = todayInVietnam(new Date(now.getTime() + 7 * 86_400_000));
  const rows = await queryRows<{ id: number }>(db, sql`select s.id from training_sessions s join training_session_points sp on sp.training_id = s.id
    where s.day between ${from} and ${to} and (sp.host_user_id = ${actor.userId} or sp.host_member_id = ${actor.memberId}) group by s.id order by min(s.starts_at)`);
  const sessions = [];
  for (const { id } of rows) {
    const s = (await repo.sessionVisible(db, id, actor.scope, actor.userId, actor.memberId))!;
    const points = (await repo.sessionPoints(db, [id])).filter((p) => p.hostUserId === actor.userId || (actor.memberId !== null && p.hostMemberId === actor.memberId));
    const invited = (await repo.invitedOf(db, id)).sort((a, b) => compareVietnameseNames(a.fullName, b.fullName) || a.memberId - b.memberId);
    const attendance = await repo.attendanceOf(db, id);
    sessions.push({
      id, title: s.title, topic: s.topicName, kind: s.kind, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), day: s.day, today: s.day === today, closedAt: iso(s.closedAt),
      points: points.map((p) => ({
        pointId: p.id, name: p.name, communeName: p.communeName, codeSecret: p.codeSecret, connection: p.connection,
        checkedIn: attendance.filter((a) => a.pointId === p.id).map((a) => ({ id: a.id, memberId: a.memberId, fullName: a.fullName, checkedInAt: iso(a.checkedInAt) })),
      })),
      invited,
      elsewhere: attendance.filter((a) => !points.some((p) => p.id === a.pointId) && a.memberId !== null).map((a) => a.memberId),
    });
  }
  return { sessions, windowMs: CODE_WINDOW_MS, serverNow: now.toISOString() };
}

/**
 * GET /api/trainings/mine: the caller's own trainings (as a member): invited or attended, with the
 * attendance (time, point) and the certificate's code once issued, newest first.
 */
export async function myTrainings(db: Db, actor: TrainingActor) {
  if (actor.memberId === null) return { trainings: [] };
  const rows = await queryRows<{ id: number; title: string; topic: string; startsAt: Date; endsAt: Date; day: string; unitName: string; invited: boolean; checkedInAt: Date | null; pointName: string | null; certificate: string | null; closedAt: Date | null }>(db, sql`
    select s.id, s.title, tp.name as topic, s.starts_at as "startsAt", s.ends_at as "endsAt", to_char(s.day, 'YYYY-MM-DD') as day, ${repo.unitTitleSql('u')} as "unitName",
      (i.member_id is not null) as invited, a.checked_in_at as "checkedInAt", bp.name as "pointName", c.code as certificate, s.closed_at as "closedAt"
    from training_sessions s join training_topics tp on tp.code = s.topic_code join admin_units u on u.id = s.organiser_unit_id
    left join training_invitations i on i.training_id = s.id and i.member_id = ${actor.memberId}
    left join training_attendance a on a.training_id = s.id and a.member_id = ${actor.memberId}
    left join bridge_points bp on bp.id = a.point_id
    left join training_certificates c on c.training_id = s.id and c.member_id = ${actor.memberId}
    where i.member_id is not null or a.member_id is not null
    order by s.starts_at desc limit 500`);
  return { trainings: rows.map((r) => ({ ...r, startsAt: iso(r.startsAt), endsAt: iso(r.endsAt), checkedInAt: iso(r.checkedInAt), closedAt: iso(r.closedAt) })) };
}
