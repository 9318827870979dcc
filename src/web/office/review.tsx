// #/xem-xet — sessions kept for the commune officer's review (issue 13, item 2): a phone's time in
// the future, more than 90 days back, or before the team existed. They count in no report until the
// officer accepts one (it counts on its corrected day), corrects its date and time, or deletes it;
// each decision is audited by the server (sessions/sessions.review.ts). Dates dd/mm/yyyy, 24 h, Vietnam time.
import { useState } from 'preact/hooks';
import type { ReviewItem } from '../../sessions/sessions.review.js';
import { SESSION_KINDS, type SessionKind } from '../../sessions/sessions.vocabulary.js';
import { num } from '../shared/format.js';
import { fromVn, fromVnDate, fromVnTime, vnDate, vnDateTime, vnDateTimeLabel, vnIso } from '../shared/time.js';
import { api } from './client.js';
import { page } from './mount.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

/** "phone 3 giờ nhanh" for an offset in ms (phone minus server). */
function offsetLabel(ms: number | null): string {
  if (ms === null) return 'không rõ (ứng dụng cũ)';
  const abs = Math.abs(ms);
  const text = abs >= 3_600_000 ? `${Math.round(abs / 360_000) / 10} giờ` : `${Math.round(abs / 60_000)} phút`;
  return abs < 60_000 ? 'đúng giờ' : `${text} ${ms > 0 ? 'nhanh' : 'chậm'}`;
}

function Correct({ item, onDone }: { item: ReviewItem; onDone: (date: string, time: string) => void }) {
  const start = vnDateTime(new Date(item.correctedAt));
  const [date, setDate] = useState(vnDate(start.date));
  const [time, setTime] = useState(start.time);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        const d = fromVnDate(date);
        const t = fromVnTime(time);
        if (!d) return setProblem(`Ngày "${date}" không đúng: hãy viết ngày/tháng/năm, ví dụ 05/10/2026.`);
        if (!t) return setProblem(`Giờ "${time}" không đúng: hãy viết giờ:phút, ví dụ 09:00.`);
        setProblem(null);
        onDone(d, t);
      }}
    >
      <label>
        Ngày <input value={date} size={10} inputMode="numeric" onInput={(e) => setDate(e.currentTarget.value)} />
      </label>{' '}
      <label>
        Giờ <input value={time} size={5} inputMode="numeric" onInput={(e) => setTime(e.currentTarget.value)} />
      </label>{' '}
      <button type="submit">Lưu ngày mới</button>
      {problem && <Notice kind="error">{problem}</Notice>}
    </form>
  );
}

/** Kept sessions shown per page. */
const PAGE = 200;

function ReviewPage() {
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const loaded = useLoad(() => api.call('GET /api/support-sessions/reviews', { query: { offset, limit: PAGE } }), [tick, offset]);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { reviews: items, total } = loaded.data;
  // a page emptied by decisions (or a list that shrank) goes back to the last page that has some
  if (items.length === 0 && offset > 0 && total > 0) {
    setOffset(Math.max(0, Math.floor((total - 1) / PAGE) * PAGE));
    return <Loading />;
  }

  const decide = async (item: ReviewItem, body: { action: 'accept' } | { action: 'delete' } | { action: 'correct'; occurredAt: string }) => {
    if (body.action === 'delete' && !confirm(`Xoá buổi hỗ trợ ${vnDateTimeLabel(item.correctedAt)} của ${item.teamName}? Buổi này sẽ không được tính.`)) return;
    try {
      const r = await api.call('POST /api/support-sessions/reviews/:id', { params: { id: item.id }, json: body });
      setMessage({ kind: 'ok', text: r.status === 'deleted' ? 'Đã xoá buổi hỗ trợ; buổi này không được tính.' : `Đã ghi nhận: buổi hỗ trợ được tính vào ngày ${vnDate(r.day)}.` });
      setEditing(null);
      setTick(tick + 1);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };

  return (
    <>
      <PageTitle>Buổi hỗ trợ cần xem xét</PageTitle>
      <p class="meta">
        Các buổi có thời điểm ở tương lai, cũ hơn 90 ngày hoặc trước ngày tổ thành lập (thường do đồng hồ điện thoại sai) được giữ lại và chưa tính vào báo cáo. Hãy chấp nhận, sửa ngày hoặc xoá từng buổi.
      </p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {items.length === 0 && total === 0 ? (
        <p class="muted">Không có buổi hỗ trợ nào cần xem xét.</p>
      ) : (
        <>
          <p class="meta">
            {num(total)} buổi chờ xem xét{total > items.length ? `; đang xem ${num(offset + 1)}–${num(offset + items.length)}` : ''}.
          </p>
          <Table
            class="review stack"
            columns={['Tổ', 'Lý do', 'Giờ trên điện thoại', 'Đồng hồ điện thoại', 'Thời điểm đã chỉnh', 'Nhận lúc', 'Buổi', 'Thao tác']}
            rows={items.map((it) => ({
              key: it.id,
              cells: [
                it.teamName,
                it.reasonLabel,
                vnDateTimeLabel(it.deviceOccurredAt),
                offsetLabel(it.clockOffsetMs),
                vnDateTimeLabel(it.correctedAt),
                vnDateTimeLabel(it.receivedAt),
                `${SESSION_KINDS[it.kind as SessionKind] ?? it.kind}, ${num(it.residentsCount)} người, ${num(it.services)} dịch vụ`,
                editing === it.id ? (
                  <Correct item={it} onDone={(d, t) => decide(it, { action: 'correct', occurredAt: vnIso(fromVn(d, t)!) })} />
                ) : (
                  <span class="actions">
                    <button type="button" onClick={() => decide(it, { action: 'accept' })}>
                      Chấp nhận
                    </button>{' '}
                    <button type="button" class="btn-secondary" onClick={() => setEditing(it.id)}>
                      Sửa ngày
                    </button>{' '}
                    <button type="button" class="btn-danger" onClick={() => decide(it, { action: 'delete' })}>
                      Xoá
                    </button>
                  </span>
                ),
              ],
            }))}
          />
          {total > PAGE && (
            <p class="actions">
              <button type="button" class="btn-secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Trang trước
              </button>{' '}
              <button type="button" class="btn-secondary" disabled={offset + items.length >= total} onClick={() => setOffset(offset + PAGE)}>
                Trang sau
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}

export const reviewPage = page(ReviewPage);
