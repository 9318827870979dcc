import { sql } from 'drizzle-orm';
import { requireScope, type Scope, teamInScope, teamTarget, unitInScope, unitTarget } from '../access/access.policy.js';
import { teamInScopeSql } from '../access/scope.sql.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { unitsByCode, unitsByCodes } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { type Channel } from '../notify/notify.types.js';
import { enqueue } from '../notify/notify.dispatch.js';
import { now as clockNow } from '../text/clock.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { unitTitle, unitTitleSql } from '../trainings/trainings.repo.js';
import { managesSession } from '../trainings/trainings.rules.js';
import type { DirectiveBody } from './directives.contract.js';
import type { DirectiveTarget } from './directives.schema.js';

/**
 * Directives down the tree (issue 15, items 1–2): a province or commune issues one to units or
 * teams of its subtree; it reaches every team of the target at once, or (a province's, `viaCommunes`)
 * the target communes, whose officers forward it to their teams with a note. Each write is one
 * transaction with its audit entry and its timestamped events; the teams' browsers that allowed
 * web push get a notification (queued in the same transaction, sent by the dispatcher).
 */
export interface DirectiveActor extends AuditActor {
  scope: Scope;
}

export interface IssuerUnit { id: number; code: string; level: 'province' | 'commune'; name: string; provinceCode: string }

/** The current province or commune of a code. Errors: UNIT_NOT_FOUND. */
export async function issuerUnit(db: Db, code: string): Promise<IssuerUnit> {
  const unit = (await unitsByCode(db, code)).find((u) => !u.validTo && (u.level === 'province' || u.level === 'commune'));
  if (!unit) throw new AppError('UNIT_NOT_FOUND', `Không có tỉnh hoặc xã hiện hành mã ${code}.`, { path: 'unit' });
  return { id: unit.id, code: unit.code!, level: unit.level as 'province' | 'commune', name: unitTitle(unit), provinceCode: unit.provinceCode ?? unit.code! };
}

/** Whether the scope may issue in the unit's name (its officers and those above): a training organiser's rule (trainings.rules.ts). */
export const mayIssue = (scope: Scope, unit: IssuerUnit): boolean => managesSession(scope, { provinceCode: unit.provinceCode, communeId: unit.level === 'commune' ? unit.id : null });

interface TargetIds { communeIds: number[]; villageIds: number[]; teamIds: number[] }

/**
 * The target's units and teams, each inside the issuer's unit and the caller's scope. Errors:
 * UNIT_NOT_FOUND (a code that is no current commune or village), OUT_OF_SCOPE (audited: a unit or
 * team outside), VALIDATION_FAILED (a team not active).
 */
async function resolveTarget(db: Db, target: DirectiveTarget, issuer: IssuerUnit, scope: Scope): Promise<TargetIds> {
  const ids: TargetIds = { communeIds: [], villageIds: [], teamIds: [] };
  const byCode = await unitsByCodes(db, [...new Set(target.units)]);
  for (const code of new Set(target.units)) {
    const level = code.includes('.') ? 'village' : 'commune';
    const unit = (byCode.get(code) ?? []).find((u) => !u.validTo && u.level === level);
    if (!unit) throw new AppError('UNIT_NOT_FOUND', `Không có ${level === 'village' ? 'thôn/bản' : 'xã'} hiện hành mã ${code}.`, { path: 'target.units' });
    const inside = issuer.level === 'province' ? unit.provinceCode === issuer.provinceCode : unit.id === issuer.id || unit.parentId === issuer.id;
    requireScope(inside && unitInScope(scope, unit), `"${unit.name}" (ngoài ${issuer.name})`, unitTarget(unit));
    (level === 'village' ? ids.villageIds : ids.communeIds).push(unit.id);
  }
  if (target.teamIds.length) {
    const teams = await queryRows<{ id: number; unitId: number; communeId: number; provinceCode: string; status: string }>(db, sql`
      select id, unit_id as "unitId", commune_id as "communeId", province_code as "provinceCode", status from teams where id = any(${sql.param(target.teamIds)}::int[])`);
    for (const teamId of new Set(target.teamIds)) {
      const t = teams.find((x) => x.id === teamId);
      if (!t) throw new AppError('TEAM_NOT_FOUND', `Không có tổ mã ${teamId}.`, { path: 'target.teamIds' });
      const inside = issuer.level === 'province' ? t.provinceCode === issuer.provinceCode : t.communeId === issuer.id;
      requireScope(inside && teamInScope(scope, t), `tổ mã ${teamId} (ngoài ${issuer.name})`, teamTarget(t));
      if (t.status !== 'active') throw new AppError('VALIDATION_FAILED', `Tổ mã ${teamId} không còn hoạt động.`, { path: 'target.teamIds' });
      ids.teamIds.push(teamId);
    }
  }
  return ids;
}

