// #/chi-dao/:id[?xa=CODE] — a directive's live board (issue 15, item 5): the document (number,
// date, issuer, body as text, attachments), then in the user's part: teams targeted, received,
// read, "will do", done, overdue, households reached against the villages' households, residents'
// confirmations and the asked figure; by commune (with its forwarding) and, for one commune (?xa=CODE: that commune's own
// figures, without the table and map of all communes), by
// team with each team's public link. Refreshed every 15 seconds. A commune officer forwards a
// province's directive to the commune's teams here; the issuer's officers remind the teams not
// done ("Nhắc lại") and download the board as .xlsx (official form) or CSV.
import { useEffect, useState } from 'preact/hooks';
import { PASS_ON_CHANNELS, type PassOnChannel, PRIORITIES, type Priority } from '../../directives/directives.contract.js';
import { bodyBlocks } from '../../directives/directives.vocabulary.js';
import { num } from '../shared/format.js';
import { vnDate, vnDateTimeLabel } from '../shared/time.js';
import { api } from './client.js';
import { DownloadLink } from './download.js';
import { ChoroplethMap } from './map.js';
import { directiveMeasures } from './map.measures.js';
import { page, type PageProps } from './mount.js';
import { can, OFFICERS } from './session.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

/** Plain text as the public page shows it: blank lines separate paragraphs, "- " lines make a list; never markup. */
function Body({ text }: { text: string }) {
  return (
    <div class="directive-body">
      {bodyBlocks(text).map((b, i) => (b.kind === 'ul' ? <ul key={i}>{b.items.map((l) => <li>{l}</li>)}</ul> : <p key={i}>{b.lines.map((l, j) => (j ? [<br />, l] : l))}</p>))}
    </div>
  );
}

const when = (iso: string | null) => (iso ? vnDateTimeLabel(iso) : '');
const share = (n: number, of: number) => (of ? ` (${Math.round((n / of) * 100)}%)` : '');

