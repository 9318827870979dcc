import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { now as clockNow } from '../text/clock.js';
import { renderTemplate } from './notify.templates.js';
import { type Channel, type DeliveryReport, type MessageState, type Notifier, NotifyError, type OutgoingMessage } from './notify.types.js';

/**
 * The outbox of outside messages (issue 15, item 3). A message is a row of `notify_messages`
 * whose state the dispatcher moves: queued → sending (claimed, the attempt counted, before the
 * provider is called) → sent, or back to queued with a later `next_attempt_at` after a transient
 * error (backoff 30 s × 4ⁿ: 30 s, 2 min, 8 min, 32 min), or failed after the fifth attempt or a
 * permanent refusal, when the next fallback channel gets a message of its own. A process killed
 * during a send leaves the row `sending`; it is claimed again when its lease (10 min) runs out and
 * the provider's own de-duplication (eSMS RequestId, ZNS tracking_id: our message id) keeps the
 * phone from getting it twice. Nothing is sent 22:00–06:00 Vietnam time: due messages wait for 06:00.
 * The message rows are the state the product reports, so they are the queue too (claimed with
 * FOR UPDATE SKIP LOCKED): a second queue library would keep the same state twice.
 */
export const MAX_ATTEMPTS = 5;
const LEASE_MS = 10 * 60_000;
const backoffMs = (attempt: number) => 30_000 * 4 ** (attempt - 1);

/** What to queue: a template with its parameters to a member's phone or an account's browsers. */
export interface NewMessage {
  channel: Channel;
  template: string;
  params: Record<string, string>;
  memberId?: number | null;
  userId?: number | null;
  directiveId?: number | null;
  teamId?: number | null;
  /** channels to try after this one fails, in order */
  fallback?: Channel[];
}

/** Queues messages in the caller's transaction (they leave only if it commits). → their ids. */
export async function enqueue(tx: Db, messages: NewMessage[]): Promise<string[]> {
  if (!messages.length) return [];
  const rows = messages.map((m) => ({ id: randomUUID(), channel: m.channel, template: m.template, params: m.params, member_id: m.memberId ?? null, user_id: m.userId ?? null, directive_id: m.directiveId ?? null, team_id: m.teamId ?? null, fallback: m.fallback ?? [] }));
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await tx.execute(sql`insert into notify_messages (id, channel, template, params, member_id, user_id, directive_id, team_id, fallback, next_attempt_at)
      select x.id, x.channel, x.template, x.params, x.member_id, x.user_id, x.directive_id, x.team_id, array(select jsonb_array_elements_text(x.fallback)), ${clockNow().toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(id uuid, channel text, template text, params jsonb, member_id int, user_id int, directive_id int, team_id int, fallback jsonb)`);
    await tx.execute(sql`insert into notify_events (message_id, state) select (e->>'id')::uuid, 'queued' from jsonb_array_elements(${JSON.stringify(chunk.map((r) => ({ id: r.id })))}::jsonb) e`);
  }
  return rows.map((r) => r.id);
}

/** The hour in Vietnam (UTC+7, no daylight saving) of an instant, and the next 06:00 there. */
function quietUntil(at: Date): Date | null {
  const vn = new Date(at.getTime() + 7 * 3600_000);
  const h = vn.getUTCHours();
  if (h >= 6 && h < 22) return null;
  const six = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate() + (h >= 22 ? 1 : 0), 6) - 7 * 3600_000;
  return new Date(six);
}

interface Claimed { id: string; channel: Channel; template: string; params: Record<string, string>; attempts: number; memberId: number | null; userId: number | null; directiveId: number | null; teamId: number | null; fallback: Channel[]; phone: string | null; endpoint: string | null; p256dh: string | null; auth: string | null }

/**
 * Sends what is due, at most `limit` messages, each through its channel's adapter within
 * `timeoutMs`. A channel without an adapter (not configured) fails its messages at once, so the
 * fallback runs. → counts of what happened.
 */
