import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Scope, teamInScope, teamTarget, requireScope } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { enqueue } from '../notify/notify.dispatch.js';
import type { Channel } from '../notify/notify.types.js';
import type { DataProtector } from '../privacy/protector.js';
import { now as clockNow } from '../text/clock.js';
import { cleanFreeText, graphemeLength, showsNothing } from '../text/measure.js';
import { normalizePhone } from '../text/phone.js';
import { clockOf, correctedTime } from '../sessions/sessions.clock.js';

/**
 * Residents' requests for help (issue 16, item 3), after FixMyStreet and Open311: a request is
 * routed when it is made to whoever is responsible — the active team of the resident's village
 * (the oldest when there are several), else the commune's own team, else nobody, when the commune
 * officer has it at once — with an expected response time per service (`help_response_targets`,
 * data), a status the resident follows by an unguessable link, and times the teams are judged by
 * (help.report.ts). Every change is audited at the request's commune.
 */

export const CONSENT_TEXT = 'Tôi đồng ý cho Tổ công nghệ số cộng đồng dùng họ tên và số điện thoại này để liên hệ hỗ trợ tôi (Nghị định 13/2023/NĐ-CP).';
const OPEN_PER_PHONE = 3;

export interface NewHelpRequest {
  /** the province of the page the form was on: a commune of another province is refused */
  province: string;
  commune: string;
  village?: string;
  service: string;
  problem: string;
  name: string;
  phone: string;
  preferredTime?: string;
  consent: boolean;
}

export type HelpProblem = { field: keyof NewHelpRequest; reason: string };

/** The fields in the order the form shows them, so the list of problems reads top to bottom like the form. */
const FORM_ORDER: (keyof NewHelpRequest)[] = ['province', 'commune', 'village', 'service', 'problem', 'name', 'phone', 'preferredTime', 'consent'];
const inFormOrder = (problems: HelpProblem[]) => problems.sort((a, b) => FORM_ORDER.indexOf(a.field) - FORM_ORDER.indexOf(b.field));

/** The hash kept for a status link's token (the token itself is only in the resident's link). */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const text = (v: string | undefined, max: number) => {
  const t = cleanFreeText(v ?? '');
  return graphemeLength(t) > max ? null : t;
};

/**
 * Records a request → {id, token (the status link's, 128 random bits, base64url), team (name or
 * null)} or the problems, each with the field and why (no consent, not a Vietnamese phone, a
 * village not of the commune, a commune of another province, too many open requests from one phone).
 * The phone is kept encrypted with its keyed hash (as residents' are); the team's members get a web push.
 */
