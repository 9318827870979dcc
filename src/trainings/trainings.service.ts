import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import { unitInScopeSql } from '../access/scope.sql.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { unitsByCode, unitsByCodes } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { formatDateTimeVi, todayInVietnam } from '../text/dates.js';
import { nameKey } from '../text/vietnamese.js';
import { LATE_MIN, managesSession } from './trainings.rules.js';
import type { TrainingBody } from './trainings.contract.js';
import * as repo from './trainings.repo.js';

/**
 * Training sessions and bridge points (issue 14, items 1–2): plan, invite, points and hosts, close.
 * A session is organised by a province or a commune; the officers whose scope holds that unit
 * manage it (a province's sessions: its province officers and admins). Its audience, points and
 * hosts all lie under the organiser's unit. Each write is one transaction with its audit entry.
 */

/** The signed-in caller: account, the member the account belongs to (if any), scope, address. */
export interface TrainingActor extends AuditActor {
  scope: Scope;
  memberId: number | null;
}

/** The current province (two digits) or commune (five digits) of a code. Errors: UNIT_NOT_FOUND, UNIT_LEVEL_UNSUPPORTED. */
async function organiserUnit(db: Db, code: string): Promise<repo.OrganiserUnit & { parentId: number | null }> {
  const unit = (await unitsByCode(db, code)).find((u) => !u.validTo && (u.level === 'province' || u.level === 'commune'));
  if (!unit) throw new AppError('UNIT_NOT_FOUND', `Không có tỉnh hoặc xã hiện hành mã ${code}.`, { path: 'unit' });
  return { id: unit.id, code: unit.code!, level: unit.level as 'province' | 'commune', name: repo.unitTitle(unit), provinceCode: unit.provinceCode ?? unit.code!, parentId: unit.parentId };
}

/** Whether the scope manages sessions organised by the unit. */
const manages = (scope: Scope, unit: repo.OrganiserUnit) => managesSession(scope, { provinceCode: unit.provinceCode, communeId: unit.level === 'commune' ? unit.id : null });

/**
 * POST /api/bridge-points: a place in a commune of the caller's scope (commune hall, cultural
 * house, school…), reusable across sessions. → the point. Errors: UNIT_NOT_FOUND (commune or
 * village), OUT_OF_SCOPE, REGISTRY_CONFLICT (the commune has a point of that name).
 */
export async function createBridgePoint(db: Db, body: { commune: string; village?: string; name: string; placeKind: string; capacity?: number }, actor: TrainingActor): Promise<repo.PointRow> {
  const commune = (await unitsByCode(db, body.commune)).find((u) => !u.validTo && u.level === 'commune');
  if (!commune) throw new AppError('UNIT_NOT_FOUND', `Không có xã hiện hành mã ${body.commune}.`, { path: 'commune' });
  requireScope(unitInScope(actor.scope, commune), `điểm cầu ở "${commune.name}"`, unitTarget(commune));
  let villageId: number | null = null;
  if (body.village) {
    const village = (await unitsByCode(db, body.village)).find((u) => u.level === 'village' && !u.validTo);
    if (!village || village.parentId !== commune.id) throw new AppError('UNIT_NOT_FOUND', `Thôn/bản mã ${body.village} không thuộc ${commune.name}.`, { path: 'village' });
    villageId = village.id;
  }
  return db.transaction(async (tx) => {
    const id = await repo.insertPoint(tx, { provinceCode: commune.provinceCode!, communeId: commune.id, villageId, name: body.name, nameKey: nameKey(body.name), placeKind: body.placeKind, capacity: body.capacity ?? null });
    if (id === null) throw new AppError('REGISTRY_CONFLICT', `${commune.name} đã có điểm cầu "${body.name}"; hãy chọn điểm cầu đó.`, { path: 'name' });
    await recordAudit(tx, { ...actor, action: 'bridge_point.created', entity: 'bridge_point', entityId: id, provinceCode: commune.provinceCode, communeId: commune.id, after: body });
    return (await repo.pointsByIds(tx, [id]))[0];
  });
}

