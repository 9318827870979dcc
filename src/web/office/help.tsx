// #/ho-tro[?don-vi=CODE&tu=dd/mm/yyyy&den=dd/mm/yyyy] — residents' help requests for officers (issue
// 16, item 3): the requests of the caller's scope (open, overdue, all) with who took them, the
// commune officer's actions (cancel with a reason), and the response-time report of a province (per
// commune) or a commune (per team): requests, median minutes to accept and to close, share solved,
// overdue now and by team. Times are Vietnam time, dd/mm/yyyy.
import { useState } from 'preact/hooks';
import { num } from '../shared/format.js';
import { fromVnDate, vnDate, vnDateTimeLabel } from '../shared/time.js';
import { api, provinces } from './client.js';
import { page, type PageProps } from './mount.js';
import { session } from './session.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

const STATE: Record<string, string> = { open: 'Chờ nhận', accepted: 'Đã nhận', closed: 'Đã xong', cancelled: 'Đã huỷ' };
const minutes = (m: number | null) => (m === null ? '—' : m < 120 ? `${num(m)} phút` : `${num(Math.round(m / 6) / 10)} giờ`);

function Requests() {
  const [state, setState] = useState<'open' | 'overdue' | 'all'>('open');
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const loaded = useLoad(() => api.call('GET /api/help-requests', { query: { state } }), [state, tick]);
  const cancel = async (id: number) => {
    const reason = prompt('Lý do huỷ yêu cầu (ví dụ: trùng yêu cầu, người dân đã tự làm được):');
    if (!reason?.trim()) return;
    try {
      await api.call('POST /api/help-requests/:id/cancel', { params: { id }, json: { reason } });
      setMessage({ kind: 'ok', text: `Đã huỷ yêu cầu số ${id}.` });
      setTick(tick + 1);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };
  return (
    <section aria-labelledby="requests-title">
      <h3 id="requests-title">Yêu cầu hỗ trợ</h3>
      <p class="actions">
        {(['open', 'overdue', 'all'] as const).map((s) => (
          <button type="button" class={s === state ? '' : 'btn-secondary'} aria-pressed={s === state} onClick={() => setState(s)}>
            {s === 'open' ? 'Đang mở' : s === 'overdue' ? 'Quá hạn' : 'Tất cả'}
          </button>
        ))}
      </p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {loaded.error ? (
        <LoadError error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : loaded.data.requests.length === 0 ? (
        <p class="muted">Không có yêu cầu nào.</p>
      ) : (
        <Table
          class="help stack"
          columns={['Số', 'Việc', 'Nơi', 'Người dân', 'Tổ', 'Trạng thái', 'Gửi lúc', 'Hạn nhận', 'Thao tác']}
          rows={loaded.data.requests.map((r) => ({
            key: r.id,
            class: r.overdue ? 'overdue' : undefined,
            cells: [
              String(r.id),
              `${r.serviceName}: ${r.problem}`,
              r.villageName ? `${r.villageName}, ${r.communeName}` : r.communeName,
              `${r.residentName} (${r.phone})`,
              r.teamName ?? 'Chưa có tổ',
              `${STATE[r.status]}${r.acceptedBy ? ` · ${r.acceptedBy}` : ''}${r.overdue ? ' · quá hạn' : ''}${r.rating ? ` · ${r.rating}/5` : ''}`,
              vnDateTimeLabel(r.createdAt),
              vnDateTimeLabel(r.dueAt),
              r.status === 'open' || r.status === 'accepted' ? (
                <button type="button" class="btn-secondary" onClick={() => cancel(r.id)}>
                  Huỷ
                </button>
              ) : (
                ''
              ),
            ],
          }))}
        />
      )}
    </section>
  );
}

function Report({ unit, from, to }: { unit: string; from?: string; to?: string }) {
  const loaded = useLoad(() => api.call('GET /api/help-requests/report', { query: { unit, from, to } }), [unit, from, to]);
  if (loaded.error) return <LoadError error={loaded.error} title="Không tải được báo cáo" />;
  if (!loaded.data) return <Loading />;
  const r = loaded.data;
  const cells = (f: typeof r.totals) => [num(f.requests), num(f.accepted), num(f.closed), minutes(f.medianAcceptMinutes), minutes(f.medianCloseMinutes), f.solvedShare === null ? '—' : `${num(f.solvedShare)}% (${num(f.rated)} đánh giá)`, num(f.overdueNow), num(f.acceptedLate)];
  return (
    <section aria-labelledby="report-title">
      <h3 id="report-title">
        Thời gian phản hồi — {r.unit.name}, {vnDate(r.from)}–{vnDate(r.to)}
      </h3>
      <Table
        class="help-report"
        columns={[r.unit.level === 'province' ? 'Xã/phường' : 'Tổ', 'Yêu cầu', 'Đã nhận', 'Đã xong', 'Trung vị đến khi nhận', 'Trung vị đến khi xong', 'Đã giải quyết', 'Quá hạn hiện nay', 'Nhận muộn']}
        rows={[...r.rows.map((x) => ({ key: x.key, cells: [x.name, ...cells(x)] })), { key: 'total', class: 'total', cells: ['Cộng', ...cells(r.totals)] }]}
      />
      {r.overdueByTeam.length > 0 && (
        <>
          <h4>Tổ có yêu cầu quá hạn</h4>
          <Table columns={['Tổ', 'Xã/phường', 'Quá hạn', 'Hạn sớm nhất']} rows={r.overdueByTeam.map((o) => ({ key: `${o.teamId}-${o.commune}`, cells: [o.name, o.commune, num(o.overdue), vnDateTimeLabel(o.oldestDue)] }))} />
        </>
      )}
    </section>
  );
}

/** An administrator's choice of the province whose response times to show (#/ho-tro?don-vi=CODE). */
function ProvinceChooser({ value }: { value: string | null }) {
  const all = useLoad(() => provinces(), []);
  return (
    <p class="meta">
      <label>
        Tỉnh, thành phố{' '}
        <select id="help-province" value={value && value.length === 2 ? value : ''} onChange={(e) => (location.hash = e.currentTarget.value ? `#/ho-tro?don-vi=${e.currentTarget.value}` : '#/ho-tro')}>
          <option value="">— Chọn tỉnh để xem thời gian phản hồi —</option>
          {(all.data ?? []).filter((p) => p.code).map((p) => (
            <option value={p.code!}>{p.name}</option>
          ))}
        </select>
      </label>
    </p>
  );
}

function HelpPage({ query }: PageProps) {
  const own = session.unit && (session.unit.level === 'province' || session.unit.level === 'commune') ? session.unit.code : null;
  const unit = query.get('don-vi') ?? own;
  const [from, setFrom] = useState(query.get('tu') ?? '');
  const [to, setTo] = useState(query.get('den') ?? '');
  const fromIso = from ? fromVnDate(from) : undefined;
  const toIso = to ? fromVnDate(to) : undefined;
  const bad = (from && !fromIso ? `"${from}"` : '') || (to && !toIso ? `"${to}"` : '');
  return (
    <>
      <PageTitle>Người dân nhờ hỗ trợ</PageTitle>
      <p class="meta">
        Người dân gửi yêu cầu ở <a href="/nho-ho-tro">trang công khai</a>; yêu cầu đến tổ của thôn (hoặc tổ của xã), tổ nhận và đóng yêu cầu trên ứng dụng điện thoại bằng buổi hỗ trợ. Yêu cầu quá hạn chưa có ai nhận được chuyển lên cán bộ xã.
      </p>
      <Requests />
      {unit ? (
        <>
          {!own && <ProvinceChooser value={unit} />}
          <p class="inline-form">
            <label>
              Từ ngày <input value={from} size={10} placeholder="dd/mm/yyyy" onChange={(e) => setFrom(e.currentTarget.value)} />
            </label>{' '}
            <label>
              Đến ngày <input value={to} size={10} placeholder="dd/mm/yyyy" onChange={(e) => setTo(e.currentTarget.value)} />
            </label>
            <span class="hint">Để trống: 30 ngày gần nhất, đến hôm nay.</span>
          </p>
          {bad ? <Notice kind="error">{`Ngày ${bad} không đúng: hãy viết ngày/tháng/năm, ví dụ 05/10/2026.`}</Notice> : <Report unit={unit} from={fromIso ?? undefined} to={toIso ?? undefined} />}
        </>
      ) : (
        <ProvinceChooser value={null} />
      )}
    </>
  );
}

export const helpPage = page(HelpPage);
