// The comments of the portal waiting for an officer (issue 16, item 2): held by pre-moderation, by a
// banned word, or hidden after 3 residents' reports. Approve (published again, its reports start
// over), hide, or hide and block its author on the site for 7 days; every decision is audited by
// the server. Also the site's settings: pre- or post-moderation and its own banned words.
import { useState } from 'preact/hooks';
import { vnDateTimeLabel } from '../shared/time.js';
import { api } from './client.js';
import { LoadError, Loading, Notice, Table, useLoad } from './ui.js';

const HELD: Record<string, string> = { pre: 'Chờ duyệt trước', words: 'Có từ cấm', reports: '3 lượt báo cáo' };

export function ModerationQueue() {
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const loaded = useLoad(() => api.call('GET /api/portal/comments', { query: { status: 'pending' } }), [tick]);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const decide = async (id: number, action: 'approve' | 'hide' | 'block') => {
    try {
      await api.call('POST /api/portal/comments/:id/moderate', { params: { id }, json: action === 'block' ? { action, days: 7 } : { action } });
      setMessage({ kind: 'ok', text: action === 'approve' ? 'Đã cho hiện bình luận.' : action === 'hide' ? 'Đã ẩn bình luận.' : 'Đã ẩn bình luận và tạm khoá người viết 7 ngày trên trang này.' });
      setTick(tick + 1);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };
  const { comments } = loaded.data;
  return (
    <section aria-labelledby="queue-title">
      <h3 id="queue-title">Bình luận chờ xử lý ({comments.length})</h3>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {comments.length === 0 ? (
        <p class="muted">Không có bình luận nào chờ xử lý.</p>
      ) : (
        <Table
          class="moderation stack"
          columns={['Bài', 'Người viết', 'Nội dung', 'Lý do chờ', 'Lúc', 'Thao tác']}
          rows={comments.map((c) => ({
            key: c.id,
            cells: [
              c.articleTitle,
              `${c.authorName} (${c.phone})`,
              <span class="comment-text">{c.body}</span>,
              `${HELD[c.heldFor ?? ''] ?? '—'}${c.reports ? ` · ${c.reports} báo cáo` : ''}`,
              vnDateTimeLabel(c.createdAt),
              <span class="actions">
                <button type="button" onClick={() => decide(c.id, 'approve')}>
                  Cho hiện
                </button>{' '}
                <button type="button" class="btn-secondary" onClick={() => decide(c.id, 'hide')}>
                  Ẩn
                </button>{' '}
                <button type="button" class="btn-danger" onClick={() => decide(c.id, 'block')}>
                  Ẩn và khoá 7 ngày
                </button>
              </span>,
            ],
          }))}
        />
      )}
    </section>
  );
}

export function SiteSettings({ unit }: { unit: string }) {
  const loaded = useLoad(() => api.call('GET /api/portal/site', { query: { unit } }), [unit]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [words, setWords] = useState<string | null>(null);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const s = loaded.data;
  const run = async (f: () => Promise<unknown>, ok: string) => {
    try {
      await f();
      setMessage({ kind: 'ok', text: ok });
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };
  return (
    <section aria-labelledby="site-title">
      <h3 id="site-title">Cài đặt bình luận của trang {s.unit.name}</h3>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <label>
        Cách duyệt{' '}
        <select value={s.moderation} onChange={(e) => run(() => api.call('PUT /api/portal/site', { json: { unit, moderation: e.currentTarget.value as 'pre' | 'post' } }), 'Đã lưu cách duyệt bình luận.')}>
          <option value="post">Hiện ngay, ẩn khi có 3 báo cáo hoặc từ cấm</option>
          <option value="pre">Cán bộ duyệt từng bình luận trước khi hiện</option>
        </select>
      </label>
      <label for="banned">Từ cấm riêng của trang (mỗi dòng một từ; không phân biệt dấu; ngoài {s.nationalWords} từ chung)</label>
      <textarea id="banned" rows={4} value={words ?? s.words.join('\n')} onInput={(e) => setWords(e.currentTarget.value)} />
      <p class="actions">
        <button type="button" onClick={() => run(() => api.call('PUT /api/portal/banned-words', { json: { unit, words: (words ?? '').split('\n').map((w) => w.trim()).filter(Boolean) } }), 'Đã lưu danh sách từ cấm.')}>
          Lưu từ cấm
        </button>
      </p>
    </section>
  );
}