/** Checks the body against the organiser's unit and resolves the audience; throws VALIDATION_FAILED with the path of the first fault. */
async function resolvePlan(db: Db, body: TrainingBody, unit: repo.OrganiserUnit & { parentId: number | null }) {
  const within = repo.organiserScope(unit);
  const topics = await repo.topicsOf(db, unit.provinceCode);
  if (!topics.some((t) => t.code === body.topic)) throw new AppError('VALIDATION_FAILED', `Chủ đề "${body.topic}" không có trong danh mục chủ đề tập huấn.`, { path: 'topic' });

  const points = await repo.pointsByIds(db, body.points.map((p) => p.pointId));
  for (const [i, p] of body.points.entries()) {
    const point = points.find((x) => x.id === p.pointId);
    const inside = point && (unit.level === 'province' ? point.provinceCode === unit.provinceCode : point.communeId === unit.id);
    if (!inside) throw new AppError('VALIDATION_FAILED', `Điểm cầu mã ${p.pointId} không thuộc ${unit.name}.`, { path: `points.${i}.pointId` });
  }
  const hosts = await repo.membersWithin(db, within, body.points.flatMap((p) => (p.hostMemberId ? [p.hostMemberId] : [])));
  for (const [i, p] of body.points.entries()) {
    if (p.hostMemberId && !hosts.has(p.hostMemberId)) throw new AppError('VALIDATION_FAILED', `Người phụ trách (thành viên mã ${p.hostMemberId}) không thuộc tổ nào đang hoạt động của ${unit.name}.`, { path: `points.${i}.hostMemberId` });
    if (p.hostUserId) {
      const [user] = await queryRows<{ ok: boolean }>(db, sql`select true as ok from users us left join admin_units su on su.id = us.scope_unit_id left join teams st on st.id = us.scope_team_id
        where us.id = ${p.hostUserId} and not us.disabled and us.role <> 'viewer'
          and coalesce(su.province_code, su.code, st.province_code) = ${unit.provinceCode}
          and (${unit.level === 'province'} or su.id = ${unit.id} or su.parent_id = ${unit.id} or st.commune_id = ${unit.id})`);
      if (!user) throw new AppError('VALIDATION_FAILED', `Tài khoản mã ${p.hostUserId} không phải cán bộ hay thành viên của ${unit.name}.`, { path: `points.${i}.hostUserId` });
    }
  }

  const a = body.audience;
  const unitIds: number[] = [];
  const byCode = await unitsByCodes(db, [...new Set(a.units)]);
  for (const code of new Set(a.units)) {
    const level = code.includes('.') ? 'village' : 'commune';
    const found = (byCode.get(code) ?? []).find((u) => !u.validTo && u.level === level);
    if (!found || !unitInScope(within, found)) throw new AppError('VALIDATION_FAILED', `${level === 'village' ? 'Thôn/bản' : 'Xã'} mã ${code} không thuộc ${unit.name}.`, { path: 'audience.units' });
    unitIds.push(found.id);
  }
  const named = await repo.membersWithin(db, within, a.memberIds);
  const outside = a.memberIds.filter((id) => !named.has(id));
  if (outside.length) throw new AppError('VALIDATION_FAILED', `Thành viên mã ${outside.slice(0, 5).join(', ')} không thuộc tổ nào đang hoạt động của ${unit.name}.`, { path: 'audience.memberIds' });
  if (a.teamIds.length) {
    const teams = await queryRows<{ id: number }>(db, sql`select id from teams where id = any(${sql.param(a.teamIds)}::int[]) and ${unit.level === 'province' ? sql`province_code = ${unit.provinceCode}` : sql`commune_id = ${unit.id}`}`);
    const missing = a.teamIds.filter((id) => !teams.some((t) => t.id === id));
    if (missing.length) throw new AppError('VALIDATION_FAILED', `Tổ mã ${missing.slice(0, 5).join(', ')} không thuộc ${unit.name}.`, { path: 'audience.teamIds' });
  }
  const invited = await repo.audienceMembers(db, within, { unitIds, teamIds: a.teamIds, roles: a.roles, memberIds: a.memberIds });
  return { invited };
}

const dayOf = (iso: string) => todayInVietnam(new Date(iso));

/**
 * POST /api/trainings: plans a session → {id}. The organiser (`unit`) must be the caller's to
 * manage; topic, points, hosts and audience lie under it; the invited members are the audience's
 * current members at this moment (saved again on every edit). Errors: UNIT_NOT_FOUND,
 * OUT_OF_SCOPE, VALIDATION_FAILED (path of the fault).
 */
