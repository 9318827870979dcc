/**
 * "Hiện mã QR" (issue 14, item 3): the point's rotating check-in code as a QR and as six large
 * digits for typing, computed on the phone (offline too) from the point's secret in the hosting
 * answer with trainings.code.ts (WebCrypto), for the window of the server's time (the phone's
 * clock less the offset measured against the server), redrawn at each 45-second window. The QR
 * holds this origin's check-in address (`checkInUrl`), drawn as SVG (qr.ts). The screen is kept on
 * while shown, where the browser allows it.
 */
import { useEffect, useState } from 'preact/hooks';
import { checkInCode, checkInUrl, CODE_WINDOW_MS, windowOf } from '../../../trainings/trainings.code.js';
import { timeRange } from './model.js';
import { qrPath } from './qr.js';
import type { TrainingsState } from './trainings.js';

interface Shown {
  window: number;
  code: string;
  url: string;
  path: ReturnType<typeof qrPath>;
}

type WakeLock = { release(): Promise<void> };

/** The QR screen of one point. */
export function QrView({ state, trainingId, pointId }: { state: TrainingsState; trainingId: number; pointId: number }) {
  const session = state.hosting?.data.sessions.find((s) => s.id === trainingId);
  const point = session?.points.find((p) => p.pointId === pointId);
  const secret = point?.codeSecret;
  const offset = state.offsetMs;
  const [shown, setShown] = useState<Shown | null>(null);
  const [left, setLeft] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!secret) return;
    let current = -1;
    let stopped = false;
    const tick = () => {
      const now = Date.now() - offset;
      const w = windowOf(now);
      setLeft(Math.max(0, Math.ceil(((w + 1) * CODE_WINDOW_MS - now) / 1000)));
      if (w === current) return;
      current = w;
      checkInCode(secret, trainingId, pointId, w).then(
        (code) => {
          if (stopped || w !== current) return;
          const url = checkInUrl(location.origin, trainingId, pointId, w, code);
          setShown({ window: w, code, url, path: qrPath(url) });
        },
        () => setError('Trình duyệt này không tính được mã (cần trang mở qua https).'),
      );
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [secret, trainingId, pointId, offset]);

  useEffect(() => {
    // the screen stays on while people scan (Screen Wake Lock API, where there is one)
    let lock: WakeLock | null = null;
    const nav = navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<WakeLock> } };
    nav.wakeLock?.request('screen').then((l) => (lock = l), () => {});
    return () => void lock?.release().catch(() => {});
  }, []);

  if (!session || !point) {
    return (
      <div class="card">
        <p>Không có điểm cầu này trong danh sách của bạn.</p>
        <a class="ghost" href="#tap-huan">
          Về danh sách lớp
        </a>
      </div>
    );
  }
  return (
    <div id="qr-view" class="qr-view">
      <p class="tr-title">{point.name}</p>
      <p class="note">
        {session.title} · {timeRange(session.startsAt, session.endsAt)}
      </p>
      {session.closedAt && <p class="msg">Ban tổ chức đã đóng điểm danh.</p>}
      {error && <p class="msg">{error}</p>}
      {shown && (
        <>
          <svg id="qr-svg" class="qr" viewBox={`0 0 ${shown.path.box} ${shown.path.box}`} role="img" aria-label="Mã QR điểm danh" data-url={shown.url} data-window={String(shown.window)} shape-rendering="crispEdges">
            <rect width={shown.path.box} height={shown.path.box} fill="#fff" />
            <path d={shown.path.d} fill="#000" />
          </svg>
          <p class="qr-help">Quét bằng camera điện thoại, hoặc nhập mã:</p>
          <p id="qr-code" class="qr-digits" data-code={shown.code} aria-label={`Mã ${shown.code.split('').join(' ')}`}>
            {shown.code.slice(0, 3)} {shown.code.slice(3)}
          </p>
          <p id="qr-left" class="note" aria-live="off">
            Mã đổi sau {left} giây
          </p>
        </>
      )}
      <a class="ghost big" href={`#tap-huan/diem/${trainingId}/${pointId}`}>
        Về danh sách điểm danh
      </a>
    </div>
  );
}
