/**
 * The host's screens ("Điểm danh tập huấn", issue 14, item 7): the sessions of today and the next
 * days at the points the signed-in account hosts, and a point's check-in list: the invited members
 * by given name, a search box that ignores diacritics, one tap to check someone in (the time shows
 * and "Hoàn tác" undoes it until it is sent), walk-ins by name and phone, refused check-ins with
 * the server's reason, and the way to the point's QR. Everything works from the phone's copy when
 * offline; state and behaviour are the Trainings controller's (trainings.ts).
 */
import { useState } from 'preact/hooks';
import { vnDateTime, vnToday } from '../../shared/time.js';
import { dayLabel, filterRoster, type HostSession, pointRoster, type RosterRow, sessionsByDay, timeRange, walkInProblem } from './model.js';
import type { Trainings, TrainingsState } from './trainings.js';

const hm = (ms: number) => vnDateTime(new Date(ms)).time;

/** What waits to be sent, or that everything has been; "Gửi ngay" when online. */
export function SendStatus({ t, state }: { t: Trainings; state: TrainingsState }) {
  const s = state.sync;
  const waiting = s.pending;
  return (
    <p id="tr-sync" class="tr-sync" role="status" data-pending={String(waiting)} data-rejected={String(s.rejected)}>
      {waiting === 0 ? (s.rejected ? `${s.rejected} lượt bị từ chối: xem lý do bên dưới.` : 'Đã gửi hết lên máy chủ.') : `${waiting} lượt điểm danh chưa gửi${s.running ? ' …' : '.'}`}
      {waiting > 0 && !state.online && ' Không có mạng: được giữ trên máy và tự gửi khi có mạng.'}
      {waiting > 0 && state.online && !s.running && (
        <button id="tr-send" type="button" class="link" onClick={() => t.sendNow()}>
          Gửi ngay
        </button>
      )}
    </p>
  );
}

/** "Điểm danh tập huấn": my sessions by day, each point a large button to its check-in list. */
export function HostHome({ t, state }: { t: Trainings; state: TrainingsState }) {
  const hosting = state.hosting;
  if (!hosting) return <p class="boot">{state.loading ? 'Đang tải danh sách lớp tập huấn…' : (state.error ?? 'Cần có mạng một lần để tải danh sách lớp tập huấn.')}</p>;
  const today = vnToday(new Date(t.trueNow()));
  const days = sessionsByDay(hosting.data, today);
  return (
    <div id="host-home">
      <h1>Điểm danh tập huấn</h1>
      {days.length === 0 && <p class="note">Bạn không phụ trách điểm cầu nào từ hôm nay đến tuần sau.</p>}
      {days.map((d) => (
        <div key={d.day} class="tr-day">
          <h2>{dayLabel(d.day, today)}</h2>
          {d.sessions.map((s) => (
            <SessionCard key={s.id} s={s} />
          ))}
        </div>
      ))}
      <p class="note">Danh sách lúc {vnDateTime(new Date(hosting.fetchedAt - hosting.offsetMs)).time}{state.online ? '' : ' (đang dùng bản lưu trên máy)'}.</p>
      <SendStatus t={t} state={state} />
    </div>
  );
}

function SessionCard({ s }: { s: HostSession }) {
  return (
    <article class="card tr-session" data-training={String(s.id)}>
      <p class="tr-title">{s.title}</p>
      <p class="note">
        {timeRange(s.startsAt, s.endsAt)} · {s.topic}
        {s.closedAt ? ' · đã đóng điểm danh' : ''}
      </p>
      {s.points.map((p) => (
        <a key={p.pointId} class="primary tr-point" href={`#tap-huan/diem/${s.id}/${p.pointId}`} data-point={String(p.pointId)}>
          {p.name}
          <span class="tr-point-sub">
            {p.communeName} · {p.checkedIn.length}/{s.invited.length} đã điểm danh
          </span>
        </a>
      ))}
    </article>
  );
}

/** A point's check-in list. */
export function PointView({ t, state, trainingId, pointId }: { t: Trainings; state: TrainingsState; trainingId: number; pointId: number }) {
  const [query, setQuery] = useState('');
  const [walkIn, setWalkIn] = useState(false);
  const session = state.hosting?.data.sessions.find((s) => s.id === trainingId);
  const point = session?.points.find((p) => p.pointId === pointId);
  if (!session || !point) {
    return (
      <div class="card">
        <p>{state.hosting ? 'Bạn không phụ trách điểm cầu này (hoặc lớp đã qua).' : 'Đang tải danh sách…'}</p>
        <a class="ghost" href="#tap-huan">
          Về danh sách lớp
        </a>
      </div>
    );
  }
  const roster = pointRoster(session, pointId, state.outbox);
  const rows = filterRoster(roster.members, query);
  return (
    <div id="point-view" data-training={String(trainingId)} data-point={String(pointId)}>
      <div class="tr-head">
        <a class="link tr-back" href="#tap-huan">
          ‹ Lớp
        </a>
        <div class="tr-head-text">
          <h1 class="tr-title">{point.name}</h1>
          <p class="note">
            {session.title} · {timeRange(session.startsAt, session.endsAt)}
          </p>
        </div>
      </div>
      <p id="point-count" class="tr-count">
        Đã điểm danh <b>{roster.checkedIn}</b>/{roster.invited}
        {(() => {
          const walkIns = roster.walkIns.filter((w) => w.state.kind === 'done' || w.state.kind === 'pending').length;
          return walkIns ? ` · ${walkIns} người ngoài danh sách` : '';
        })()}
      </p>
      {session.closedAt && <p class="msg">Ban tổ chức đã đóng điểm danh: lượt điểm danh mới sẽ bị từ chối.</p>}
      <div class="tr-actions">
        <a id="show-qr" class="ghost" href={`#tap-huan/qr/${trainingId}/${pointId}`}>
          Hiện mã QR
        </a>
        <button id="walkin-open" class="ghost" type="button" aria-expanded={walkIn} onClick={() => setWalkIn(!walkIn)}>
          Người ngoài danh sách
        </button>
      </div>
      {walkIn && <WalkInForm onSave={(name, phone) => t.walkIn(trainingId, pointId, name, phone).then(() => setWalkIn(false))} />}
      <input id="ck-search" type="search" placeholder="Tìm tên (gõ không dấu cũng được)" aria-label="Tìm tên" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
      <ul id="ck-list" class="ck-list">
        {rows.map((r) => (
          <Row key={r.key} r={r} t={t} trainingId={trainingId} pointId={pointId} />
        ))}
      </ul>
      {rows.length === 0 && <p class="note">Không có ai tên như vậy trong danh sách mời. Người chưa có trong danh sách: bấm "Người ngoài danh sách".</p>}
      {roster.walkIns.length > 0 && (
        <>
          <h2>Người ngoài danh sách ({roster.walkIns.length})</h2>
          <ul id="walkin-list" class="ck-list">
            {roster.walkIns.map((r) => (
              <Row key={r.key} r={r} t={t} trainingId={trainingId} pointId={pointId} />
            ))}
          </ul>
        </>
      )}
      <SendStatus t={t} state={state} />
    </div>
  );
}