/** The active teams a target reaches (in `communeId` only, when given). */
const targetTeamsSql = (t: TargetIds, communeId: number | null = null) => sql`
  select t.id, t.commune_id, t.province_code, t.unit_id from teams t
  where t.status = 'active' and (t.commune_id = any(${sql.param(t.communeIds)}::int[]) or t.unit_id = any(${sql.param(t.villageIds)}::int[]) or t.id = any(${sql.param(t.teamIds)}::int[]))
    ${communeId === null ? sql`` : sql`and t.commune_id = ${communeId}`}`;

/**
 * Sends a directive to teams (rows of `directive_teams`, each with its public token), with a
 * "sent" event each and a web push to their members' browsers. → the number of teams reached now.
 */
async function sendToTeams(tx: Db, directiveId: number, teams: ReturnType<typeof sql>, note: string | null, userId: number | null, roles: DirectiveTarget['roles'], at: Date): Promise<number> {
  const sent = await queryRows<{ teamId: number; communeId: number }>(tx, sql`
    with x as (${teams}), ins as (
      insert into directive_teams (directive_id, team_id, commune_id, province_code, unit_id, note, sent_at, public_token)
      select ${directiveId}, x.id, x.commune_id, x.province_code, x.unit_id, ${note}, ${at.toISOString()}, replace(gen_random_uuid()::text, '-', '')
      from x on conflict do nothing returning team_id, commune_id
    ), ev as (
      insert into directive_events (directive_id, commune_id, team_id, kind, user_id, at) select ${directiveId}, commune_id, team_id, 'sent', ${userId}, ${at.toISOString()} from ins
    )
    select team_id as "teamId", commune_id as "communeId" from ins`);
  if (!sent.length) return 0;
  const [d] = await queryRows<{ title: string; issuer: string }>(tx, sql`select d.title, ${unitTitleSql('u')} as issuer from directives d join admin_units u on u.id = d.issuer_unit_id where d.id = ${directiveId}`);
  const subs = await queryRows<{ subscriptionId: number; userId: number; teamId: number }>(tx, sql`
    select ps.id as "subscriptionId", us.id as "userId", us.scope_team_id as "teamId" from push_subscriptions ps join users us on us.id = ps.user_id
    left join team_members tm on tm.member_id = us.member_id and tm.team_id = us.scope_team_id and tm.left_on is null
    where not us.disabled and us.scope_team_id = any(${sql.param(sent.map((s) => s.teamId))}::int[])
      and (${roles.length === 0} or tm.role = any(${sql.param(roles)}::text[]))`);
  await enqueue(tx, subs.map((s) => ({ channel: 'push' as Channel, template: 'directive.new', params: { subscriptionId: String(s.subscriptionId), issuer: d.issuer, title: d.title, deadline: '', link: '/field/#chi-dao', url: '/field/#chi-dao' }, userId: s.userId, directiveId, teamId: s.teamId })));
  return sent.length;
}

/**
 * POST /api/directives: issues a directive in the name of a province or commune the caller may
 * issue for, to units and teams of its subtree. → {id, teams (reached now), communes (to forward)}.
 * Errors: UNIT_NOT_FOUND, TEAM_NOT_FOUND, OUT_OF_SCOPE (audited), VALIDATION_FAILED (via communes
 * for a commune's directive; a target with no active team).
 */
