/**
 * The records not yet on the server ("Chưa đồng bộ": waiting, or refused with the server's
 * reason, to correct or delete) and the summary of the team's sessions today and this week as the
 * server last counted them.
 */
import type { FieldContext } from '../../sessions/sessions.field.js';
import { vnDateTime, vnLabel } from '../shared/time.js';
import type { FieldApp, FieldState, Summary } from './controller.js';
import { ServiceIcon } from '../shared/icons.js';

/** What the queue's status line says for the sync state. */
function statusText(s: FieldState['sync']): string {
  if (s.authRequired) return 'Phiên đăng nhập đã hết: đăng nhập lại để gửi. Các bản ghi vẫn được giữ trên máy.';
  if (s.running) return 'Đang gửi…';
  if (s.lastError) return s.lastError;
  if (s.pending > 0) return 'Sẽ tự gửi khi có mạng.';
  if (s.rejected > 0) return 'Máy chủ từ chối các bản ghi dưới đây: hãy sửa hoặc xoá.';
  return '';
}

/** The queue of the signed-in user, oldest first; hidden when empty. */
export function QueueBox({ app, state, ctx }: { app: FieldApp; state: FieldState; ctx: FieldContext }) {
  const kinds = new Map(ctx.kinds.map((k) => [k.code, k.label]));
  const services = new Map(ctx.services.map((s) => [s.code, s.name]));
  const remove = async (id: string) => {
    if (!confirm('Xoá bản ghi này khỏi máy? Bản ghi chưa được gửi lên máy chủ.')) return;
    await app.deleteQueued(id);
  };
  return (
    <section id="queue-box" class="card" hidden={state.queue.length === 0} aria-labelledby="queue-title">
      <h2 id="queue-title">Chưa đồng bộ</h2>
      <p id="queue-status" class="note">
        {statusText(state.sync)}
      </p>
      <ul id="queue-list" class="queue">
        {state.queue.map((q) => {
          const r = q.record;
          return (
            <li key={q.id} data-id={q.id} data-status={q.status}>
              <div class="q-what">{`${vnLabel(r.occurredAt)} · ${kinds.get(r.kind) ?? r.kind}${r.kind === 'group' ? ` (${r.residentsCount} người)` : ''}`}</div>
              <div class="q-svc">
                {r.services.map((s, i) => (
                  <span key={s.code} class="q-svc-item">
                    {i > 0 && ', '}
                    <ServiceIcon code={s.code} class="q-icon" />
                    {services.get(s.code) ?? s.code}
                  </span>
                ))}
              </div>
              {q.status === 'rejected' ? <div class="q-reason">{`Bị từ chối: ${q.reason ?? ''}`}</div> : <div class="q-wait">Đang chờ gửi</div>}
              <div class="q-actions">
                {q.status === 'rejected' && (
                  <button type="button" class="ghost" data-action="edit" onClick={() => void app.editQueued(q.id)}>
                    Sửa
                  </button>
                )}
                <button type="button" class="ghost danger" data-action="delete" onClick={() => void remove(q.id)}>
                  Xoá
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      <button id="sync-now" type="button" class="ghost" onClick={() => app.syncNow()}>
        Gửi ngay
      </button>
    </section>
  );
}

/** "Hôm nay N buổi · M lượt người dân · Tuần này …" of the form's team, when the server's counts are for it. */
export function SummaryBar({ summary, teamId }: { summary: Summary | null; teamId: number | null }) {
  if (!summary || summary.teamId !== teamId) return null;
  const part = (label: string, x: { sessions: number; headcount: number }) => (
    <div class="sum-part">
      <span class="sum-label">{label}</span>
      <strong>{`${x.sessions} buổi`}</strong>
      <span>{` · ${x.headcount} lượt người dân`}</span>
    </div>
  );
  return (
    <div id="summary" class="summary">
      {part('Hôm nay', summary.day)}
      {part('Tuần này', summary.week)}
      <span class="sum-at">{`(trên máy chủ, lúc ${vnDateTime(new Date(summary.at)).time})`}</span>
    </div>
  );
}