function Board({ match, query }: PageProps) {
  const id = Number(match[0]);
  const commune = query.get('xa') ?? undefined;
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(query.get('loi-tep') ? { kind: 'error', text: `Đã gửi chỉ đạo nhưng chưa đính kèm được tệp: ${query.get('loi-tep')}` } : null);
  const [note, setNote] = useState('');
  const loaded = useLoad(() => api.call('GET /api/directives/:id/board', { params: { id }, query: commune ? { commune } : {} }), [id, commune, tick]);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const b = loaded.data;
  const d = b.directive;
  // a commune chosen (from the table or the map): its own figures, its teams, and no table or map of all communes
  const chosen = commune ? b.communes.find((c) => c.code === commune) ?? null : null;
  const t = chosen ?? b.totals;
  const mine = b.communes.length === 1 ? b.communes[0] : null;
  const all = !chosen && b.communes.length > 1;
  const act = async (what: () => Promise<string>) => {
    try {
      setMessage({ kind: 'ok', text: await what() });
      setTick(tick + 1);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };
  const forward = () => act(async () => `Đã chuyển tới ${num((await api.call('POST /api/directives/:id/forward', { params: { id }, json: { ...(mine ? { commune: mine.code } : {}), ...(note.trim() ? { note } : {}) } })).teams)} tổ.`);
  const remind = () => act(async () => {
    if (!confirm('Nhắc lại các tổ chưa hoàn thành (thông báo đẩy, Zalo, SMS)? Tổ đã được nhắc trong 6 giờ qua sẽ không bị nhắc lại.')) return 'Chưa nhắc.';
    const r = await api.call('POST /api/directives/:id/remind', { params: { id }, json: { channels: ['push', 'zalo', 'sms'], ...(commune ? { commune } : {}) } });
    const off = r.unconfigured.map((c) => ({ push: 'thông báo đẩy', zalo: 'Zalo', sms: 'SMS' })[c as 'push' | 'zalo' | 'sms'] ?? c);
    return `Đã nhắc ${num(r.teams)} tổ chưa hoàn thành: ${num(r.messages)} tin nhắn, gửi trong giờ 06:00–22:00.${r.skipped ? ` ${num(r.skipped)} tổ đã được nhắc trong 6 giờ qua nên không nhắc lại.` : ''}${off.length ? ` Máy chủ chưa cấu hình ${off.join(', ')}: không gửi qua kênh đó.` : ''}`;
  });
  const q = `${commune ? `commune=${commune}&` : ''}`;
  return (
    <>
      <p class="crumbs">
        <a href="#/chi-dao">Chỉ đạo</a> ›{commune && <> <a href={`#/chi-dao/${id}`}>Toàn bộ</a> ›{chosen ? ` ${chosen.name}` : ''}</>}
      </p>
      <PageTitle>{d.title}</PageTitle>
      <p class="meta" id="directive-meta">
        {d.issuer.name}
        {d.number ? ` · Số ${d.number}` : ''} · ngày {vnDate(d.issuedOn)}
        {d.priority !== 'normal' ? ` · ${PRIORITIES[d.priority as Priority]}` : ''}
        {d.deadline ? ` · Hạn báo cáo ${vnDate(d.deadline)}` : ''}
      </p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <details open={!t.teams}>
        <summary>Nội dung văn bản</summary>
        <Body text={d.body} />
        {d.asks.figure && <p class="hint">Các tổ báo cáo: {d.asks.figure.name} ({d.asks.figure.unit}).</p>}
      </details>
      {d.attachments.length > 0 && (
        <ul class="attachments">
          {d.attachments.map((a) => (
            <li key={a.id}>
              <DownloadLink href={`/api/directives/${id}/attachments/${a.id}`} fileName={a.name}>
                {a.name}
              </DownloadLink>{' '}
              <span class="muted">({Math.ceil(a.bytes / 1024)} KB{a.flags.includes('pdf_active_content') ? '; tệp PDF có mã lệnh: chỉ tải về, không mở trong trình duyệt' : ''})</span>
            </li>
          ))}
        </ul>
      )}
      {mine?.note && <p class="hint">Ghi chú của xã khi chuyển tiếp: {mine.note}</p>}
      {mine?.awaitsForwarding && can(OFFICERS) && (
        <section class="forward" aria-labelledby="fw">
          <h3 id="fw">Chuyển tiếp tới các tổ của {mine.name}</h3>
          <label>
            Ghi chú của xã (không bắt buộc) <input id="forward-note" value={note} size={50} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>{' '}
          <button type="button" id="forward" onClick={forward}>
            Chuyển tiếp tới các tổ
          </button>
        </section>
      )}
      <dl class="figures" id="directive-totals">
        <div><dt>Tổ nhận</dt><dd>{num(t.teams)}</dd></div>
        <div><dt>Đã nhận trên điện thoại</dt><dd>{num(t.received)}{share(t.received, t.teams)}</dd></div>
        <div><dt>Đã đọc</dt><dd>{num(t.read)}{share(t.read, t.teams)}</dd></div>
        <div><dt>Sẽ thực hiện</dt><dd>{num(t.willDo)}</dd></div>
        <div><dt>Đã hoàn thành</dt><dd>{num(t.done)}{share(t.done, t.teams)}</dd></div>
        <div><dt>Quá hạn</dt><dd class={t.overdue ? 'warn' : ''}>{num(t.overdue)}</dd></div>
        <div><dt>Hộ đã được thông báo</dt><dd>{num(t.households)}{t.householdsKnown ? ` / ${num(t.householdsKnown)} hộ` : ''}</dd>{t.householdsOver > 0 && <dd class="hint warn">{num(t.householdsOver)} tổ báo nhiều hơn số hộ của thôn</dd>}</div>
        <div><dt>Người dân xác nhận</dt><dd>{num(t.confirmations)}</dd></div>
        {d.asks.figure && <div><dt>{d.asks.figure.name}</dt><dd>{t.figure === null ? '—' : `${num(t.figure)} ${d.asks.figure.unit}`}</dd></div>}
      </dl>
      <p class="actions">
        {can(OFFICERS) && t.done < t.teams && (
          <button type="button" id="remind" class="btn-secondary" onClick={remind}>
            Nhắc lại các tổ chưa hoàn thành
          </button>
        )}{' '}
        <DownloadLink href={`/api/directives/${id}/board?${q}format=xlsx`}>Tải .xlsx (mẫu báo cáo)</DownloadLink> <DownloadLink href={`/api/directives/${id}/board?${q}format=csv`}>Tải CSV</DownloadLink>
      </p>
      {all && (
        <Table
          class="numbers"
          id="directive-communes"
          caption="Theo xã, phường"
          columns={['Xã, phường', 'Chuyển tiếp', 'Tổ nhận', 'Đã đọc', 'Hoàn thành', 'Quá hạn', 'Hộ đã thông báo', 'Người dân xác nhận', ...(d.asks.figure ? [`${d.asks.figure.name} (${d.asks.figure.unit})`] : [])]}
          rows={b.communes.map((c) => ({
            key: c.id,
            cells: [
              <>
                <a href={`#/chi-dao/${id}?xa=${c.code}`}>{c.name}</a>
                {c.note && <div class="hint">Ghi chú của xã: {c.note}</div>}
              </>,
              c.awaitsForwarding ? <span class="warn">Chưa chuyển</span> : c.forwardedAt ? vnDateTimeLabel(c.forwardedAt) : '—',
              num(c.teams),
              num(c.read),
              num(c.done),
              num(c.overdue),
              num(c.households),
              num(c.confirmations),
              ...(d.asks.figure ? [c.figure === null ? '—' : num(c.figure)] : []),
            ],
          }))}
        />
      )}
      {all && d.issuer.level === 'province' ? (
        <ChoroplethMap boundary={d.issuer.code} title={`Bản đồ thực hiện chỉ đạo theo xã, phường: ${d.title}`} period={`ban hành ${vnDate(d.issuedOn)}${d.deadline ? `, hạn ${vnDate(d.deadline)}` : ''}; số liệu lúc ${vnDateTimeLabel()}`} measures={directiveMeasures(b)} link={(c) => `#/chi-dao/${id}?xa=${c}`} linkText="Xem các tổ của xã, phường" />
      ) : null}
      {b.teams.length > 0 && (
        <Table
          class="stack"
          id="directive-teams"
          caption={chosen ? `Các tổ của ${chosen.name}` : 'Theo tổ'}
          columns={['Tổ', 'Đã đọc', 'Hoàn thành', 'Cách thông báo', 'Số hộ', ...(d.asks.figure ? [`${d.asks.figure.name} (${d.asks.figure.unit})`] : []), 'Người dân xác nhận', 'Trang cho người dân']}
          rows={b.teams.map((x) => ({
            key: x.id,
            cells: [
              <>
                {x.name}
                {x.village ? <span class="muted"> · {x.village}</span> : null}
              </>,
              when(x.readAt) || '—',
              x.doneAt ? when(x.doneAt) : x.overdue ? <span class="warn">Quá hạn</span> : x.willDoAt ? 'Sẽ thực hiện' : '—',
              x.channels.map((c) => PASS_ON_CHANNELS[c as PassOnChannel] ?? c).join(', '),
              x.households === null ? '—' : <span class={x.householdsOver ? 'warn' : ''}>{num(x.households)}{x.villageHouseholds ? ` / ${num(x.villageHouseholds)}` : ''}</span>,
              ...(d.asks.figure ? [x.figure === null ? '—' : num(x.figure)] : []),
              num(x.confirmations),
              <a href={`/chi-dao/${x.publicToken}`} rel="noopener" target="_blank">
                /chi-dao/{x.publicToken.slice(0, 8)}…
              </a>,
            ],
          }))}
        />
      )}
    </>
  );
}

export const directiveBoardPage = page(Board);
