/**
 * A member's side of trainings (issue 14, items 3 and 7): "Tập huấn của tôi" (my sessions with
 * day, point, attendance and the certificate once attendance is closed), "Nhập mã" (the six digits
 * shown at the point, for a session of these days) and the outcome of a self check-in ("Đã điểm
 * danh", or the server's reason), queued offline and shown once sent. State and behaviour are the
 * Trainings controller's (trainings.ts).
 */
import { useState } from 'preact/hooks';
import { vnDate, vnDateTime } from '../../shared/time.js';
import type { CheckIn } from './model.js';
import { timeRange } from './model.js';
import { go, type Trainings, type TrainingsState } from './trainings.js';

/** The title of a session the phone knows (my trainings, or the ones I host), else its number. */
function titleOf(state: TrainingsState, trainingId: number): string {
  return state.mine?.data.trainings.find((x) => x.id === trainingId)?.title ?? state.hosting?.data.sessions.find((x) => x.id === trainingId)?.title ?? `Lớp tập huấn mã ${trainingId}`;
}

/** My self check-ins not yet settled on the phone (waiting or refused), each linking to its outcome. */
function Waiting({ state }: { state: TrainingsState }) {
  const mine = state.outbox.filter((q) => q.record.method === 'self' && q.sentAt === undefined);
  if (mine.length === 0) return null;
  return (
    <ul class="queue" id="self-waiting">
      {mine.map((q) => (
        <li key={q.id}>
          <a href={`#tap-huan/ket-qua/${q.id}`}>{titleOf(state, q.record.trainingId)}</a>
          <span class={q.status === 'rejected' ? 'q-reason' : 'q-wait'}> · {q.status === 'rejected' ? 'Bị từ chối' : 'Đang chờ gửi'}</span>
        </li>
      ))}
    </ul>
  );
}

/** "Tập huấn của tôi". */
export function MineView({ t, state }: { t: Trainings; state: TrainingsState }) {
  const mine = state.mine;
  return (
    <div id="mine-view">
      <h1>Tập huấn của tôi</h1>
      <a id="enter-code" class="primary big" href="#tap-huan/nhap-ma">
        Nhập mã điểm danh
      </a>
      <Waiting state={state} />
      {!mine && <p class="boot">{state.loading ? 'Đang tải…' : (state.error ?? 'Cần có mạng một lần để tải danh sách.')}</p>}
      {mine && mine.data.trainings.length === 0 && <p class="note">Bạn chưa được mời lớp tập huấn nào.</p>}
      <ul id="mine-list" class="my-list">
        {mine?.data.trainings.map((x) => {
          const certificate = x.closedAt !== null && x.checkedInAt !== null;
          return (
            <li key={x.id} class="card my-item" data-training={String(x.id)}>
              <p class="tr-title">{x.title}</p>
              <p class="note">
                Ngày {vnDate(x.day)} · {timeRange(x.startsAt, x.endsAt)} · {x.unitName}
              </p>
              <p class="my-att" data-attended={x.checkedInAt ? '1' : '0'}>
                {x.checkedInAt ? `Đã điểm danh lúc ${vnDateTime(new Date(x.checkedInAt)).time}${x.pointName ? ` tại ${x.pointName}` : ''}` : x.closedAt ? 'Không điểm danh' : 'Chưa điểm danh'}
              </p>
              {certificate && (
                <a class="ghost my-cert" href={t.certificateUrl(x.id)} download={`giay-chung-nhan-${x.id}.pdf`}>
                  Tải giấy chứng nhận (PDF)
                </a>
              )}
              {x.certificate && <p class="note">Mã xác minh: {x.certificate}</p>}
            </li>
          );
        })}
      </ul>
      {!state.online && mine && <p class="note">Không có mạng: đang xem bản lưu trên máy; giấy chứng nhận tải được khi có mạng.</p>}
    </div>
  );
}