export async function createHelpRequest(db: Db, protector: DataProtector, input: NewHelpRequest): Promise<{ id: number; token: string; team: string | null } | { problems: HelpProblem[] }> {
  const problems: HelpProblem[] = [];
  if (!input.consent) problems.push({ field: 'consent', reason: 'Cần đánh dấu đồng ý để tổ được liên hệ với bạn; không có đồng ý thì không ghi yêu cầu.' });
  const name = text(input.name, 80)?.replace(/\s+/g, ' ') ?? null;
  if (!name || graphemeLength(name) < 2 || showsNothing(name)) problems.push({ field: 'name', reason: 'Hãy ghi họ tên (2 đến 80 ký tự).' });
  const phone = normalizePhone(String(input.phone ?? '').slice(0, 40));
  if (!phone.ok) problems.push({ field: 'phone', reason: `Số điện thoại: ${phone.reason}. Tổ chỉ gọi được số Việt Nam, ví dụ 0912 345 678.` });
  const problem = text(input.problem, 1000);
  if (problem === null) problems.push({ field: 'problem', reason: 'Phần mô tả dài quá 1.000 ký tự; hãy rút gọn.' });
  else if (graphemeLength(problem) < 5 || showsNothing(problem)) problems.push({ field: 'problem', reason: 'Hãy nói ngắn gọn bạn cần giúp gì (ít nhất 5 ký tự).' });
  const preferred = text(input.preferredTime, 120);
  if (preferred === null) problems.push({ field: 'preferredTime', reason: 'Thời gian thuận tiện dài quá 120 ký tự.' });
  const [place] = await queryRows<{ communeId: number; communeName: string; provinceCode: string; villageId: number | null; villageName: string | null }>(db, sql`
    select c.id as "communeId", c.name as "communeName", c.province_code as "provinceCode", v.id as "villageId", v.name as "villageName"
    from admin_units c left join admin_units v on v.code = ${input.village ?? ''} and v.level = 'village' and v.valid_to is null and v.parent_id = c.id
    where c.code = ${input.commune} and c.level = 'commune' and c.valid_to is null`);
  if (!place) problems.push({ field: 'commune', reason: 'Hãy chọn xã/phường nơi bạn ở.' });
  else if (place.provinceCode !== input.province) problems.push({ field: 'commune', reason: `${place.communeName} không thuộc tỉnh của trang này; hãy vào trang của tỉnh nơi bạn ở.` });
  else if (input.village && !place.villageId) problems.push({ field: 'village', reason: `Không có thôn/tổ dân phố này trong ${place.communeName}; hãy chọn lại.` });
  const [service] = await queryRows<{ code: string; name: string }>(db, sql`select code, name from support_services where code = ${input.service} and active and (province_code is null or province_code = ${input.province})`);
  if (!service) problems.push({ field: 'service', reason: 'Hãy chọn việc cần hỗ trợ trong danh sách.' });
  if (problems.length || !place || !service || !phone.ok) return { problems: inFormOrder(problems) };

  const phoneHash = protector.hash(phone.e164);
  const now = clockNow();
  const token = randomBytes(16).toString('base64url');
  return db.transaction(async (tx) => {
    // counted under a lock on the phone, so requests sent at once cannot all pass the count
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${phoneHash}, 0))`);
    const [open] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from help_requests where phone_hash = ${phoneHash} and status in ('open', 'accepted')`);
    if (open.n >= OPEN_PER_PHONE) return { problems: [{ field: 'phone' as const, reason: `Số điện thoại này đã có ${open.n} yêu cầu đang chờ; tổ sẽ liên hệ, hoặc bạn theo dõi bằng đường dẫn đã nhận.` }] };
    const [team] = await queryRows<{ id: number; name: string }>(tx, sql`
      select t.id, t.name from teams t where t.status = 'active' and t.commune_id = ${place.communeId}
        and ((t.level = 'village' and t.unit_id = ${place.villageId ?? -1}) or t.level = 'commune')
      order by (t.level = 'village') desc, t.id limit 1`);
    const [hours] = await queryRows<{ h: number }>(tx, sql`select accept_hours as h from help_response_targets where service_code in (${service.code}, '*') order by service_code = '*' limit 1`);
    const due = new Date(now.getTime() + (hours?.h ?? 48) * 3_600_000);
    const [row] = await queryRows<{ id: number }>(tx, sql`
      insert into help_requests (token_hash, province_code, commune_id, village_id, team_id, service_code, problem, resident_name, phone_enc, phone_hash, preferred_time, consent_text, consent_at, created_at, due_at, escalated_at)
      values (${tokenHash(token)}, ${place.provinceCode}, ${place.communeId}, ${place.villageId}, ${team?.id ?? null}, ${service.code}, ${problem}, ${name}, ${protector.encrypt(phone.e164)}, ${phoneHash},
        ${preferred || null}, ${CONSENT_TEXT}, ${now.toISOString()}, ${now.toISOString()}, ${due.toISOString()}, ${team ? null : now.toISOString()}) returning id`);
    await recordAudit(tx, { userId: null, ip: null, action: 'help.create', entity: 'help_request', entityId: row.id, provinceCode: place.provinceCode, communeId: place.communeId, after: { service: service.code, teamId: team?.id ?? null, village: place.villageName } });
    const placeName = place.villageName ? `${place.villageName}, ${place.communeName}` : place.communeName;
    if (team) await pushToTeam(tx, team.id, service.name, placeName);
    else await pushToCommuneOfficers(tx, place.communeId, 'help.overdue', service.name, placeName);
    return { id: row.id, token, team: team?.name ?? null };
  });
}