export async function issueDirective(db: Db, body: DirectiveBody, actor: DirectiveActor): Promise<{ id: number; teams: number; communes: number }> {
  const issuer = await issuerUnit(db, body.unit);
  requireScope(mayIssue(actor.scope, issuer), `chỉ đạo của "${issuer.name}"`, unitTarget({ id: issuer.id, code: issuer.code, level: issuer.level, parentId: null, provinceCode: issuer.provinceCode }));
  if (body.viaCommunes && issuer.level !== 'province') throw new AppError('VALIDATION_FAILED', 'Chỉ chỉ đạo của tỉnh mới chuyển qua xã; chỉ đạo của xã gửi thẳng tới các tổ.', { path: 'viaCommunes' });
  const at = clockNow();
  if (body.issuedOn > todayInVietnam(at)) throw new AppError('VALIDATION_FAILED', `Ngày ban hành ${formatDateVi(body.issuedOn)} chưa tới; hãy ghi ngày trên văn bản giấy.`, { path: 'issuedOn' });
  const target = await resolveTarget(db, body.target, issuer, actor.scope);
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: number }>(tx, sql`insert into directives (province_code, issuer_unit_id, commune_id, number, issued_on, title, body, priority, deadline, asks, target, via_communes, created_by, created_at)
      values (${issuer.provinceCode}, ${issuer.id}, ${issuer.level === 'commune' ? issuer.id : null}, ${body.number ?? null}, ${body.issuedOn}, ${body.title}, ${body.body}, ${body.priority}, ${body.deadline ?? null},
        ${JSON.stringify(body.asks)}::jsonb, ${JSON.stringify(body.target)}::jsonb, ${body.viaCommunes}, ${actor.userId}, ${at.toISOString()}) returning id`);
    await tx.execute(sql`insert into directive_events (directive_id, kind, user_id, at) values (${row.id}, 'issued', ${actor.userId}, ${at.toISOString()})`);
    let teams = 0;
    let communes = 0;
    if (body.viaCommunes) {
      const rows = await queryRows<{ communeId: number }>(tx, sql`
        with x as (select distinct commune_id, province_code from (${targetTeamsSql(target)}) y
          union select id, province_code from admin_units where id = any(${sql.param(target.communeIds)}::int[])),
        ins as (insert into directive_communes (directive_id, commune_id, province_code, received_at) select ${row.id}, commune_id, province_code, ${at.toISOString()} from x on conflict do nothing returning commune_id)
        select commune_id as "communeId" from ins`);
      await tx.execute(sql`insert into directive_events (directive_id, commune_id, kind, user_id, at) select ${row.id}, c, 'sent', ${actor.userId}, ${at.toISOString()} from unnest(${sql.param(rows.map((r) => r.communeId))}::int[]) c`);
      communes = rows.length;
    } else {
      teams = await sendToTeams(tx, row.id, targetTeamsSql(target), null, actor.userId, body.target.roles, at);
    }
    if (teams + communes === 0) throw new AppError('VALIDATION_FAILED', 'Nơi nhận đã chọn chưa có tổ nào đang hoạt động; hãy chọn nơi khác.', { path: 'target' });
    await recordAudit(tx, { ...actor, action: 'directive.issued', entity: 'directive', entityId: row.id, provinceCode: issuer.provinceCode, communeId: issuer.level === 'commune' ? issuer.id : null, after: { number: body.number, title: body.title, target: body.target, viaCommunes: body.viaCommunes, teams, communes } });
    return { id: row.id, teams, communes };
  });
}

/** The target of a stored directive as ids (its units and teams as they were chosen). */
async function storedTarget(db: Db, target: DirectiveTarget): Promise<TargetIds> {
  const byCode = await unitsByCodes(db, target.units);
  const units = target.units.flatMap((c) => (byCode.get(c) ?? []).filter((u) => !u.validTo && u.level === (c.includes('.') ? 'village' : 'commune')));
  return { communeIds: units.filter((u) => u.level === 'commune').map((u) => u.id), villageIds: units.filter((u) => u.level === 'village').map((u) => u.id), teamIds: target.teamIds };
}

/**
 * POST /api/directives/:id/forward {commune?, note?, teamIds?}: a commune's officer forwards a
 * province directive received through the commune to its teams (default: the target's teams in the
 * commune), with a note. → {teams: newly reached}. Errors: NOT_FOUND (also a directive the commune
 * did not receive), OUT_OF_SCOPE, VALIDATION_FAILED (a team not of the commune or not active).
 */