export async function dispatchDue(db: Db, notifiers: Partial<Record<Channel, Notifier>>, opts: { limit?: number; timeoutMs?: number } = {}): Promise<{ sent: number; retried: number; failed: number; deferred: number }> {
  const at = clockNow();
  const quiet = quietUntil(at);
  if (quiet) {
    const moved = await queryRows<{ id: string }>(db, sql`update notify_messages set next_attempt_at = ${quiet.toISOString()}, updated_at = ${at.toISOString()}
      where state = 'queued' and next_attempt_at <= ${at.toISOString()} returning id`);
    return { sent: 0, retried: 0, failed: 0, deferred: moved.length };
  }
  const claimed = await queryRows<Claimed>(db, sql`
    with due as (
      select id from notify_messages where state in ('queued', 'sending') and next_attempt_at <= ${at.toISOString()}
      order by next_attempt_at limit ${opts.limit ?? 50} for update skip locked
    )
    update notify_messages m set state = 'sending', attempts = m.attempts + 1, updated_at = ${at.toISOString()}, next_attempt_at = ${new Date(at.getTime() + LEASE_MS).toISOString()}
    from due where m.id = due.id
    returning m.id, m.channel, m.template, m.params, m.attempts, m.member_id as "memberId", m.user_id as "userId", m.directive_id as "directiveId", m.team_id as "teamId", m.fallback,
      (select phone from members where id = m.member_id) as phone,
      (select endpoint from push_subscriptions where id = (m.params->>'subscriptionId')::int) as endpoint,
      (select p256dh from push_subscriptions where id = (m.params->>'subscriptionId')::int) as p256dh,
      (select auth from push_subscriptions where id = (m.params->>'subscriptionId')::int) as auth`);
  const counts = { sent: 0, retried: 0, failed: 0, deferred: 0 };
  for (const m of claimed) {
    const notifier = notifiers[m.channel];
    const out: OutgoingMessage = {
      id: m.id,
      template: m.template,
      params: m.params,
      text: renderTemplate(m.template, m.params),
      to: { phone: m.phone ?? undefined, push: m.endpoint ? { endpoint: m.endpoint, p256dh: m.p256dh!, auth: m.auth! } : undefined },
    };
    try {
      if (!notifier) throw new NotifyError(`kênh ${m.channel} chưa được cấu hình`, false);
      const result = await notifier.send(out, AbortSignal.timeout(opts.timeoutMs ?? 15_000));
      await setState(db, m.id, result.state, null, { providerId: result.providerId });
      counts.sent++;
    } catch (err) {
      const e = err instanceof NotifyError ? err : new NotifyError((err as Error).message, true);
      if (e.transient && m.attempts < MAX_ATTEMPTS) {
        await db.execute(sql`update notify_messages set state = 'queued', last_error = ${e.message}, next_attempt_at = ${new Date(at.getTime() + backoffMs(m.attempts)).toISOString()}, updated_at = ${clockNow().toISOString()} where id = ${m.id}`);
        await db.execute(sql`insert into notify_events (message_id, state, detail) values (${m.id}, 'retry', ${e.message})`);
        counts.retried++;
      } else {
        await db.transaction(async (tx) => {
          await setState(tx, m.id, 'failed', e.message);
          // a browser that unsubscribed: its subscription goes, so nothing is sent to it again
          if (e.code === 'gone' && m.channel === 'push' && m.params.subscriptionId) await tx.execute(sql`delete from push_subscriptions where id = ${Number(m.params.subscriptionId)}`);
          const [next, ...rest] = m.fallback;
          if (next) await enqueue(tx, [{ channel: next, template: m.template, params: m.params, memberId: m.memberId, userId: m.userId, directiveId: m.directiveId, teamId: m.teamId, fallback: rest }]);
        });
        counts.failed++;
      }
    }
  }
  return counts;
}

const ORDER: Record<MessageState, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

async function setState(db: Db, id: string, state: MessageState, detail: string | null, extra: { providerId?: string } = {}): Promise<void> {
  await db.execute(sql`update notify_messages set state = ${state}, last_error = coalesce(${state === 'failed' ? detail : null}, last_error), provider_id = coalesce(${extra.providerId ?? null}, provider_id), updated_at = ${clockNow().toISOString()} where id = ${id}`);
  await db.execute(sql`insert into notify_events (message_id, state, detail) values (${id}, ${state}, ${detail})`);
}

/**
 * Applies a provider's delivery report to the message it names (by our id, else the channel's
 * provider id). A state never goes back (a late "delivered" after "read" changes nothing; a
 * "failed" after "delivered" neither). → whether a message of ours was found.
 */
export async function applyReport(db: Db, channel: Channel, report: DeliveryReport, messageId: string | null = null): Promise<boolean> {
  type Row = { id: string; state: MessageState; template: string; params: Record<string, string>; memberId: number | null; userId: number | null; directiveId: number | null; teamId: number | null; fallback: Channel[] };
  const cols = sql`id, state, template, params, member_id as "memberId", user_id as "userId", directive_id as "directiveId", team_id as "teamId", fallback`;
  const [m] = await queryRows<Row>(db, messageId && /^[0-9a-f-]{36}$/i.test(messageId)
    ? sql`select ${cols} from notify_messages where id = ${messageId} and channel = ${channel}`
    : sql`select ${cols} from notify_messages where channel = ${channel} and provider_id = ${report.providerId}`);
  if (!m) return false;
  const moves = report.state === 'failed' ? ORDER[m.state] < ORDER.delivered : ORDER[report.state] > ORDER[m.state] && m.state !== 'failed';
  if (moves) {
    await db.transaction(async (tx) => {
      await setState(tx, m.id, report.state, report.detail ?? null, report.providerId ? { providerId: report.providerId } : {});
      // a message the provider could not deliver goes on by the next channel
      const [next, ...rest] = m.fallback;
      if (report.state === 'failed' && next) await enqueue(tx, [{ channel: next, template: m.template, params: m.params, memberId: m.memberId, userId: m.userId, directiveId: m.directiveId, teamId: m.teamId, fallback: rest }]);
    });
  } else await db.execute(sql`insert into notify_events (message_id, state, detail) values (${m.id}, ${`ignored:${report.state}`}, ${report.detail ?? null})`);
  return true;
}