async function pushToTeam(tx: Db, teamId: number, title: string, place: string) {
  const subs = await queryRows<{ subscriptionId: number; userId: number }>(tx, sql`
    select ps.id as "subscriptionId", us.id as "userId" from push_subscriptions ps join users us on us.id = ps.user_id where not us.disabled and us.scope_team_id = ${teamId}`);
  await enqueue(tx, subs.map((s) => ({ channel: 'push' as Channel, template: 'help.new', params: { subscriptionId: String(s.subscriptionId), title, place, link: '/field/#ho-tro', url: '/field/#ho-tro' }, userId: s.userId, teamId })));
}

async function pushToCommuneOfficers(tx: Db, communeId: number, template: 'help.overdue', title: string, place: string) {
  const subs = await queryRows<{ subscriptionId: number; userId: number }>(tx, sql`
    select ps.id as "subscriptionId", us.id as "userId" from push_subscriptions ps join users us on us.id = ps.user_id where not us.disabled and us.role = 'commune_officer' and us.scope_unit_id = ${communeId}`);
  await enqueue(tx, subs.map((s) => ({ channel: 'push' as Channel, template, params: { subscriptionId: String(s.subscriptionId), title, place, link: '/office/#/ho-tro', url: '/office/#/ho-tro' }, userId: s.userId })));
}

/**
 * Marks the open requests past their due time as escalated and tells the commune's officers (web
 * push) → how many. Run every minute by the server (main.ts), and by tests with their clock.
 */
export async function escalateOverdue(db: Db, now: Date = clockNow()): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await queryRows<{ id: number; communeId: number; provinceCode: string; service: string; place: string }>(tx, sql`
      update help_requests r set escalated_at = ${now.toISOString()} from admin_units c
      where r.status = 'open' and r.escalated_at is null and r.due_at <= ${now.toISOString()} and c.id = r.commune_id
      returning r.id, r.commune_id as "communeId", r.province_code as "provinceCode", (select s.name from support_services s where s.code = r.service_code limit 1) as service, c.name as place`);
    const seen = new Set<number>();
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      await recordAudit(tx, { userId: null, ip: null, action: 'help.escalate', entity: 'help_request', entityId: r.id, provinceCode: r.provinceCode, communeId: r.communeId });
      await pushToCommuneOfficers(tx, r.communeId, 'help.overdue', r.service, r.place);
    }
    return seen.size;
  });
}

export interface HelpActor { userId: number; ip: string | null; scope: Scope }

interface RequestRow { id: number; teamId: number | null; communeId: number; provinceCode: string; status: string; createdAt: string; acceptedAt: string | null; acceptedByMemberId: number | null; acceptedByUserId: number | null }

async function requestInScope(db: Db, id: number, scope: Scope, lock = false): Promise<RequestRow> {
  const [r] = await queryRows<RequestRow & { unitId: number | null }>(db, sql`
    select r.id, r.team_id as "teamId", r.commune_id as "communeId", r.province_code as "provinceCode", r.status, r.created_at as "createdAt", r.accepted_at as "acceptedAt", r.accepted_by_member_id as "acceptedByMemberId", r.accepted_by_user_id as "acceptedByUserId", t.unit_id as "unitId"
    from help_requests r left join teams t on t.id = r.team_id where r.id = ${id} ${lock ? sql`for update of r` : sql``}`);
  const visible = r && (r.teamId !== null && r.unitId !== null ? teamInScope(scope, { id: r.teamId, unitId: r.unitId, communeId: r.communeId, provinceCode: r.provinceCode }) : scope.kind === 'all' || (scope.kind === 'province' && scope.provinceCode === r.provinceCode) || (scope.kind === 'commune' && scope.communeId === r.communeId));
  if (!r || !visible) throw new AppError('NOT_FOUND', 'Không có yêu cầu hỗ trợ này trong phạm vi của bạn.');
  return r;
}

