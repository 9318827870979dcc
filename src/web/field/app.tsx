/**
 * The field app's page (/field/), in Preact: the bar (sync badge, network), the sign-in and
 * password pages, the one-screen record form with the queue and the summary, the footer; the
 * trainings screens (trainings/screen.tsx, the Trainings controller) in place of the form while the
 * hash names one. State and behaviour are the FieldApp's (controller.ts); this file renders them
 * and sets the performance marks the benchmark reads (bench/field.ts): `ngoso:signin-ready` when the sign-in page first
 * shows, `ngoso:form-ready` when the record form first shows with the team, members and services.
 * Bundled by esbuild (src/web/web.build.ts) into /field/app.js.
 */
import { render } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { FieldApp, type FieldState } from './controller.js';
import { QueueBox, SummaryBar } from './queue-box.js';
import { RecordForm } from './record-form.js';
import { PasswordView, SignInView } from './signin.js';
import { clockWarning } from './sync.js';
import { TrainingsScreen, useTrainingsRoute, ViewSwitch } from './trainings/screen.js';
import { Trainings } from './trainings/trainings.js';
import { DemandScreen, pendingAcks, sendPendingAcks, useDemandRoute } from './directives-loader.js';

/** Sets a performance mark once per page load. */
function markOnce(name: string) {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}

/**
 * The sync badge of the bar: "Đã đồng bộ" or "N chưa đồng bộ", counting the support sessions and
 * the training check-ins still on the phone; a tap sends both now and shows the sessions' queue.
 */
function SyncBadge({ app, state, trainings }: { app: FieldApp; state: FieldState; trainings: Trainings }) {
  const [t, setT] = useState(trainings.state.sync);
  useLayoutEffect(() => trainings.subscribe((x) => setT(x.sync)), [trainings]);
  // the directives' acknowledgements waiting on the phone count too, and leave whenever the network returns
  const [acks, setAcks] = useState(0);
  const userId = state.user?.id;
  useLayoutEffect(() => {
    if (!userId) return;
    const count = () => void pendingAcks(userId).then(setAcks);
    const send = () => void sendPendingAcks(userId).then(count, count);
    send();
    window.addEventListener('online', send);
    window.addEventListener('ngoso:directives-sent', count);
    return () => (window.removeEventListener('online', send), window.removeEventListener('ngoso:directives-sent', count));
  }, [userId]);
  const s = state.sync;
  const total = s.total + t.total + acks;
  const rejected = s.rejected + t.rejected;
  const onClick = () => {
    app.syncNow();
    trainings.sendNow();
    if (userId) void sendPendingAcks(userId);
    document.getElementById('queue-box')?.scrollIntoView();
  };
  return (
    <button id="sync-badge" class="badge" type="button" hidden={!state.user} aria-live="polite" data-count={String(total)} data-state={total === 0 ? 'done' : rejected > 0 ? 'rejected' : 'pending'} onClick={onClick}>
      {total === 0 ? 'Đã đồng bộ' : `${total} chưa đồng bộ${s.running || t.running ? ' …' : ''}`}
    </button>
  );
}

/** The whole page for the app's current state. */
export function Shell({ app, trainings }: { app: FieldApp; trainings: Trainings }) {
  const route = useTrainingsRoute();
  const demand = useDemandRoute();
  const directives = demand !== null;
  const [state, setState] = useState(app.state);
  useLayoutEffect(() => {
    const off = app.subscribe(setState);
    setState(app.state); // a change between the first render and this subscription
    return off;
  }, [app]);
  const { view, user, ctx } = state;
  useLayoutEffect(() => {
    if (view === 'record' && ctx) markOnce('ngoso:form-ready');
    if (view === 'signin') markOnce('ngoso:signin-ready');
  }, [view, ctx]);

  const signOut = async () => {
    const waiting = await app.waiting();
    if (waiting && !confirm(`Còn ${waiting} bản ghi chưa đồng bộ. Chúng vẫn được giữ trên máy và sẽ gửi khi bạn đăng nhập lại. Đăng xuất?`)) return;
    await app.signOut();
  };

  return (
    <>
      <header class="bar">
        <div class="title">
          <span class="mark" aria-hidden="true">NS</span>
          <ViewSwitch route={route} signedIn={!!user && view === 'record'} demand={demand} />
        </div>
        <div class="status">
          <SyncBadge app={app} state={state} trainings={trainings} />
          <span id="net" class="net" role="status" data-online={state.online ? '1' : '0'}>
            {state.online ? 'Có mạng' : 'Không có mạng'}
          </span>
        </div>
      </header>

      <main id="main">
        {view === 'boot' && (
          <p id="boot" class="boot">
            Đang mở ứng dụng…
          </p>
        )}
        {view === 'signin' && <SignInView app={app} note={state.signinNote} />}
        {view === 'password' && <PasswordView app={app} />}
        {view === 'record' && ctx && demand && user && <DemandScreen part={demand} userId={user.id} />}
        {view === 'record' && ctx && !directives && route && <TrainingsScreen t={trainings} route={route} />}
        {view === 'record' && ctx && !directives && !route && (
          <section id="view-record" aria-labelledby="record-title">
            {clockWarning(state.clockOffsetMs) && (
              <p id="clock-warning" class="clock-warning" role="alert">
                {clockWarning(state.clockOffsetMs)}
              </p>
            )}
            <RecordForm app={app} state={state} ctx={ctx} />
            <SummaryBar summary={state.summary} teamId={state.form.teamId} />
            <QueueBox app={app} state={state} ctx={ctx} />
          </section>
        )}
      </main>

      <footer class="foot">
        <span id="who">{user ? user.fullName : ''}</span>
        {user && (
          <button id="signout" type="button" class="link" onClick={() => void signOut()}>
            Đăng xuất
          </button>
        )}
        <a href="/office/">Trang quản lý</a>
      </footer>
    </>
  );
}

const root = document.getElementById('app')!;
const app = new FieldApp();
const trainings = new Trainings(app);
// the static shell of index.html (shown while this script loads) gives way to the rendered page
root.replaceChildren();
render(<Shell app={app} trainings={trainings} />, root);
void app.boot();
// a screen loaded on demand (help requests) queued a session: send it with the others
window.addEventListener('ngoso:queued', () => app.syncNow());
trainings.attach();
