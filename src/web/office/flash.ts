/**
 * A message to show at the top of the next page, after a redirect ("Đã đổi mật khẩu."): set by a
 * page before it navigates, taken once by the router (`app.tsx`) when the next page opens.
 */
export interface Flash {
  kind: 'ok' | 'error' | 'info';
  text: string;
}

let pending: Flash | null = null;

/** Keeps `text` to show on the next page (replaces a message not shown yet). */
export function flash(kind: Flash['kind'], text: string): void {
  pending = { kind, text };
}

/** The pending message, once (null when there is none). */
export function takeFlash(): Flash | null {
  const f = pending;
  pending = null;
  return f;
}