export async function forwardDirective(db: Db, id: number, body: { commune?: string; note?: string; teamIds?: number[] }, actor: DirectiveActor): Promise<{ teams: number }> {
  const code = body.commune;
  let communeId: number;
  if (code) {
    const unit = (await unitsByCode(db, code)).find((u) => !u.validTo && u.level === 'commune');
    if (!unit) throw new AppError('UNIT_NOT_FOUND', `Không có xã hiện hành mã ${code}.`, { path: 'commune' });
    requireScope(unitInScope(actor.scope, unit), `chỉ đạo gửi "${unit.name}"`, unitTarget(unit));
    communeId = unit.id;
  } else if (actor.scope.kind === 'commune') communeId = actor.scope.communeId;
  else throw new AppError('VALIDATION_FAILED', 'Hãy chọn xã chuyển tiếp (mã xã).', { path: 'commune' });
  const [d] = await queryRows<{ target: DirectiveTarget; provinceCode: string; forwardedAt: string | null }>(db, sql`
    select d.target, d.province_code as "provinceCode", dc.forwarded_at as "forwardedAt" from directives d join directive_communes dc on dc.directive_id = d.id and dc.commune_id = ${communeId} where d.id = ${id}`);
  if (!d) throw new AppError('NOT_FOUND', `Xã này không nhận chỉ đạo mã ${id}.`);
  let teamsSql;
  if (body.teamIds?.length) {
    const teams = await queryRows<{ id: number; status: string }>(db, sql`select id, status from teams where id = any(${sql.param(body.teamIds)}::int[]) and commune_id = ${communeId}`);
    const bad = body.teamIds.filter((t) => !teams.some((x) => x.id === t && x.status === 'active'));
    if (bad.length) throw new AppError('VALIDATION_FAILED', `Tổ mã ${bad.slice(0, 5).join(', ')} không phải tổ đang hoạt động của xã.`, { path: 'teamIds' });
    teamsSql = targetTeamsSql({ communeIds: [], villageIds: [], teamIds: body.teamIds }, communeId);
  } else teamsSql = targetTeamsSql(await storedTarget(db, d.target), communeId);
  const at = clockNow();
  return db.transaction(async (tx) => {
    const teams = await sendToTeams(tx, id, teamsSql, body.note ?? null, actor.userId, d.target.roles, at);
    await tx.execute(sql`update directive_communes set forwarded_at = coalesce(forwarded_at, ${at.toISOString()}), forwarded_by = coalesce(forwarded_by, ${actor.userId}), read_at = coalesce(read_at, ${at.toISOString()}), note = coalesce(${body.note ?? null}, note)
      where directive_id = ${id} and commune_id = ${communeId}`);
    await tx.execute(sql`insert into directive_events (directive_id, commune_id, kind, user_id, detail, at) values (${id}, ${communeId}, 'forwarded', ${actor.userId}, ${JSON.stringify({ teams, note: body.note ?? null })}::jsonb, ${at.toISOString()})`);
    await recordAudit(tx, { ...actor, action: 'directive.forwarded', entity: 'directive', entityId: id, provinceCode: d.provinceCode, communeId, after: { teams, note: body.note ?? null } });
    return { teams };
  });
}

/**
 * POST /api/directives/:id/remind {channels, commune?}: "nhắc lại" to the teams of the caller's
 * part not yet done, by the channels chosen in order (the first that works per person: push, then
 * Zalo, then SMS as listed), to the members of the directive's roles (none: the team leaders for
 * Zalo and SMS, every member for push); a team reminded in the last 6 hours is skipped; only
 * configured channels are used (`opts.configured`), the others named in the answer. The link in a
 * message is the team's public page at `opts.origin`. → {teams, messages, skipped, unconfigured}.
 * Errors: NOT_FOUND, OUT_OF_SCOPE.
 */
export const REMIND_GAP_MS = 6 * 3_600_000;