/**
 * A member takes a request of their team → {status: 'accepted', acceptedAt}. `at`: when the
 * member tapped "Nhận" on the phone (offline perhaps), by the phone's clock; `deviceNow` the phone's
 * clock when it sent this, so the offset is measured as for sessions (sessions.clock.ts); the time
 * kept is corrected and never before the request nor after now. Taken by another already: 409 ALREADY_ACCEPTED (by a team-mate: named).
 * Accepting one's own again answers the same. Closed or cancelled: 409 HELP_CLOSED.
 */
export async function acceptHelpRequest(db: Db, id: number, actor: HelpActor, at?: string, deviceNow?: string): Promise<{ status: 'accepted'; acceptedAt: string }> {
  return db.transaction(async (tx) => {
    const r = await requestInScope(tx, id, actor.scope, true);
    const [me] = await queryRows<{ memberId: number | null }>(tx, sql`select member_id as "memberId" from users where id = ${actor.userId}`);
    if (r.status === 'accepted') {
      if (r.acceptedByUserId === actor.userId || (r.acceptedByMemberId !== null && r.acceptedByMemberId === me?.memberId)) return { status: 'accepted' as const, acceptedAt: new Date(r.acceptedAt!).toISOString() };
      const [who] = await queryRows<{ name: string }>(tx, sql`select full_name as name from members where id = ${r.acceptedByMemberId ?? -1}`);
      throw new AppError('ALREADY_ACCEPTED', who ? `${who.name} đã nhận yêu cầu này.` : 'Yêu cầu này đã có người nhận.');
    }
    const now = clockNow();
    let when = at ? correctedTime(new Date(at), clockOf(deviceNow, now).offsetMs) : now;
    if (Number.isNaN(when.getTime()) || when > now) when = now;
    if (when < new Date(r.createdAt)) when = new Date(r.createdAt);
    // a phone back online may send its session (which closes the request) before the tap on "Nhận
    // việc" made offline: the tap is still what happened, so the earlier acceptance time is kept
    if (r.status === 'closed' && r.acceptedByUserId === actor.userId && at) {
      const [kept] = await queryRows<{ acceptedAt: string }>(tx, sql`update help_requests set accepted_at = least(accepted_at, ${when.toISOString()}::timestamptz) where id = ${id} returning accepted_at as "acceptedAt"`);
      return { status: 'accepted' as const, acceptedAt: new Date(kept.acceptedAt).toISOString() };
    }
    if (r.status !== 'open') throw new AppError('HELP_CLOSED', 'Yêu cầu này đã xong hoặc đã huỷ.');
    await tx.execute(sql`update help_requests set status = 'accepted', accepted_at = ${when.toISOString()}, accepted_by_member_id = ${me?.memberId ?? null}, accepted_by_user_id = ${actor.userId} where id = ${id}`);
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: 'help.accept', entity: 'help_request', entityId: id, provinceCode: r.provinceCode, communeId: r.communeId, after: { acceptedAt: when.toISOString() } });
    return { status: 'accepted' as const, acceptedAt: when.toISOString() };
  });
}

/** An officer hands a request to another team of its commune (e.g. escalated, or the wrong village) → {teamId}. Audited. */
export async function assignHelpRequest(db: Db, id: number, teamId: number, actor: HelpActor) {
  return db.transaction(async (tx) => {
    const r = await requestInScope(tx, id, actor.scope, true);
    const [t] = await queryRows<{ id: number; communeId: number; provinceCode: string; unitId: number; name: string }>(tx, sql`select id, commune_id as "communeId", province_code as "provinceCode", unit_id as "unitId", name from teams where id = ${teamId} and status = 'active'`);
    if (!t || t.communeId !== r.communeId) throw new AppError('VALIDATION_FAILED', 'Chỉ giao được cho một tổ đang hoạt động của cùng xã.', { path: 'teamId' });
    requireScope(teamInScope(actor.scope, t), `tổ "${t.name}"`, teamTarget(t));
    if (r.status === 'closed' || r.status === 'cancelled') throw new AppError('HELP_CLOSED', 'Yêu cầu này đã xong hoặc đã huỷ.');
    // the new team gets the service's whole time to accept, and escalation starts again
    const [hours] = await queryRows<{ h: number }>(tx, sql`select accept_hours as h from help_response_targets where service_code in ((select service_code from help_requests where id = ${id}), '*') order by service_code = '*' limit 1`);
    const due = new Date(clockNow().getTime() + (hours?.h ?? 48) * 3_600_000).toISOString();
    await tx.execute(sql`update help_requests set team_id = ${t.id}, status = 'open', accepted_at = null, accepted_by_member_id = null, accepted_by_user_id = null, due_at = ${due}, escalated_at = null where id = ${id}`);
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: 'help.assign', entity: 'help_request', entityId: id, provinceCode: r.provinceCode, communeId: r.communeId, before: { teamId: r.teamId }, after: { teamId: t.id } });
    return { id, teamId: t.id };
  });
}