/** One person: a tap checks them in; once checked, the time (and "Hoàn tác" while it waits on the phone), or the server's refusal. */
function Row({ r, t, trainingId, pointId }: { r: RosterRow; t: Trainings; trainingId: number; pointId: number }) {
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const s = r.state;
  const who = (
    <span class="ck-who">
      <span class="ck-name">{r.fullName}</span>
      {r.teamName && <span class="ck-team">{r.teamName}</span>}
      {s.kind === 'elsewhere' && <span class="ck-team">Đã điểm danh ở điểm cầu khác</span>}
    </span>
  );
  if (s.kind === 'none' && r.memberId !== null) {
    const memberId = r.memberId;
    return (
      <li class="ck-row" data-state="none" data-name={r.fullName}>
        <button type="button" class="ck-tap" onClick={() => void t.checkIn(trainingId, pointId, memberId)}>
          {who}
          <span class="ck-go">Điểm danh</span>
        </button>
      </li>
    );
  }
  return (
    <li class="ck-row" data-state={s.kind} data-name={r.fullName}>
      <div class="ck-done">
        {who}
        {s.kind === 'pending' && (
          <span class="ck-side">
            <span class="ck-time">✓ {hm(s.at)}</span>
            <button
              type="button"
              class="ghost ck-undo"
              onClick={() => void t.undo(s.id).then((ok) => setNote(ok ? null : 'Đã gửi lên máy chủ: không hoàn tác được nữa (nhờ ban tổ chức sửa nếu nhầm).'))}
            >
              Hoàn tác
            </button>
          </span>
        )}
        {s.kind === 'done' && (
          <span class="ck-side">
            <span class="ck-time ck-sent">✓ {hm(s.at)}</span>
            {r.memberId !== null && !note && (
              <button type="button" class="ghost ck-leave" onClick={() => void t.leave(trainingId, pointId, r.memberId!).then(() => setNote(`Đã ghi giờ về: ${hm(Date.now())}.`))}>
                Về
              </button>
            )}
          </span>
        )}
      </div>
      {s.kind === 'done' && s.note && <p class="note">{s.note}</p>}
      {note && <p class="msg">{note}</p>}
      {s.kind === 'rejected' && (
        <div class="ck-refused">
          <p class="q-reason">Bị từ chối: {s.reason}</p>
          <div class="q-actions">
            {r.memberId === null && (
              <button type="button" class="ghost" onClick={() => setEditing(!editing)}>
                Sửa
              </button>
            )}
            <button type="button" class="ghost danger" onClick={() => void t.discard(s.id)}>
              Bỏ
            </button>
          </div>
          {editing && <WalkInForm initial={{ fullName: r.fullName, phone: r.teamName ?? '' }} onSave={(name, phone) => t.correctWalkIn(s.id, name, phone).then(() => setEditing(false))} />}
        </div>
      )}
    </li>
  );
}

/** Name and phone of someone not in the registry (the commune officer is offered to add them later). */
function WalkInForm({ initial, onSave }: { initial?: { fullName: string; phone: string }; onSave: (fullName: string, phone: string) => Promise<void> }) {
  const [fullName, setFullName] = useState(initial?.fullName ?? '');
  const [phone, setPhone] = useState(initial?.phone ?? '');
  const [problem, setProblem] = useState<ReturnType<typeof walkInProblem>>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const p = walkInProblem(fullName, phone);
    setProblem(p);
    if (!p) void onSave(fullName, phone);
  };
  return (
    <form class="card walkin" onSubmit={submit} noValidate>
      <label for="walkin-name">Họ và tên</label>
      <input id="walkin-name" autocomplete="off" value={fullName} aria-invalid={problem?.field === 'fullName'} onInput={(e) => setFullName((e.target as HTMLInputElement).value)} />
      <label for="walkin-phone">
        Số điện thoại <span class="hint">(nếu có)</span>
      </label>
      <input id="walkin-phone" type="tel" inputMode="tel" autocomplete="off" value={phone} aria-invalid={problem?.field === 'phone'} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
      {problem && <p class="field-msg">{problem.message}</p>}
      <button id="walkin-save" type="submit" class="primary">
        {initial ? 'Gửi lại' : 'Điểm danh người này'}
      </button>
    </form>
  );
}
