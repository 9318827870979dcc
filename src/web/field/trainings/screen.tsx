/**
 * The trainings part's screens in the field app (issue 14, item 7), chosen by the address's hash
 * (model.ts parseRoute): the host's sessions and a point's check-in list (host.tsx), the point's
 * QR (qr-view.tsx), "Tập huấn của tôi", typing a code and a self check-in's outcome (mine.tsx).
 * app.tsx shows `TrainingsScreen` instead of the record form while the hash names one of them, and
 * `ViewSwitch`, the bar's title, opens a menu to go from one to the other.
 */
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { clockWarning } from '../sync.js';
import { HostHome, PointView } from './host.js';
import { CodeForm, MineView, ResultView } from './mine.js';
import { parseRoute, type Route } from './model.js';
import { QrView } from './qr-view.js';
import { go, type Trainings, type TrainingsState } from './trainings.js';

/** The trainings route of the current hash (null: the record form), following hash changes. */
export function useTrainingsRoute(): Route | null {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/**
 * The bar's title, "Ghi hoạt động ▾" or "Tập huấn ▾": a tap opens the menu of the app's parts (the
 * record form, the host's check-in, my trainings), each a large row. Plain text while nobody is
 * signed in.
 */
export function ViewSwitch({ route, signedIn, demand = null }: { route: Route | null; signedIn: boolean; demand?: 'directives' | 'help' | null }) {
  const directives = demand !== null;
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    // a tap anywhere else closes the menu
    const outside = (e: Event) => !(e.target as Element).closest?.('#view-switch') && setOpen(false);
    document.addEventListener('click', outside);
    return () => document.removeEventListener('click', outside);
  }, [open]);
  const title = demand === 'help' ? 'Nhờ hỗ trợ' : directives ? 'Chỉ đạo' : route ? 'Tập huấn' : 'Ghi hoạt động';
  if (!signedIn) return <span class="title-text">{title}</span>;
  const close = () => setOpen(false);
  const mine = route?.name === 'mine' || route?.name === 'code' || route?.name === 'result';
  return (
    <details id="view-switch" class="switch" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary aria-label={`${title}: chọn việc khác`}>
        <span class="switch-text">{title}</span>
        <span class="switch-caret" aria-hidden="true">
          ▾
        </span>
      </summary>
      <nav class="switch-menu">
        <a id="to-record" href="#" aria-current={route || directives ? undefined : 'page'} onClick={close}>
          Ghi hoạt động hỗ trợ
        </a>
        <a id="to-trainings" href="#tap-huan" aria-current={route && !mine ? 'page' : undefined} onClick={close}>
          Tập huấn: điểm danh
        </a>
        <a id="to-mine" href="#tap-huan/cua-toi" aria-current={mine ? 'page' : undefined} onClick={close}>
          Tập huấn của tôi
        </a>
        <a id="to-directives" href="#chi-dao" aria-current={demand === 'directives' ? 'page' : undefined} onClick={close}>
          Chỉ đạo gửi tổ
        </a>
        <a id="to-help" href="#ho-tro" aria-current={demand === 'help' ? 'page' : undefined} onClick={close}>
          Người dân nhờ hỗ trợ
        </a>
      </nav>
    </details>
  );
}

/** The trainings part's state, re-rendered on every change. */
export function useTrainings(t: Trainings): TrainingsState {
  const [state, setState] = useState(t.state);
  useLayoutEffect(() => {
    const off = t.subscribe(setState);
    setState(t.state);
    return off;
  }, [t]);
  return state;
}

/** The tabs of the trainings part for a host: the check-in and my own trainings (a member who hosts nothing sees only the latter, without tabs). */
function Tabs({ at, hosting }: { at: 'host' | 'mine'; hosting: boolean }) {
  if (!hosting) return null;
  return (
    <nav class="tabs" aria-label="Tập huấn">
      <a class="tab" href="#tap-huan" aria-current={at === 'host' ? 'page' : undefined}>
        Điểm danh tập huấn
      </a>
      <a class="tab" href="#tap-huan/cua-toi" aria-current={at === 'mine' ? 'page' : undefined}>
        Tập huấn của tôi
      </a>
    </nav>
  );
}

/** Queues the self check-in of a scanned address once, then shows its outcome in place of the address. */
function Scan({ t, route }: { t: Trainings; route: Extract<Route, { name: 'scan' }> }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    t.selfCheckIn(route).then(
      (id) => go({ name: 'result', id }, true),
      (err: Error) => setError(err.message),
    );
  }, [t, route.trainingId, route.pointId, route.window, route.code]);
  return (
    <section class="card" aria-live="polite">
      <h1>Tự điểm danh</h1>
      <p>{error ?? 'Đang ghi nhận…'}</p>
    </section>
  );
}

/** The screen for `route`, under a warning when the phone's clock is off (the codes and times shown use the corrected one). */
export function TrainingsScreen({ t, route }: { t: Trainings; route: Route }) {
  const state = useTrainings(t);
  const warning = clockWarning(state.offsetMs);
  return (
    <section id="view-trainings">
      {warning && (
        <p id="tr-clock" class="clock-warning" role="alert">
          {warning}
        </p>
      )}
      <Screen t={t} state={state} route={route} />
    </section>
  );
}

function Screen({ t, state, route }: { t: Trainings; state: TrainingsState; route: Route }) {
  // the lists are asked again whenever they are opened (a session closed meanwhile shows its certificate); a point's screens use the copy unless it is old
  useEffect(() => void t.refresh(route.name === 'home' || route.name === 'mine'), [t, route.name]);
  // and again while the screen stays open, and when the phone wakes it
  useEffect(() => {
    const again = () => void t.refresh(false);
    const visible = () => document.visibilityState === 'visible' && again();
    const timer = setInterval(again, 60_000);
    document.addEventListener('visibilitychange', visible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [t]);
  const hosting = (state.hosting?.data.sessions.length ?? 0) > 0;
  const hostFirst = hosting || (state.loading && !state.mine);
  switch (route.name) {
    case 'home':
    case 'mine':
      return (
        <>
          <Tabs at={route.name === 'home' && hostFirst ? 'host' : 'mine'} hosting={hosting} />
          {route.name === 'home' && hostFirst ? <HostHome t={t} state={state} /> : <MineView t={t} state={state} />}
        </>
      );
    case 'point':
      return <PointView t={t} state={state} trainingId={route.trainingId} pointId={route.pointId} />;
    case 'qr':
      return <QrView state={state} trainingId={route.trainingId} pointId={route.pointId} />;
    case 'code':
      return <CodeForm t={t} state={state} />;
    case 'scan':
      return <Scan t={t} route={route} />;
    case 'result':
      return <ResultView t={t} state={state} id={route.id} />;
  }
}