/** "Nhập mã": the session (of these days), the point, the six digits. */
export function CodeForm({ t, state }: { t: Trainings; state: TrainingsState }) {
  const now = t.trueNow();
  const sessions = (state.mine?.data.trainings ?? []).filter((x) => !x.closedAt && state.points[x.id]?.length && x.startsAt && x.endsAt && Date.parse(x.startsAt) - now < 86_400_000 && now - Date.parse(x.endsAt) < 86_400_000);
  const [trainingId, setTrainingId] = useState<number | null>(sessions[0]?.id ?? null);
  const points = trainingId === null ? [] : (state.points[trainingId] ?? []);
  const [pointId, setPointId] = useState<number | null>(null);
  const [digits, setDigits] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const chosenPoint = points.length === 1 ? points[0].pointId : pointId;
  const submit = (e: Event) => {
    e.preventDefault();
    const code = digits.replace(/\D/g, '');
    if (trainingId === null) return setProblem('Hãy chọn lớp tập huấn.');
    if (chosenPoint === null) return setProblem('Hãy chọn điểm cầu nơi bạn ngồi.');
    if (code.length !== 6) return setProblem('Mã điểm danh gồm 6 chữ số, đang hiện dưới mã QR ở điểm cầu.');
    setProblem(null);
    void t.selfCheckIn({ trainingId, pointId: chosenPoint, code }).then((id) => go({ name: 'result', id }));
  };
  return (
    <form id="code-form" class="card" onSubmit={submit} noValidate>
      <h1>Nhập mã điểm danh</h1>
      {sessions.length === 0 ? (
        <p class="note">{state.mine ? 'Không có lớp tập huấn nào của bạn đang diễn ra (hoặc chưa tải được danh sách điểm cầu: cần có mạng một lần).' : 'Cần có mạng một lần để tải danh sách lớp.'}</p>
      ) : (
        <>
          <label for="code-session">Lớp tập huấn</label>
          <select id="code-session" value={String(trainingId ?? '')} onChange={(e) => (setTrainingId(Number((e.target as HTMLSelectElement).value)), setPointId(null))}>
            {sessions.map((x) => (
              <option key={x.id} value={String(x.id)}>
                {x.title} ({timeRange(x.startsAt, x.endsAt)})
              </option>
            ))}
          </select>
          <label for="code-point">Điểm cầu</label>
          <select id="code-point" value={String(chosenPoint ?? '')} onChange={(e) => setPointId(Number((e.target as HTMLSelectElement).value))}>
            {points.length > 1 && <option value="">— Chọn điểm cầu nơi bạn ngồi —</option>}
            {points.map((p) => (
              <option key={p.pointId} value={String(p.pointId)}>
                {p.name}
              </option>
            ))}
          </select>
          <label for="code-digits">Mã 6 chữ số</label>
          <input id="code-digits" class="code-input" inputMode="numeric" autocomplete="one-time-code" maxLength={7} value={digits} onInput={(e) => setDigits((e.target as HTMLInputElement).value)} />
          {problem && <p class="field-msg">{problem}</p>}
          <button id="code-save" type="submit" class="primary big">
            Điểm danh
          </button>
        </>
      )}
      <a class="link" href="#tap-huan/cua-toi">
        Quay lại
      </a>
    </form>
  );
}

/** What a self check-in came to: waiting (offline), taken ("Đã điểm danh"), or refused with the server's reason. */
export function ResultView({ t, state, id }: { t: Trainings; state: TrainingsState; id: string }) {
  const q: CheckIn | undefined = state.outbox.find((x) => x.id === id);
  if (!q) {
    return (
      <div class="card">
        <p>Không còn lượt điểm danh này trên máy.</p>
        <a class="ghost" href="#tap-huan/cua-toi">
          Tập huấn của tôi
        </a>
      </div>
    );
  }
  const title = titleOf(state, q.record.trainingId);
  const at = vnDateTime(new Date(q.at)).time;
  let body;
  if (q.sentAt !== undefined) {
    body = (
      <>
        <p id="self-result" class="tr-ok" data-status="done">
          Đã điểm danh
        </p>
        <p>
          {q.answer?.fullName ? `${q.answer.fullName} · ` : ''}lúc {at}
          {q.answer?.late ? ' (đến muộn)' : ''}
        </p>
        {q.answer?.status === 'duplicate' && q.answer.reason && <p class="note">{q.answer.reason}</p>}
        {q.answer?.notInvited && <p class="note">Bạn không có trong danh sách mời của lớp: ban tổ chức vẫn ghi nhận và sẽ xem lại.</p>}
      </>
    );
  } else if (q.status === 'rejected') {
    body = (
      <>
        <p id="self-result" class="tr-bad" data-status="rejected">
          Chưa điểm danh được
        </p>
        <p class="q-reason">{q.reason}</p>
        <div class="q-actions">
          <a class="ghost" href="#tap-huan/nhap-ma">
            Nhập mã
          </a>
          <button type="button" class="ghost danger" onClick={() => void t.discard(q.id).then(() => go({ name: 'mine' }, true))}>
            Bỏ
          </button>
        </div>
      </>
    );
  } else {
    body = (
      <>
        <p id="self-result" class="tr-wait" data-status="pending">
          Đã ghi nhận lúc {at}
          {state.online ? ', đang gửi…' : ', chờ có mạng để gửi.'}
        </p>
        {!state.online && <p>Không có mạng: lượt điểm danh được giữ trên máy và tự gửi khi có mạng (máy chủ kiểm tra mã theo giờ bạn quét).</p>}
      </>
    );
  }
  return (
    <div id="result-view" class="card" aria-live="polite">
      <h1>{title}</h1>
      {body}
      <a class="link" href="#tap-huan/cua-toi">
        Tập huấn của tôi
      </a>
    </div>
  );
}
