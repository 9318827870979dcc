/**
 * The field app's "Chỉ đạo" screen (issue 15, items 2 and 4), loaded on demand (/field/directives.js,
 * its own bundle and Preact root, so the page's first load stays small): the team's directives,
 * readable offline; opening one records "đã đọc"; "Sẽ thực hiện" and "Báo cáo hoàn thành" (how it
 * was passed on, households reached, the asked figure) wait on the phone and go when the network
 * is there, each once. The team's public link for its Zalo group is shown with a copy button, and
 * the member may allow notifications (web push) for new directives.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bodyBlocks, PASS_ON_CHANNELS, type PassOnChannel, PRIORITIES, type Priority } from '../../../directives/directives.vocabulary.js';
import type { InboxDirective } from '../../../directives/directives.board.js';
import { ApiClient } from '../../shared/api.js';
import { newId } from '../device.js';
import { vnDate, vnIso } from '../../shared/time.js';
import { readNumber, withPending } from './model.js';
import { cachedInbox, discard, type Outgoing, outbox, queueAck, refreshInbox, sendOutbox } from './store.js';

const api = new ApiClient();

const dmy = vnDate;
const today = () => vnIso(new Date()).slice(0, 10);

function stateOf(d: InboxDirective): { text: string; kind: string } {
  if (d.doneAt) return { text: 'Đã hoàn thành', kind: 'done' };
  if (d.deadline && d.deadline < today()) return { text: 'Quá hạn', kind: 'late' };
  if (d.willDoAt) return { text: 'Sẽ thực hiện', kind: 'doing' };
  if (d.readAt) return { text: 'Đã đọc', kind: 'read' };
  return { text: 'Mới', kind: 'new' };
}

function Body({ text }: { text: string }) {
  return (
    <div class="dv-body">
      {bodyBlocks(text).map((b, i) => (b.kind === 'ul' ? <ul key={i}>{b.items.map((l) => <li>{l}</li>)}</ul> : <p key={i}>{b.lines.map((l, j) => (j ? [<br />, l] : l))}</p>))}
    </div>
  );
}

async function allowPush(): Promise<string> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return 'Điện thoại này không nhận được thông báo đẩy.';
  if ((await Notification.requestPermission()) !== 'granted') return 'Bạn chưa cho phép thông báo.';
  const { publicKey } = await api.json<{ publicKey: string }>('/api/push/key');
  const key = Uint8Array.from(atob(publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const reg = await navigator.serviceWorker.ready;
  const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
  const json = sub.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
  await api.call('POST /api/push/subscriptions', { json: { endpoint: json.endpoint, keys: json.keys } });
  return 'Đã bật thông báo khi có chỉ đạo mới.';
}

function Report({ d, onSend }: { d: InboxDirective; onSend: (r: { channels: PassOnChannel[]; households?: number; figure?: number }) => void }) {
  const [channels, setChannels] = useState<PassOnChannel[]>(d.channels as PassOnChannel[]);
  const [households, setHouseholds] = useState(d.households === null ? '' : String(d.households));
  const [figure, setFigure] = useState(d.figure === null ? '' : String(d.figure));
  const [problem, setProblem] = useState('');
  const send = () => {
    const h = households.trim() ? readNumber(households) : undefined;
    const f = figure.trim() ? readNumber(figure) : undefined;
    if (h === null || (h !== undefined && !Number.isInteger(h))) return setProblem('Số hộ là số nguyên, ví dụ 120 hoặc 1.200.');
    if (f === null) return setProblem('Số liệu là một số, ví dụ 35, 1.200 hoặc 2,5.');
    onSend({ channels, ...(h != null ? { households: h } : {}), ...(f != null ? { figure: f } : {}) });
  };
  return (
    <fieldset class="dv-report" id="dv-report">
      <legend>Báo cáo hoàn thành</legend>
      <p>Đã thông báo bằng:</p>
      <div class="dv-channels">
        {Object.entries(PASS_ON_CHANNELS).map(([k, v]) => (
          <label key={k}>
            <input type="checkbox" checked={channels.includes(k as PassOnChannel)} onChange={() => setChannels(channels.includes(k as PassOnChannel) ? channels.filter((c) => c !== k) : [...channels, k as PassOnChannel])} /> {v}
          </label>
        ))}
      </div>
      {d.asks.passOn && (
        <label>
          Số hộ đã được thông báo <input id="dv-households" inputMode="numeric" value={households} onInput={(e) => setHouseholds(e.currentTarget.value)} />
        </label>
      )}
      {d.asks.figure && (
        <label>
          {d.asks.figure.name} ({d.asks.figure.unit}) <input id="dv-figure" inputMode="decimal" value={figure} onInput={(e) => setFigure(e.currentTarget.value)} />
        </label>
      )}
      {problem && <p class="msg">{problem}</p>}
      <button type="button" id="dv-done" class="primary" onClick={send}>
        Gửi báo cáo hoàn thành
      </button>
    </fieldset>
  );
}

function Screen({ userId }: { userId: number }) {
  const [list, setList] = useState<InboxDirective[] | null>(null);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const [out, setOut] = useState<Outgoing[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const [reporting, setReporting] = useState(false);
  const [note, setNote] = useState('');
  const reload = async () => {
    setOut(await outbox(userId));
    window.dispatchEvent(new Event('ngoso:directives-sent'));
  };
  const sync = async () => {
    try {
      if (navigator.onLine) await sendOutbox(api, userId);
      const kept = navigator.onLine ? await refreshInbox(api, userId) : await cachedInbox(userId);
      const waiting = await outbox(userId);
      if (kept) (setList(withPending(kept.directives, waiting)), setFetchedAt(kept.fetchedAt));
      else setList([]);
    } catch {
      const kept = await cachedInbox(userId);
      setList(withPending(kept?.directives ?? [], await outbox(userId)));
      setFetchedAt(kept?.fetchedAt ?? null);
    }
    await reload();
  };
  useEffect(() => {
    void (async () => {
      const kept = await cachedInbox(userId);
      if (kept) (setList(withPending(kept.directives, await outbox(userId))), setFetchedAt(kept.fetchedAt));
      await sync();
    })();
    const on = () => void sync();
    window.addEventListener('online', on);
    return () => window.removeEventListener('online', on);
  }, [userId]);

  const ack = async (d: InboxDirective, status: 'read' | 'will_do' | 'done', extra: Partial<AckExtra> = {}) => {
    const at = vnIso(new Date());
    await queueAck(userId, { id: newId(), directiveId: d.id, status, at, ...extra });
    // shown at once on the phone; the server keeps the first time of each step
    const stamp = new Date().toISOString();
    setList((l) => l?.map((x) => (x.id !== d.id ? x : { ...x, readAt: x.readAt ?? stamp, willDoAt: status !== 'read' ? x.willDoAt ?? stamp : x.willDoAt, doneAt: status === 'done' ? x.doneAt ?? stamp : x.doneAt, ...(extra.channels ? { channels: extra.channels } : {}), ...(extra.households !== undefined ? { households: extra.households } : {}), ...(extra.figure !== undefined ? { figure: extra.figure } : {}) })) ?? null);
    await reload();
    if (navigator.onLine) void sync();
  };
  type AckExtra = { channels: PassOnChannel[]; households: number; figure: number };

  if (list === null) return <p class="boot">Đang tải chỉ đạo…</p>;
  const pending = out.filter((o) => o.status === 'pending').length;
  const refused = out.filter((o) => o.status === 'rejected');
  const d = open === null ? null : list.find((x) => x.id === open) ?? null;
  const head = (
    <p class="dv-status" id="dv-status">
      {pending ? `${pending} báo cáo chưa gửi (sẽ gửi khi có mạng)` : 'Đã gửi hết báo cáo'}
      {fetchedAt ? ` · cập nhật lúc ${new Date(fetchedAt).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' })}` : ''}
    </p>
  );
  if (d) {
    const link = `${location.origin}/chi-dao/${d.publicToken}`;
    return (
      <section id="dv-detail" class="dv">
        <button type="button" class="link" onClick={() => (setOpen(null), setReporting(false))}>
          ‹ Danh sách chỉ đạo
        </button>
        {head}
        <h2>{d.title}</h2>
        <p class="dv-meta">
          {d.issuer}
          {d.number ? ` · Số ${d.number}` : ''} · {dmy(d.issuedOn)}
          {d.deadline ? ` · Hạn ${dmy(d.deadline)}` : ''}
          {d.priority !== 'normal' ? <strong class="dv-urgent"> · {PRIORITIES[d.priority as Priority]}</strong> : null}
        </p>
        <p class={`dv-state dv-${stateOf(d).kind}`} id="dv-state">
          {stateOf(d).text}
        </p>
        {d.note && <p class="dv-note">Ghi chú của xã: {d.note}</p>}
        <Body text={d.body} />
        {d.attachments.map((a) => (
          <p key={a.id}>
            <a href={`/api/directives/${d.id}/attachments/${a.id}`} download={a.name}>
              📎 {a.name}
            </a>
          </p>
        ))}
        <div class="dv-share">
          <p>Đường dẫn cho nhóm Zalo của thôn (người dân bấm "Tôi đã nhận được"):</p>
          <input readOnly value={link} aria-label="Đường dẫn cho người dân" onFocus={(e) => e.currentTarget.select()} />{' '}
          <button type="button" id="dv-copy" class="ghost" onClick={() => void navigator.clipboard?.writeText(link).then(() => setNote('Đã chép đường dẫn.'))}>
            Chép
          </button>
        </div>
        {!d.doneAt && !d.willDoAt && (
          <button type="button" id="dv-will-do" class="ghost" onClick={() => void ack(d, 'will_do')}>
            Sẽ thực hiện
          </button>
        )}
        {!d.doneAt && !reporting && (
          <button type="button" id="dv-open-report" class="primary" onClick={() => setReporting(true)}>
            Báo cáo hoàn thành
          </button>
        )}
        {reporting && !d.doneAt && <Report d={d} onSend={(r) => void ack(d, 'done', r).then(() => (setReporting(false), setNote('Đã ghi báo cáo hoàn thành.')))} />}
        {note && <p class="msg ok" role="status">{note}</p>}
      </section>
    );
  }
  return (
    <section id="dv-list" class="dv">
      <h2>Chỉ đạo gửi tổ</h2>
      {head}
      {refused.map((o) => (
        <p class="msg" key={o.id}>
          Một báo cáo bị từ chối: {o.reason}{' '}
          <button type="button" class="link" onClick={() => void discard(o.id).then(reload)}>
            Bỏ
          </button>
        </p>
      ))}
      {list.length === 0 && <p class="note">Chưa có chỉ đạo nào gửi tổ.</p>}
      <ul class="dv-items">
        {list.map((x) => {
          const s = stateOf(x);
          return (
            <li key={x.id}>
              <button
                type="button"
                class="dv-item"
                data-id={String(x.id)}
                onClick={() => {
                  setOpen(x.id);
                  setNote('');
                  if (!x.readAt) void ack(x, 'read');
                }}
              >
                <span class="dv-title">{x.title}</span>
                <span class="dv-meta">
                  {x.priority !== 'normal' ? <strong class="dv-urgent">{PRIORITIES[x.priority as Priority]} · </strong> : null}
                  {x.issuer}
                  {x.deadline ? ` · hạn ${dmy(x.deadline)}` : ''}
                </span>
                <span class={`dv-state dv-${s.kind}`}>{s.text}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" id="dv-push" class="link" onClick={() => void allowPush().then(setNote, (e: Error) => setNote(e.message))}>
        Nhận thông báo khi có chỉ đạo mới
      </button>
      {note && <p class="msg ok" role="status">{note}</p>}
    </section>
  );
}

/** Mounts the screen into `root` for the signed-in account (called by the page's loader, directives-loader.tsx). */
function mount(root: HTMLElement, userId: number): () => void {
  render(<Screen userId={userId} />, root);
  return () => render(null, root);
}
/** Sends the account's waiting acknowledgements (the page calls it when the network returns, on any screen). → how many left the phone. */
const sendPending = (userId: number) => sendOutbox(api, userId).then((n) => (window.dispatchEvent(new Event('ngoso:directives-sent')), n));
(window as unknown as { ngoso_directives: { mount: typeof mount; sendPending: typeof sendPending } }).ngoso_directives = { mount, sendPending };