export async function remindDirective(db: Db, id: number, body: { channels: Channel[]; commune?: string }, actor: DirectiveActor, opts: { origin: string; configured: Channel[] }): Promise<{ teams: number; messages: number; skipped: number; unconfigured: Channel[] }> {
  const [d] = await queryRows<{ title: string; issuer: string; deadline: string | null; target: DirectiveTarget; provinceCode: string; communeId: number | null }>(db, sql`
    select d.title, ${unitTitleSql('u')} as issuer, d.deadline::text as deadline, d.target, d.province_code as "provinceCode", d.commune_id as "communeId" from directives d join admin_units u on u.id = d.issuer_unit_id where d.id = ${id}`);
  if (!d) throw new AppError('NOT_FOUND', `Không có chỉ đạo mã ${id}.`);
  const communeFilter = body.commune ? sql`and t.commune_id = (select id from admin_units where code = ${body.commune} and level = 'commune' and valid_to is null)` : sql``;
  const at = clockNow();
  const candidates = await queryRows<{ teamId: number; token: string; recent: boolean }>(db, sql`select dt.team_id as "teamId", dt.public_token as token,
      exists (select 1 from directive_events e where e.directive_id = dt.directive_id and e.team_id = dt.team_id and e.kind = 'reminded' and e.at > ${new Date(at.getTime() - REMIND_GAP_MS).toISOString()}) as recent
    from directive_teams dt join teams t on t.id = dt.team_id
    where dt.directive_id = ${id} and dt.done_at is null and ${teamInScopeSql(actor.scope, 't')} ${communeFilter}`);
  const unconfigured = body.channels.filter((c) => !opts.configured.includes(c));
  const channels = body.channels.filter((c) => opts.configured.includes(c));
  const teams = candidates.filter((t) => !t.recent);
  const skipped = candidates.length - teams.length;
  if (!teams.length) {
    const [any] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from directive_teams dt join teams t on t.id = dt.team_id where dt.directive_id = ${id} and ${teamInScopeSql(actor.scope, 't')}`);
    if (!any.n) throw new AppError('NOT_FOUND', `Không có chỉ đạo mã ${id} trong phạm vi của bạn.`);
    return { teams: 0, messages: 0, skipped, unconfigured };
  }
  const teamIds = teams.map((t) => t.teamId);
  const roles = d.target.roles;
  const people = await queryRows<{ memberId: number; teamId: number; role: string; userId: number | null; subscriptionId: number | null }>(db, sql`
    select tm.member_id as "memberId", tm.team_id as "teamId", tm.role, us.id as "userId", ps.id as "subscriptionId"
    from team_members tm left join users us on us.member_id = tm.member_id and us.scope_team_id = tm.team_id and not us.disabled left join push_subscriptions ps on ps.user_id = us.id
    where tm.left_on is null and tm.team_id = any(${sql.param(teamIds)}::int[])`);
  const params = { issuer: d.issuer, title: d.title, deadline: d.deadline ? formatDateVi(d.deadline) : '' };
  const messages: Parameters<typeof enqueue>[1] = [];
  const phoneChannels = channels.filter((c) => c !== 'push');
  const seen = new Set<string>();
  for (const p of people) {
    const wanted = roles.length ? roles.includes(p.role as never) : null;
    const link = `${opts.origin}/chi-dao/${teams.find((t) => t.teamId === p.teamId)!.token}`;
    const viaPush = channels.includes('push') && p.subscriptionId && (wanted ?? true);
    if (viaPush) messages.push({ channel: 'push', template: 'directive.remind', params: { ...params, link, url: '/field/#chi-dao', subscriptionId: String(p.subscriptionId) }, userId: p.userId, memberId: p.memberId, directiveId: id, teamId: p.teamId, fallback: [] });
    const key = `${p.teamId}:${p.memberId}`;
    if (phoneChannels.length && (wanted ?? p.role === 'leader') && !seen.has(key) && !viaPush) {
      seen.add(key);
      messages.push({ channel: phoneChannels[0], template: 'directive.remind', params: { ...params, link }, memberId: p.memberId, directiveId: id, teamId: p.teamId, fallback: phoneChannels.slice(1) });
    }
  }
  await db.transaction(async (tx) => {
    await enqueue(tx, messages);
    await tx.execute(sql`insert into directive_events (directive_id, team_id, kind, user_id, detail, at) select ${id}, t, 'reminded', ${actor.userId}, ${JSON.stringify({ channels: body.channels })}::jsonb, ${at.toISOString()} from unnest(${sql.param(teamIds)}::int[]) t`);
    await recordAudit(tx, { ...actor, action: 'directive.reminded', entity: 'directive', entityId: id, provinceCode: d.provinceCode, communeId: d.communeId, after: { teams: teamIds.length, messages: messages.length, channels, skipped } });
  });
  return { teams: teamIds.length, messages: messages.length, skipped, unconfigured };
}