/** An officer cancels a request (a duplicate, a prank) with the reason → {status: 'cancelled'}. Audited. */
export async function cancelHelpRequest(db: Db, id: number, reason: string, actor: HelpActor) {
  return db.transaction(async (tx) => {
    const r = await requestInScope(tx, id, actor.scope, true);
    if (r.status === 'closed' || r.status === 'cancelled') throw new AppError('HELP_CLOSED', 'Yêu cầu này đã xong hoặc đã huỷ.');
    await tx.execute(sql`update help_requests set status = 'cancelled', cancel_reason = ${reason}, closed_at = ${clockNow().toISOString()} where id = ${id}`);
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: 'help.cancel', entity: 'help_request', entityId: id, provinceCode: r.provinceCode, communeId: r.communeId, after: { reason } });
    return { id, status: 'cancelled' as const };
  });
}

/**
 * Closes requests by the support sessions recorded for them, in the sync's transaction (`tx`):
 * accepted at the session's time when nobody took it first (and never after it closed). Only a request of the session's team
 * (or of its commune, when routed to nobody) that is still open or accepted: the sync checked that, but a session kept
 * for review is decided later, when an officer may have handed the request to another team (then it stays open).
 */
export async function closeBySessions(tx: Db, closes: { requestId: number; sessionId: string; teamId: number; occurredAt: string; userId: number | null }[]) {
  for (const c of closes) {
    const [r] = await queryRows<{ provinceCode: string; communeId: number }>(tx, sql`
      update help_requests set status = 'closed', closed_at = greatest(${c.occurredAt}::timestamptz, created_at), session_id = ${c.sessionId},
        accepted_at = least(coalesce(accepted_at, greatest(${c.occurredAt}::timestamptz, created_at)), greatest(${c.occurredAt}::timestamptz, created_at)), accepted_by_user_id = coalesce(accepted_by_user_id, ${c.userId}),
        accepted_by_member_id = coalesce(accepted_by_member_id, (select member_id from users where id = ${c.userId ?? -1}))
      where id = ${c.requestId} and status in ('open', 'accepted')
        and (team_id = ${c.teamId} or (team_id is null and commune_id = (select commune_id from teams where id = ${c.teamId}))) returning province_code as "provinceCode", commune_id as "communeId"`);
    if (r) await recordAudit(tx, { userId: c.userId, ip: null, action: 'help.close', entity: 'help_request', entityId: c.requestId, provinceCode: r.provinceCode, communeId: r.communeId, after: { sessionId: c.sessionId } });
  }
}

/** The requests a sync may close: id → its team and commune and whether it is still open. */
export async function closableRequests(db: Db, ids: number[]): Promise<Map<number, { teamId: number | null; communeId: number; open: boolean }>> {
  if (!ids.length) return new Map();
  const rows = await queryRows<{ id: number; teamId: number | null; communeId: number; status: string }>(db, sql`select id, team_id as "teamId", commune_id as "communeId", status from help_requests where id = any(${sql.param(ids)}::int[])`);
  return new Map(rows.map((r) => [r.id, { teamId: r.teamId, communeId: r.communeId, open: r.status === 'open' || r.status === 'accepted' }]));
}