export async function createTraining(db: Db, body: TrainingBody, actor: TrainingActor): Promise<{ id: number; invited: number }> {
  const unit = await organiserUnit(db, body.unit);
  requireScope(manages(actor.scope, unit), `lớp tập huấn của "${unit.name}"`, unitTarget(unit));
  return db.transaction(async (tx) => {
    const { invited } = await resolvePlan(tx, body, unit);
    const [row] = await queryRows<{ id: number }>(tx, sql`insert into training_sessions (province_code, organiser_unit_id, commune_id, title, topic_code, kind, starts_at, ends_at, day, materials, audience, created_by)
      values (${unit.provinceCode}, ${unit.id}, ${unit.level === 'commune' ? unit.id : null}, ${body.title}, ${body.topic}, ${body.kind}, ${body.startsAt}, ${body.endsAt}, ${dayOf(body.startsAt)},
        ${JSON.stringify(body.materials)}::jsonb, ${JSON.stringify(body.audience)}::jsonb, ${actor.userId}) returning id`);
    await writePoints(tx, row.id, body.points);
    await repo.replaceInvitations(tx, row.id, invited);
    await recordAudit(tx, { ...actor, action: 'training.created', entity: 'training', entityId: row.id, provinceCode: unit.provinceCode, communeId: unit.level === 'commune' ? unit.id : null, after: { ...body, invited: invited.length } });
    return { id: row.id, invited: invited.length };
  });
}

/** Writes a session's points: a point kept keeps its secret (its QR codes stay valid); a point removed goes, unless someone checked in there. */
async function writePoints(tx: Db, trainingId: number, points: TrainingBody['points']): Promise<void> {
  const keep = points.map((p) => p.pointId);
  const used = await queryRows<{ pointId: number }>(tx, sql`select distinct point_id as "pointId" from training_attendance where training_id = ${trainingId} and not (point_id = any(${sql.param(keep)}::int[]))`);
  if (used.length) throw new AppError('VALIDATION_FAILED', `Không bỏ được điểm cầu mã ${used.map((u) => u.pointId).join(', ')}: đã có người điểm danh ở đó.`, { path: 'points' });
  await tx.execute(sql`delete from training_session_points where training_id = ${trainingId} and not (point_id = any(${sql.param(keep)}::int[]))`);
  for (const p of points) {
    await tx.execute(sql`insert into training_session_points (training_id, point_id, host_member_id, host_user_id, capacity, connection, code_secret)
      values (${trainingId}, ${p.pointId}, ${p.hostMemberId ?? null}, ${p.hostUserId ?? null}, ${p.capacity ?? null}, ${p.connection ?? null}, ${randomBytes(32).toString('base64')})
      on conflict (training_id, point_id) do update set host_member_id = excluded.host_member_id, host_user_id = excluded.host_user_id, capacity = excluded.capacity, connection = excluded.connection`);
  }
}

/**
 * PUT /api/trainings/:id {…the plan, version}: changes a session the caller manages, before its
 * attendance is closed. → {id, invited, version}. Errors: NOT_FOUND (also outside the scope),
 * VERSION_CONFLICT, REGISTRY_CONFLICT (closed), VALIDATION_FAILED, OUT_OF_SCOPE (moving it to a unit not the caller's).
 */
