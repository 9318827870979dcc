import { type SQL, sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { teamInScopeSql } from '../access/scope.sql.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { todayInVietnam } from '../text/dates.js';
import { compareVietnamese } from '../text/vietnamese.js';
import { managedSql, unitTitleSql } from '../trainings/trainings.repo.js';
import type { DirectiveAsks, DirectiveTarget } from './directives.schema.js';

/**
 * Tracking (issue 15, item 5): per directive and per unit, within the caller's scope — teams
 * targeted, received (the field app fetched it), read, "will do", done, overdue (the deadline, a
 * Vietnam day, passed and not done); households reached against the households of the teams'
 * villages (population figures; a team on a commune: the commune's), residents' confirmations
 * (a phone counted once), the asked figure summed; the outside messages by state.
 */
export interface DirectiveFigures {
  teams: number;
  received: number;
  read: number;
  willDo: number;
  done: number;
  overdue: number;
  households: number;
  /** households of the places the teams serve, each place once (a commune-level team: the commune's), where the population figures give them */
  householdsKnown: number;
  /** teams that reported more households than their village has (a warning) */
  householdsOver: number;
  figure: number | null;
  confirmations: number;
}

export interface DirectiveHead {
  id: number;
  number: string | null;
  issuedOn: string;
  title: string;
  body: string;
  priority: string;
  deadline: string | null;
  asks: DirectiveAsks;
  target: DirectiveTarget;
  viaCommunes: boolean;
  issuer: { code: string; name: string; level: string };
  attachments: { id: number; name: string; mediaType: string; bytes: number; flags: string[] }[];
}

/** Whether the scope holds the directive's issuing unit (its officers manage it): the same rule as a training's organiser. */
export const issuerInScopeSql = (scope: Scope, d = 'd'): SQL => managedSql(scope, d);

/** The directive if the caller may see it (issued in their scope, or reaching a team or commune of it). Errors: NOT_FOUND. */
export async function directiveHead(db: Db, id: number, scope: Scope): Promise<DirectiveHead & { manages: boolean }> {
  const communeOf = scope.kind === 'commune' ? sql`or exists (select 1 from directive_communes dc where dc.directive_id = d.id and dc.commune_id = ${scope.communeId})` : sql``;
  const [d] = await queryRows<DirectiveHead & { manages: boolean; issuerCode: string; issuerName: string; issuerLevel: string }>(db, sql`
    select d.id, d.number, d.issued_on::text as "issuedOn", d.title, d.body, d.priority, d.deadline::text as deadline, d.asks, d.target, d.via_communes as "viaCommunes",
      u.code as "issuerCode", ${unitTitleSql('u')} as "issuerName", u.level as "issuerLevel", (${issuerInScopeSql(scope)}) as manages
    from directives d join admin_units u on u.id = d.issuer_unit_id
    where d.id = ${id} and ((${issuerInScopeSql(scope)}) or exists (select 1 from directive_teams dt join teams t on t.id = dt.team_id where dt.directive_id = d.id and ${teamInScopeSql(scope, 't')}) ${communeOf})`);
  if (!d) {
    // a directive outside the scope is answered as missing, and the attempt is audited in its issuer's unit too
    const [other] = await queryRows<{ provinceCode: string; communeId: number | null }>(db, sql`select province_code as "provinceCode", commune_id as "communeId" from directives where id = ${id}`);
    const err = new AppError('NOT_FOUND', `Không có chỉ đạo mã ${id} trong phạm vi của bạn.`);
    throw other ? err.refusing({ entity: 'directive', id, provinceCode: other.provinceCode, communeId: other.communeId }) : err;
  }
  const attachments = await queryRows<DirectiveHead['attachments'][number]>(db, sql`select id, name, media_type as "mediaType", bytes, flags from directive_attachments where directive_id = ${id} order by id`);
  const { issuerCode, issuerName, issuerLevel, ...rest } = d;
  return { ...rest, issuer: { code: issuerCode, name: issuerName, level: issuerLevel }, attachments };
}

type Row = DirectiveFigures & { child: number | null; g: number };

/** A team's line on a commune's board. Instants as the database gives them (ISO strings in JSON). */
export interface BoardTeam {
  id: number; name: string; village: string | null; receivedAt: string | null; readAt: string | null; willDoAt: string | null; doneAt: string | null;
  channels: string[]; households: number | null; villageHouseholds: number | null; householdsOver: boolean; figure: number | null; note: string | null;
  publicToken: string; overdue: boolean; confirmations: number;
}

/** A directive in a list, with its figures in the caller's scope. */
export interface DirectiveListRow {
  id: number; number: string | null; issuedOn: string; title: string; priority: string; deadline: string | null; issuer: string; manages: boolean;
  teams: number; read: number; done: number; overdue: number; awaitsForwarding: boolean;
}

/** A directive as a team's field app keeps it. */
export interface InboxDirective {
  id: number; number: string | null; issuedOn: string; title: string; body: string; priority: string; deadline: string | null; asks: DirectiveAsks; issuer: string; note: string | null;
  readAt: string | null; willDoAt: string | null; doneAt: string | null; channels: string[]; households: number | null; figure: number | null; publicToken: string;
  attachments: { id: number; name: string; mediaType: string; bytes: number }[];
}

/**
 * The figures of a directive's teams in the scope, grouped by commune with the total (rollup).
 * The households the teams could reach are those of the distinct places they serve, not summed per
 * team: two teams of one village count its households once, and a commune-level team stands for
 * the whole commune (its households, the villages' included), so they are not added again.
 */
async function figures(db: Db, id: number, scope: Scope, deadline: string | null): Promise<Row[]> {
  const today = todayInVietnam();
  const [rows, known] = await Promise.all([
    queryRows<Row>(db, sql`
      with c as (select team_id, count(distinct coalesce(phone_hash, id::text))::int as n from directive_confirmations where directive_id = ${id} group by team_id)
      select dt.commune_id as child, grouping(dt.commune_id) as g, count(*)::int as teams,
        count(*) filter (where dt.received_at is not null or dt.read_at is not null)::int as received,
        count(dt.read_at)::int as read, count(dt.will_do_at)::int as "willDo", count(dt.done_at)::int as done,
        count(*) filter (where dt.done_at is null and ${deadline}::date < ${today}::date)::int as overdue,
        coalesce(sum(dt.households), 0)::int as households,
        count(*) filter (where dt.households_over)::int as "householdsOver",
        sum(dt.figure)::float8 as figure, coalesce(sum(c.n), 0)::int as confirmations
      from directive_teams dt join teams t on t.id = dt.team_id left join c on c.team_id = dt.team_id
      where dt.directive_id = ${id} and ${teamInScopeSql(scope, 't')}
      group by rollup(dt.commune_id)`),
    queryRows<{ child: number | null; g: number; known: number }>(db, sql`
      with u as (
        select distinct dt.commune_id, dt.unit_id, (select p.households from unit_population p where p.unit_id = dt.unit_id and p.households is not null order by p.year desc limit 1) as h
        from directive_teams dt join teams t on t.id = dt.team_id where dt.directive_id = ${id} and ${teamInScopeSql(scope, 't')}
      ), per as (
        select commune_id, case when bool_or(unit_id = commune_id) then max(h) filter (where unit_id = commune_id) else sum(h) end as known from u group by commune_id
      )
      select commune_id as child, grouping(commune_id) as g, coalesce(sum(known), 0)::int as known from per group by rollup(commune_id)`),
  ]);
  const knownOf = (r: Row) => known.find((k) => Number(k.g) === Number(r.g) && k.child === r.child)?.known ?? 0;
  return rows.map((r) => ({ ...r, householdsKnown: knownOf(r) }));
}

const strip = ({ child: _c, g: _g, ...f }: Row): DirectiveFigures => f;
const EMPTY: DirectiveFigures = { teams: 0, received: 0, read: 0, willDo: 0, done: 0, overdue: 0, households: 0, householdsKnown: 0, householdsOver: 0, figure: null, confirmations: 0 };

/**
 * GET /api/directives/:id/board[?commune=CODE]: the live board of a directive in the caller's
 * scope → {directive, totals, communes (each with its forwarding), teams (of one commune: the
 * caller's, or the one asked for), messages by state}. Errors: NOT_FOUND (also outside the scope).
 */
export async function directiveBoard(db: Db, id: number, scope: Scope, communeCode?: string) {
  const directive = await directiveHead(db, id, scope);
  const rows = await figures(db, id, scope, directive.deadline);
  const totals = rows.find((r) => Number(r.g) === 1);
  const forwarding = await queryRows<{ communeId: number; forwardedAt: string | null; readAt: string | null; note: string | null }>(db, sql`
    select dc.commune_id as "communeId", dc.forwarded_at as "forwardedAt", dc.read_at as "readAt", dc.note from directive_communes dc join admin_units u on u.id = dc.commune_id
    where dc.directive_id = ${id} and ${scope.kind === 'all' ? sql`true` : scope.kind === 'province' ? sql`dc.province_code = ${scope.provinceCode}` : scope.kind === 'commune' ? sql`dc.commune_id = ${scope.communeId}` : sql`false`}`);
  const communeIds = [...new Set([...rows.filter((r) => Number(r.g) === 0).map((r) => r.child!), ...forwarding.map((f) => f.communeId)])];
  const names = await queryRows<{ id: number; code: string; name: string }>(db, sql`select id, code, name from admin_units where id = any(${sql.param(communeIds)}::int[])`);
  const communes = names
    .map((u) => {
      const f = forwarding.find((x) => x.communeId === u.id);
      const r = rows.find((x) => Number(x.g) === 0 && x.child === u.id);
      return { id: u.id, code: u.code, name: u.name, forwardedAt: f?.forwardedAt ?? null, note: f?.note ?? null, awaitsForwarding: !!f && !f.forwardedAt, ...(r ? strip(r) : EMPTY) };
    })
    .sort((a, b) => compareVietnamese(a.name, b.name));
  const focus = communeCode ? names.find((n) => n.code === communeCode)?.id ?? -1 : scope.kind === 'commune' ? scope.communeId : communes.length === 1 ? communes[0].id : null;
  let teams: BoardTeam[] = [];
  if (focus !== null) {
    teams = await queryRows<BoardTeam>(db, sql`
      select dt.team_id as id, t.name, v.name as village, dt.received_at as "receivedAt", dt.read_at as "readAt", dt.will_do_at as "willDoAt", dt.done_at as "doneAt",
        dt.channels, dt.households, (select p.households from unit_population p where p.unit_id = dt.unit_id and p.households is not null order by p.year desc limit 1) as "villageHouseholds",
        dt.households_over as "householdsOver", dt.figure::float8 as figure, dt.note, dt.public_token as "publicToken",
        (dt.done_at is null and ${directive.deadline}::date < ${todayInVietnam()}::date) as overdue,
        (select count(distinct coalesce(phone_hash, id::text))::int from directive_confirmations c where c.directive_id = dt.directive_id and c.team_id = dt.team_id) as confirmations
      from directive_teams dt join teams t on t.id = dt.team_id left join admin_units v on v.id = dt.unit_id and v.level = 'village'
      where dt.directive_id = ${id} and dt.commune_id = ${focus} and ${teamInScopeSql(scope, 't')} order by t.name_key`);
  }
  const messages = directive.manages
    ? await queryRows<{ state: string; n: number }>(db, sql`select state, count(*)::int as n from notify_messages where directive_id = ${id} group by state order by state`)
    : [];
  return { directive, totals: totals ? strip(totals) : EMPTY, communes, teams, messages: Object.fromEntries(messages.map((m) => [m.state, m.n])) };
}

/**
 * GET /api/directives?from&to (issued days): the directives the caller issued or received, newest
 * first, each with its figures in the caller's scope and whether the caller's commune still has
 * to forward it. → {directives}.
 */
export async function listDirectives(db: Db, scope: Scope, from: string, to: string): Promise<DirectiveListRow[]> {
  const today = todayInVietnam();
  const communeOf = scope.kind === 'commune' ? sql`or exists (select 1 from directive_communes dc where dc.directive_id = d.id and dc.commune_id = ${scope.communeId})` : sql``;
  return queryRows<DirectiveListRow>(db, sql`
    select d.id, d.number, d.issued_on::text as "issuedOn", d.title, d.priority, d.deadline::text as deadline, ${unitTitleSql('u')} as issuer, (${issuerInScopeSql(scope)}) as manages,
      x.teams, x.read, x.done, x.overdue,
      ${scope.kind === 'commune' ? sql`exists (select 1 from directive_communes dc where dc.directive_id = d.id and dc.commune_id = ${scope.communeId} and dc.forwarded_at is null)` : sql`false`} as "awaitsForwarding"
    from directives d join admin_units u on u.id = d.issuer_unit_id
    left join lateral (select count(*)::int as teams, count(dt.read_at)::int as read, count(dt.done_at)::int as done,
        count(*) filter (where dt.done_at is null and d.deadline < ${today}::date)::int as overdue
      from directive_teams dt join teams t on t.id = dt.team_id where dt.directive_id = d.id and ${teamInScopeSql(scope, 't')}) x on true
    where d.issued_on between ${from} and ${to}
      and ((${issuerInScopeSql(scope)}) or x.teams > 0 ${communeOf})
    order by d.issued_on desc, d.id desc limit 500`);
}

/**
 * GET /api/directives/inbox: a team account's directives (the last 180 days), whole, for the field
 * app to keep offline; the ones fetched for the first time become "received". → {directives}.
 */
export async function teamInbox(db: Db, scope: Scope, now: Date): Promise<{ directives: InboxDirective[] }> {
  if (scope.kind !== 'team') return { directives: [] };
  const rows = await queryRows<{ id: number }>(db, sql`
    update directive_teams set received_at = ${now.toISOString()} where team_id = ${scope.teamId} and received_at is null returning directive_id as id`);
  if (rows.length) await db.execute(sql`insert into directive_events (directive_id, team_id, commune_id, kind, at) select x, ${scope.teamId}, ${scope.communeId}, 'received', ${now.toISOString()} from unnest(${sql.param(rows.map((r) => r.id))}::int[]) x`);
  const directives = await queryRows<InboxDirective>(db, sql`
    select d.id, d.number, d.issued_on::text as "issuedOn", d.title, d.body, d.priority, d.deadline::text as deadline, d.asks, ${unitTitleSql('u')} as issuer, dt.note,
      dt.read_at as "readAt", dt.will_do_at as "willDoAt", dt.done_at as "doneAt", dt.channels, dt.households, dt.figure::float8 as figure, dt.public_token as "publicToken",
      coalesce((select json_agg(json_build_object('id', a.id, 'name', a.name, 'mediaType', a.media_type, 'bytes', a.bytes) order by a.id) from directive_attachments a where a.directive_id = d.id), '[]') as attachments
    from directive_teams dt join directives d on d.id = dt.directive_id join admin_units u on u.id = d.issuer_unit_id
    where dt.team_id = ${scope.teamId} and dt.sent_at > ${new Date(now.getTime() - 180 * 86_400_000).toISOString()}
    order by dt.done_at is not null, d.deadline nulls last, d.id desc limit 200`);
  return { directives };
}
