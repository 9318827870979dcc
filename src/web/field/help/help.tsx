/**
 * The field app's "Người dân nhờ hỗ trợ" screen (issue 16, item 3), loaded on demand
 * (/field/help.js, its own bundle and Preact root): the requests residents sent to the team,
 * readable offline (kept in IndexedDB), each with the resident's name, phone (a tap calls), village,
 * a time that suits and what is wrong. "Nhận việc" works offline (kept with the time of the tap and
 * sent when the network returns); "Đã hỗ trợ xong" records the support session for the request —
 * it goes into the app's own queue with the request's id, and the server closes the request when
 * that session arrives (one record, the same as every support session).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { HelpRequestView } from '../../../help/help.views.js';
import type { FieldContext } from '../../../sessions/sessions.field.js';
import type { SyncRecord } from '../../../sessions/sessions.sync.js';
import { OUTCOMES, type Outcome } from '../../../sessions/sessions.vocabulary.js';
import { ApiClient } from '../../shared/api.js';
import { vnDateTimeLabel, vnIso } from '../../shared/time.js';
import { newId, requestBackgroundSync } from '../device.js';
import { getValue, queueStore } from '../store.js';
import { type Acceptance, acceptances, cachedList, forget, queueAccept, refreshList, sendAcceptances } from './store.js';

const api = new ApiClient();
const STATE: Record<string, string> = { open: 'Chờ nhận', accepted: 'Đã nhận', closed: 'Đã xong', cancelled: 'Đã huỷ' };

function Close({ r, ctx, onDone }: { r: HelpRequestView; ctx: FieldContext; onDone: (text: string) => void }) {
  const team = ctx.teams.find((t) => t.id === r.teamId);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [memberId, setMemberId] = useState<number | null>(ctx.me.memberId ?? team?.members[0]?.id ?? null);
  const save = async () => {
    if (!outcome || !memberId || !r.teamId) return;
    const id = newId();
    const now = new Date();
    const record: SyncRecord = { id, teamId: r.teamId, memberIds: [memberId], occurredAt: vnIso(now), deviceSavedAt: vnIso(now), kind: 'home', services: [{ code: r.serviceCode, outcome }], helpRequestId: r.id, ...(r.villageCode ? { villageCode: r.villageCode } : {}) };
    await queueStore.put({ id, userId: ctx.me.userId, record, savedAt: Date.now(), status: 'pending' });
    window.dispatchEvent(new Event('ngoso:queued'));
    requestBackgroundSync();
    onDone(`Đã lưu buổi hỗ trợ cho yêu cầu số ${r.id}${navigator.onLine ? '' : '; sẽ gửi khi có mạng'}.`);
  };
  return (
    <fieldset class="dv-report" id="hp-close">
      <legend>Kết quả hỗ trợ: {r.serviceName}</legend>
      <div class="outcomes">
        {(Object.keys(OUTCOMES) as Outcome[]).map((o) => (
          <button type="button" key={o} class="chip" aria-pressed={o === outcome} onClick={() => setOutcome(o)}>
            {OUTCOMES[o]}
          </button>
        ))}
      </div>
      {!ctx.me.memberId && team && (
        <label>
          Người hỗ trợ{' '}
          <select value={String(memberId ?? '')} onChange={(e) => setMemberId(Number(e.currentTarget.value))}>
            {team.members.map((m) => (
              <option value={String(m.id)}>{m.fullName}</option>
            ))}
          </select>
        </label>
      )}
      <button type="button" class="primary" disabled={!outcome || !memberId} onClick={() => void save()}>
        Lưu buổi hỗ trợ
      </button>
    </fieldset>
  );
}

function Screen({ userId }: { userId: number }) {
  const [list, setList] = useState<HelpRequestView[] | null>(null);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const [outbox, setOutbox] = useState<Acceptance[]>([]);
  const [closing, setClosing] = useState<Set<number>>(new Set());
  const [ctx, setCtx] = useState<FieldContext | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [note, setNote] = useState('');

  const reload = async () => {
    setOutbox(await acceptances(userId));
    setClosing(new Set((await queueStore.list()).filter((q) => q.userId === userId && q.record.helpRequestId).map((q) => q.record.helpRequestId!)));
  };
  const refresh = async () => {
    await sendAcceptances(api, userId).catch(() => 0);
    try {
      const kept = await refreshList(api, userId);
      setList(kept.requests);
      setFetchedAt(kept.fetchedAt);
    } catch {
      // offline: the list as last fetched stays
    }
    await reload();
  };
  useEffect(() => {
    void (async () => {
      setCtx((await getValue<FieldContext>(`context:${userId}`)) ?? null);
      const kept = await cachedList(userId);
      if (kept) (setList(kept.requests), setFetchedAt(kept.fetchedAt));
      await reload();
      await refresh();
    })();
    const online = () => void refresh();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [userId]);

  if (!list) return <p class="note">Đang tải…</p>;
  const take = async (r: HelpRequestView) => {
    await queueAccept(userId, r.id);
    setNote(navigator.onLine ? 'Đang gửi…' : 'Đã nhận việc trên máy; sẽ gửi khi có mạng.');
    await refresh();
    setNote(navigator.onLine ? 'Đã nhận việc.' : 'Đã nhận việc trên máy; sẽ gửi khi có mạng.');
  };
  const stateOf = (r: HelpRequestView) => {
    if (closing.has(r.id)) return 'Đã hỗ trợ (chờ gửi)';
    const a = outbox.find((o) => o.id === r.id);
    if (a?.status === 'pending') return 'Đã nhận (chờ gửi)';
    if (a?.status === 'refused') return `Không nhận được: ${a.reason}`;
    return `${STATE[r.status]}${r.acceptedBy ? ` · ${r.acceptedBy}` : ''}${r.overdue ? ' · quá hạn' : ''}`;
  };
  return (
    <section id="hp-list" class="dv">
      <h2>Người dân nhờ hỗ trợ</h2>
      {fetchedAt && <p class="dv-meta">Cập nhật lúc {vnDateTimeLabel(new Date(fetchedAt))}</p>}
      {note && (
        <p class="msg ok" role="status">
          {note}
        </p>
      )}
      {list.length === 0 && <p class="note">Chưa có yêu cầu nào gửi tổ.</p>}
      <ul class="dv-items">
        {list.map((r) => {
          const a = outbox.find((o) => o.id === r.id);
          const mine = r.status === 'accepted' || a?.status === 'pending';
          return (
            <li key={r.id} class="hp-item" data-id={String(r.id)}>
              <button type="button" class="dv-item" onClick={() => setOpen(open === r.id ? null : r.id)}>
                <span class="dv-title">
                  {r.serviceName} · {r.villageName ?? r.communeName}
                </span>
                <span class="dv-meta">
                  {r.residentName} · gửi {vnDateTimeLabel(r.createdAt)}
                  {r.status === 'open' && !a ? ` · cần nhận trước ${vnDateTimeLabel(r.dueAt)}` : ''}
                </span>
                <span class={`dv-state ${r.overdue ? 'dv-late' : r.status === 'closed' ? 'dv-done' : r.status === 'open' ? 'dv-new' : ''}`}>{stateOf(r)}</span>
              </button>
              {open === r.id && (
                <div class="hp-detail">
                  <p>{r.problem}</p>
                  <p>
                    Gọi: <a href={`tel:${r.phone}`}>{r.phone.replace(/^\+84/, '0')}</a>
                    {r.preferredTime ? ` · ${r.preferredTime}` : ''}
                  </p>
                  {r.status === 'open' && !a && (
                    <button type="button" id="hp-take" class="primary" onClick={() => void take(r)}>
                      Nhận việc
                    </button>
                  )}
                  {a?.status === 'refused' && (
                    <button type="button" class="link" onClick={() => void forget(r.id).then(reload)}>
                      Bỏ
                    </button>
                  )}
                  {ctx && mine && !closing.has(r.id) && (r.status === 'open' || r.status === 'accepted') && (
                    <Close
                      r={r}
                      ctx={ctx}
                      onDone={(text) => {
                        setNote(text);
                        setOpen(null);
                        void reload();
                      }}
                    />
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Mounts the screen into `root` for the signed-in account (called by the page's loader, directives-loader.tsx). */
function mount(root: HTMLElement, userId: number): () => void {
  render(<Screen userId={userId} />, root);
  return () => render(null, root);
}
/** Sends the account's waiting acceptances. → how many left the phone. */
const sendPending = (userId: number) => sendAcceptances(api, userId);
(window as unknown as { ngoso_help: { mount: typeof mount; sendPending: typeof sendPending } }).ngoso_help = { mount, sendPending };