export async function updateTraining(db: Db, id: number, body: TrainingBody & { version: number }, actor: TrainingActor): Promise<{ id: number; invited: number; version: number }> {
  const unit = await organiserUnit(db, body.unit);
  requireScope(manages(actor.scope, unit), `lớp tập huấn của "${unit.name}"`, unitTarget(unit));
  return db.transaction(async (tx) => {
    const before = await managedOrThrow(tx, id, actor);
    if (before.version !== body.version) throw new AppError('VERSION_CONFLICT', 'Lớp tập huấn vừa được người khác sửa; hãy tải lại trang rồi sửa lại.');
    if (before.closedAt) throw new AppError('REGISTRY_CONFLICT', 'Lớp tập huấn đã đóng điểm danh; không sửa được nữa.');
    const { invited } = await resolvePlan(tx, body, unit);
    const touched = await queryRows<{ m: number }>(tx, sql`select member_id as m from training_invitations where training_id = ${id} union select member_id from training_attendance where training_id = ${id} and member_id is not null`);
    await repo.lockMemberReach(tx, [...touched.map((t) => t.m), ...invited.map((i) => i.memberId)]);
    await tx.execute(sql`update training_sessions set province_code = ${unit.provinceCode}, organiser_unit_id = ${unit.id}, commune_id = ${unit.level === 'commune' ? unit.id : null},
      title = ${body.title}, topic_code = ${body.topic}, kind = ${body.kind}, starts_at = ${body.startsAt}, ends_at = ${body.endsAt}, day = ${dayOf(body.startsAt)},
      materials = ${JSON.stringify(body.materials)}::jsonb, audience = ${JSON.stringify(body.audience)}::jsonb, version = version + 1 where id = ${id}`);
    await writePoints(tx, id, body.points);
    await repo.replaceInvitations(tx, id, invited);
    // an attendee's invitation follows the new audience, and "late" the new start (both kept on the check-in for the reports)
    await tx.execute(sql`update training_attendance a set invited = a.member_id is not null and exists (select 1 from training_invitations i where i.training_id = a.training_id and i.member_id = a.member_id),
      late = a.checked_in_at > ${body.startsAt}::timestamptz + make_interval(mins => ${LATE_MIN}) where a.training_id = ${id}`);
    await recordAudit(tx, { ...actor, action: 'training.updated', entity: 'training', entityId: id, provinceCode: unit.provinceCode, communeId: unit.level === 'commune' ? unit.id : null, before: { title: before.title, startsAt: before.startsAt, audience: before.audience }, after: body });
    return { id, invited: invited.length, version: body.version + 1 };
  });
}

/** The session locked, if the caller manages it; NOT_FOUND (a refusal when it exists elsewhere) otherwise. */
export async function managedOrThrow(tx: Db, id: number, actor: TrainingActor): Promise<repo.SessionRow> {
  const s = await repo.sessionForUpdate(tx, id);
  if (!s || !managesSession(actor.scope, s)) {
    const err = new AppError('NOT_FOUND', `Không có lớp tập huấn mã ${id} do bạn quản lý.`);
    throw s ? err.refusing({ entity: 'training', id, provinceCode: s.provinceCode, communeId: s.communeId }) : err;
  }
  return s;
}

/**
 * POST /api/trainings/:id/close: closes attendance (check-ins made after this instant are
 * refused; those made before and synced later still count). → {id, closedAt}. Errors: NOT_FOUND,
 * REGISTRY_CONFLICT (already closed, or the session has not started).
 */
export async function closeTraining(db: Db, id: number, actor: TrainingActor, now: Date): Promise<{ id: number; closedAt: string }> {
  return db.transaction(async (tx) => {
    const s = await managedOrThrow(tx, id, actor);
    if (s.closedAt) throw new AppError('REGISTRY_CONFLICT', `Lớp tập huấn đã đóng điểm danh lúc ${formatDateTimeVi(s.closedAt)}.`);
    if (now < s.startsAt) throw new AppError('REGISTRY_CONFLICT', 'Lớp tập huấn chưa bắt đầu; chỉ đóng điểm danh được sau giờ bắt đầu.');
    await tx.execute(sql`update training_sessions set closed_at = ${now.toISOString()}, closed_by = ${actor.userId}, version = version + 1 where id = ${id}`);
    await recordAudit(tx, { ...actor, action: 'training.closed', entity: 'training', entityId: id, provinceCode: s.provinceCode, communeId: s.communeId });
    return { id, closedAt: now.toISOString() };
  });
}

/**
 * GET /api/trainings/walk-ins[?status=pending]: the people checked in who are not in the registry,
 * at the points of the caller's communes, for the commune officer to add to a team (then link) or
 * dismiss; newest first, at most 500.
 */
