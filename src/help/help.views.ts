import { sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { type Db, queryRows } from '../db/client.js';
import { type DataProtector, maskPhone } from '../privacy/protector.js';
import { now as clockNow } from '../text/clock.js';
import { cleanFreeText, graphemeLength } from '../text/measure.js';
import { tokenHash } from './help.service.js';

/** What the lists show of a request. `phone` is in full for the team that handles it (to call), masked for officers. */
export interface HelpRequestView {
  id: number;
  status: 'open' | 'accepted' | 'closed' | 'cancelled';
  serviceCode: string;
  serviceName: string;
  problem: string;
  residentName: string;
  phone: string;
  preferredTime: string | null;
  communeName: string;
  villageCode: string | null;
  villageName: string | null;
  teamId: number | null;
  teamName: string | null;
  createdAt: string;
  dueAt: string;
  overdue: boolean;
  escalatedAt: string | null;
  acceptedAt: string | null;
  acceptedBy: string | null;
  closedAt: string | null;
  sessionId: string | null;
  solved: number | null;
  rating: number | null;
}

const columns = sql`r.id, r.status, r.service_code as "serviceCode", coalesce(s.name, r.service_code) as "serviceName", r.problem, r.resident_name as "residentName", r.phone_enc as "phoneEnc",
  r.preferred_time as "preferredTime", c.name as "communeName", v.code as "villageCode", v.name as "villageName", r.team_id as "teamId", t.name as "teamName", r.created_at as "createdAt", r.due_at as "dueAt",
  r.escalated_at as "escalatedAt", r.accepted_at as "acceptedAt", m.full_name as "acceptedBy", r.closed_at as "closedAt", r.session_id as "sessionId", r.solved, r.rating`;
const from = sql`from help_requests r join admin_units c on c.id = r.commune_id left join admin_units v on v.id = r.village_id left join teams t on t.id = r.team_id
  left join support_services s on s.code = r.service_code left join members m on m.id = r.accepted_by_member_id`;

function present(rows: (Omit<HelpRequestView, 'phone' | 'overdue'> & { phoneEnc: string })[], protector: DataProtector, full: boolean): HelpRequestView[] {
  const now = clockNow().getTime();
  return rows.map(({ phoneEnc, ...r }) => {
    const phone = phoneEnc ? protector.decrypt(phoneEnc) : '';
    const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
    return { ...r, createdAt: iso(r.createdAt)!, dueAt: iso(r.dueAt)!, escalatedAt: iso(r.escalatedAt), acceptedAt: iso(r.acceptedAt), closedAt: iso(r.closedAt), phone: phone ? (full ? phone : maskPhone(phone)) : '', overdue: r.status === 'open' && new Date(r.dueAt).getTime() <= now };
  });
}

/**
 * The field app's list for a team account: its team's requests still open or accepted, and those
 * closed in the last 7 days (not the cancelled ones), oldest due first. Phones in full (the member calls). Other scopes: none.
 */
export async function requestsForTeam(db: Db, protector: DataProtector, scope: Scope): Promise<HelpRequestView[]> {
  if (scope.kind !== 'team') return [];
  const since = new Date(clockNow().getTime() - 7 * 86_400_000).toISOString();
  const rows = await queryRows<Omit<HelpRequestView, 'phone' | 'overdue'> & { phoneEnc: string }>(db, sql`select ${columns} ${from}
    where r.team_id = ${scope.teamId} and (r.status in ('open', 'accepted') or (r.status = 'closed' and r.closed_at > ${since})) order by r.status = 'closed', r.due_at limit 200`);
  return present(rows, protector, true);
}

/**
 * The office list: requests of the caller's scope (a commune's, a province's; a team leader's
 * team's), filtered by `state` (open: not closed; overdue: open past due or escalated; all),
 * newest first, at most 500. Phones masked.
 */
export async function requestsForOffice(db: Db, protector: DataProtector, scope: Scope, state: 'open' | 'overdue' | 'all'): Promise<HelpRequestView[]> {
  const where =
    scope.kind === 'all' ? sql`true`
    : scope.kind === 'province' ? sql`r.province_code = ${scope.provinceCode}`
    : scope.kind === 'commune' ? sql`r.commune_id = ${scope.communeId}`
    : scope.kind === 'village' ? sql`t.unit_id = ${scope.unitId}`
    : sql`r.team_id = ${scope.teamId}`;
  const now = clockNow().toISOString();
  const filter = state === 'open' ? sql`r.status in ('open', 'accepted')` : state === 'overdue' ? sql`r.status = 'open' and (r.due_at <= ${now} or r.escalated_at is not null)` : sql`true`;
  const rows = await queryRows<Omit<HelpRequestView, 'phone' | 'overdue'> & { phoneEnc: string }>(db, sql`select ${columns} ${from} where ${where} and ${filter} order by r.created_at desc, r.id desc limit 500`);
  return present(rows, protector, false);
}

/** What a resident's status page shows: the state and its days, the service and place, never a name or phone. */
export interface HelpStatus { id: number; status: 'open' | 'accepted' | 'closed' | 'cancelled'; serviceName: string; place: string; teamName: string | null; createdAt: string; acceptedAt: string | null; closedAt: string | null; dueAt: string; rated: boolean; solved: number | null; rating: number | null }

/** A request by its status token, or null (a wrong token and an unknown one look the same). */
export async function statusByToken(db: Db, token: string): Promise<HelpStatus | null> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(token)) return null;
  const [r] = await queryRows<HelpStatus & { village: string | null; commune: string; ratedAt: string | null }>(db, sql`
    select r.id, r.status, coalesce(s.name, r.service_code) as "serviceName", c.name as commune, v.name as village, t.name as "teamName", r.created_at as "createdAt", r.accepted_at as "acceptedAt", r.closed_at as "closedAt", r.due_at as "dueAt", r.rated_at as "ratedAt", r.solved, r.rating
    from help_requests r join admin_units c on c.id = r.commune_id left join admin_units v on v.id = r.village_id left join teams t on t.id = r.team_id left join support_services s on s.code = r.service_code
    where r.token_hash = ${tokenHash(token)}`);
  if (!r) return null;
  const { village, commune, ratedAt, ...rest } = r;
  return { ...rest, place: village ? `${village}, ${commune}` : commune, rated: ratedAt !== null };
}

/**
 * The resident's answer once the request is closed: solved (yes/no), 1–5, a comment of at most 500
 * characters → true, or false when it cannot be rated (not closed yet, or rated already: once).
 */
export async function rateRequest(db: Db, token: string, answer: { solved: boolean; rating: number; feedback?: string }): Promise<'rated' | 'not_closed' | 'already' | 'missing' | 'too_long'> {
  const s = await statusByToken(db, token);
  if (!s) return 'missing';
  if (s.rated) return 'already';
  if (s.status !== 'closed') return 'not_closed';
  const feedback = cleanFreeText(answer.feedback ?? '');
  if (graphemeLength(feedback) > 500) return 'too_long';
  const [r] = await queryRows<{ id: number }>(db, sql`update help_requests set solved = ${answer.solved ? 1 : 0}, rating = ${answer.rating}, feedback = ${feedback || null}, rated_at = ${clockNow().toISOString()}
    where id = ${s.id} and rated_at is null and status = 'closed' returning id`);
  return r ? 'rated' : 'already';
}
