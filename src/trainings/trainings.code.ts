/**
 * The rotating check-in code shown as a QR at a bridge point (issue 14, item 3): a six-digit code
 * from HMAC-SHA256 over the session, the point and the 45-second window (RFC 6238's TOTP with a
 * message bound to the session and point, and its dynamic truncation), keyed by the point's secret
 * in that session (`training_session_points.code_secret`). A photo of an old code fails (its
 * window has passed), and a code of another point or session fails (another message and key).
 * Written on WebCrypto only, so the server and the host's phone (offline, in the field app) compute
 * the same code from the same secret.
 */

/** One code lasts this long (ms); the server also accepts the window before (a scan at the turn). */
export const CODE_WINDOW_MS = 45_000;

/** The window an instant falls in: floor(ms since 1970 / 45,000). */
export function windowOf(at: Date | number): number {
  return Math.floor((typeof at === 'number' ? at : at.getTime()) / CODE_WINDOW_MS);
}

const keys = new Map<string, Promise<CryptoKey>>();
function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const raw = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    if (keys.size > 500) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** The six-digit code of (session, point) in `window`, from the point's base64 secret. */
export async function checkInCode(secret: string, trainingId: number, pointId: number, window: number): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keyOf(secret), new TextEncoder().encode(`ngoso-checkin:${trainingId}:${pointId}:${window}`)));
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

/** What the QR carries: the field app's check-in address with session, point, window and code. */
export function checkInUrl(origin: string, trainingId: number, pointId: number, window: number, code: string): string {
  return `${origin}/field/#diem-danh/${trainingId}/${pointId}/${window}/${code}`;
}

/** Reads a check-in address (or its `#diem-danh/…` part) back; null when it is not one. */
export function parseCheckInUrl(text: string): { trainingId: number; pointId: number; window: number; code: string } | null {
  const m = /#diem-danh\/(\d{1,9})\/(\d{1,9})\/(\d{1,12})\/(\d{6})$/.exec(text.trim());
  return m ? { trainingId: Number(m[1]), pointId: Number(m[2]), window: Number(m[3]), code: m[4] } : null;
}

/**
 * Whether `code` is the point's code at the instant `at` (the server's clock, or a phone's
 * corrected time): the window of `at` or the one before. 'expired' when it is the code of an
 * earlier or later window of this point (within four days: a photo of yesterday's code), 'wrong' otherwise (another point,
 * another session, a mistyped code).
 */
export async function verifyCheckInCode(secret: string, trainingId: number, pointId: number, code: string, at: Date, claimedWindow?: number): Promise<'ok' | 'expired' | 'wrong'> {
  const now = windowOf(at);
  for (const w of [now, now - 1]) if ((await checkInCode(secret, trainingId, pointId, w)) === code) return 'ok';
  if (claimedWindow !== undefined && Math.abs(claimedWindow - now) <= 4 * 1920 && (await checkInCode(secret, trainingId, pointId, claimedWindow)) === code) return 'expired';
  return 'wrong';
}