export async function walkInsFor(db: Db, actor: TrainingActor, status: 'pending' | 'added' | 'dismissed') {
  const rows = await queryRows<{ id: string; fullName: string; phone: string | null; trainingId: number; title: string; pointName: string; communeCode: string; communeName: string; checkedInAt: Date; status: string }>(db, sql`
    select a.id, a.walk_in_name as "fullName", a.walk_in_phone as phone, a.training_id as "trainingId", s.title, bp.name as "pointName", c.code as "communeCode", c.name as "communeName", a.checked_in_at as "checkedInAt", a.walk_in_status as status
    from training_attendance a join training_sessions s on s.id = a.training_id join bridge_points bp on bp.id = a.point_id join admin_units c on c.id = bp.commune_id
    where a.member_id is null and a.walk_in_status = ${status} and ${unitInScopeSql(actor.scope, 'c')}
    order by a.checked_in_at desc limit 500`);
  return { walkIns: rows.map((r) => ({ ...r, checkedInAt: new Date(r.checkedInAt).toISOString() })) };
}

/**
 * POST /api/trainings/walk-ins/:id {action: 'link', memberId} | {action: 'dismiss'}: a walk-in
 * the officer has added to a team (or found there) becomes that member's check-in, counted like
 * any other; or is dismissed (kept, never counted as a member). Audited. Errors: NOT_FOUND
 * (outside the scope too), REGISTRY_CONFLICT (already decided, or the member is checked in
 * already), VALIDATION_FAILED (the member is not on a current team the officer may see).
 */
export async function decideWalkIn(db: Db, id: string, body: { action: 'link'; memberId: number } | { action: 'dismiss' }, actor: TrainingActor): Promise<{ id: string; status: 'added' | 'dismissed' }> {
  return db.transaction(async (tx) => {
    const [w] = await queryRows<{ trainingId: number; status: string; communeId: number; provinceCode: string; pointCommune: number }>(tx, sql`
      select a.training_id as "trainingId", a.walk_in_status as status, a.commune_id as "communeId", a.province_code as "provinceCode", bp.commune_id as "pointCommune"
      from training_attendance a join bridge_points bp on bp.id = a.point_id join admin_units c on c.id = bp.commune_id
      where a.id = ${id} and a.member_id is null and ${unitInScopeSql(actor.scope, 'c')} for update of a`);
    if (!w) throw new AppError('NOT_FOUND', 'Không có người ngoài danh sách này trong phạm vi của bạn.');
    if (w.status !== 'pending') throw new AppError('REGISTRY_CONFLICT', 'Người này đã được xử lý.');
    if (body.action === 'dismiss') {
      await tx.execute(sql`update training_attendance set walk_in_status = 'dismissed' where id = ${id}`);
      await recordAudit(tx, { ...actor, action: 'training.walk_in_dismissed', entity: 'training_attendance', entityId: id, provinceCode: w.provinceCode, communeId: w.pointCommune });
      return { id, status: 'dismissed' };
    }
    const member = (await repo.membersWithin(tx, actor.scope, [body.memberId])).get(body.memberId);
    if (!member) throw new AppError('VALIDATION_FAILED', `Thành viên mã ${body.memberId} không thuộc tổ nào đang hoạt động trong phạm vi của bạn; hãy thêm người này vào tổ trước.`, { path: 'memberId' });
    await repo.lockMemberReach(tx, [body.memberId]);
    const taken = `${member.fullName} đã được điểm danh ở lớp này; hãy bỏ qua người ngoài danh sách này.`;
    const [dup] = await queryRows<{ id: string }>(tx, sql`select id from training_attendance where training_id = ${w.trainingId} and member_id = ${body.memberId}`);
    if (dup) throw new AppError('REGISTRY_CONFLICT', taken);
    // a check-in of the same member committed since the look (a phone syncing now) is the same conflict
    const [linked] = await queryRows<{ id: string }>(tx, sql`update training_attendance a set member_id = ${body.memberId}, walk_in_status = 'added', team_id = ${member.teamId}, commune_id = ${member.communeId}, province_code = ${member.provinceCode},
      invited = exists (select 1 from training_invitations i where i.training_id = a.training_id and i.member_id = ${body.memberId})
      where a.id = ${id} and not exists (select 1 from training_attendance o where o.training_id = a.training_id and o.member_id = ${body.memberId}) returning a.id`);
    if (!linked) throw new AppError('REGISTRY_CONFLICT', taken);
    await recordAudit(tx, { ...actor, action: 'training.walk_in_linked', entity: 'training_attendance', entityId: id, provinceCode: w.provinceCode, communeId: w.pointCommune, after: { memberId: body.memberId } });
    return { id, status: 'added' };
  });
}
