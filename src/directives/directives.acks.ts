import { sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { teamInScopeSql } from '../access/scope.sql.js';
import { type Db, queryRows } from '../db/client.js';
import { now as clockNow } from '../text/clock.js';
import { type AckRecord, ackRecord } from './directives.contract.js';

/**
 * Confirmations up (issue 15, item 4): a team acknowledges a directive from the phone (read / will
 * do / done), with how it passed it on, the households reached and the asked figure. Records sync
 * like support sessions: each keyed by the phone's UUID (a resend is a duplicate, counted once),
 * one answer per record, each record stored in its own transaction. A state only moves forward (a
 * late "read" after "done" changes nothing); each first time is kept (read_at, will_do_at,
 * done_at), and the report's figures are the latest by the phone's time (an older record arriving
 * late changes none); every change is an event. Households above the village's known count are kept with a
 * warning (`householdsOver`), never cut.
 */
export interface AckResult {
  id: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
  field?: string;
  warning?: string;
}

export interface AckActor {
  userId: number;
  scope: Scope;
}

/** POST /api/directives/acks/sync {records}: stores each record → one result per record, in order. Never throws for a bad record. */
export async function syncAcks(db: Db, records: unknown[], actor: AckActor): Promise<AckResult[]> {
  const out: AckResult[] = [];
  for (const raw of records) {
    const parsed = ackRecord.safeParse(raw);
    const rawId = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id.toLowerCase() : null;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      out.push({ id: rawId, status: 'rejected', field: issue.path.join('.'), reason: issue.message });
      continue;
    }
    out.push(await storeAck(db, parsed.data, actor));
  }
  return out;
}

async function storeAck(db: Db, r: AckRecord, actor: AckActor): Promise<AckResult> {
  const id = r.id.toLowerCase();
  const reject = (reason: string, field?: string): AckResult => ({ id, status: 'rejected', reason, ...(field ? { field } : {}) });
  const teamId = r.teamId ?? (actor.scope.kind === 'team' ? actor.scope.teamId : null);
  if (teamId === null) return reject('Hãy chọn tổ báo cáo (mã tổ).', 'teamId');
  const now = clockNow();
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ sentAt: string; households: number | null; unitHouseholds: number | null; passOn: boolean; figure: { name: string } | null }>(tx, sql`
      select dt.sent_at as "sentAt",
        (select p.households from unit_population p where p.unit_id = dt.unit_id and p.households is not null order by p.year desc limit 1) as "unitHouseholds",
        (d.asks->>'passOn')::boolean as "passOn", d.asks->'figure' as figure, dt.households
      from directive_teams dt join teams t on t.id = dt.team_id join directives d on d.id = dt.directive_id
      where dt.directive_id = ${r.directiveId} and dt.team_id = ${teamId} and ${teamInScopeSql(actor.scope, 't')} for update of dt`);
    // not one of the caller's teams, or the directive did not reach it: the same answer (nothing about other teams leaks)
    if (!row) return reject(`Tổ này không nhận chỉ đạo mã ${r.directiveId}.`, 'directiveId');
    const sentAt = new Date(row.sentAt);
    // the phone's time, but never before the directive reached the team nor after now
    const at = new Date(Math.min(Math.max(new Date(r.at).getTime(), sentAt.getTime()), now.getTime()));
    // checked before anything is kept: a refused record leaves no trace, so its corrected resend is taken
    if (r.figure !== undefined && !row.figure) return reject('Chỉ đạo này không yêu cầu báo cáo số liệu.', 'figure');
    const [kept] = await queryRows<{ id: string }>(tx, sql`insert into directive_acks (id, directive_id, team_id, status, user_id, body, at, received_at)
      values (${id}, ${r.directiveId}, ${teamId}, ${r.status}, ${actor.userId}, ${JSON.stringify(r)}::jsonb, ${at.toISOString()}, ${now.toISOString()}) on conflict (id) do nothing returning id`);
    if (!kept) {
      // a resend is the same record of the same team and directive; an id another record holds is refused, never taken for it
      const [same] = await queryRows<{ ok: boolean }>(tx, sql`select (directive_id = ${r.directiveId} and team_id = ${teamId}) as ok from directive_acks where id = ${id}`);
      return same?.ok ? { id, status: 'duplicate', reason: 'Đã nhận báo cáo này trước đó.' } : reject('Mã bản ghi này đã được dùng cho một báo cáo khác; hãy gửi lại báo cáo.', 'id');
    }
    const over = r.households !== undefined && row.unitHouseholds !== null && r.households > row.unitHouseholds;
    const done = r.status === 'done';
    const willDo = r.status === 'will_do' || done;
    // the report (channels, households, figure) is the latest by the phone's time: an older record arriving late changes no figure
    const reports = r.households !== undefined || r.figure !== undefined || r.channels !== undefined;
    const [{ newer }] = await queryRows<{ newer: boolean }>(tx, sql`select (reported_at is null or reported_at <= ${at.toISOString()}::timestamptz) as newer from directive_teams where directive_id = ${r.directiveId} and team_id = ${teamId}`);
    const apply = reports && newer;
    await tx.execute(sql`update directive_teams set
        received_at = coalesce(received_at, ${at.toISOString()}), read_at = coalesce(read_at, ${at.toISOString()}),
        will_do_at = case when ${willDo} then coalesce(will_do_at, ${at.toISOString()}) else will_do_at end,
        done_at = case when ${done} then coalesce(done_at, ${at.toISOString()}) else done_at end,
        channels = case when ${apply && r.channels !== undefined} then ${sql.param(r.channels ?? [])}::text[] else channels end,
        households = case when ${apply && r.households !== undefined} then ${r.households ?? null}::int else households end,
        households_over = case when ${apply && r.households !== undefined} then ${over} else households_over end,
        figure = case when ${apply && r.figure !== undefined} then ${r.figure ?? null}::numeric else figure end,
        reported_at = case when ${apply} then ${at.toISOString()}::timestamptz else reported_at end,
        reported_by = case when ${apply} then ${actor.userId} else reported_by end
      where directive_id = ${r.directiveId} and team_id = ${teamId}`);
    await tx.execute(sql`insert into directive_events (directive_id, team_id, commune_id, kind, user_id, detail, at)
      select ${r.directiveId}, ${teamId}, t.commune_id, ${r.status}, ${actor.userId}, ${JSON.stringify({ channels: r.channels, households: r.households, figure: r.figure })}::jsonb, ${at.toISOString()} from teams t where t.id = ${teamId}`);
    return { id, status: 'accepted', ...(over ? { warning: `Số hộ đã báo (${r.households}) lớn hơn số hộ của thôn/bản theo số liệu dân số (${row.unitHouseholds}); đã ghi nhận, hãy kiểm tra lại.` } : {}) };
  });
}
