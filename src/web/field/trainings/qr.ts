/**
 * The point's check-in address as a QR code for the host's screen (issue 14, item 3): the modules
 * from the `qrcode` package's encoder (`create`, error correction M as on the certificates), drawn
 * by the page as one SVG path: no canvas, no network, no inline style (the strict CSP holds).
 */
import { qrRuns } from '../../../trainings/trainings.qr.js';

/** How many light modules surround the symbol (the standard's quiet zone). */
export const QUIET_ZONE = 4;

/**
 * The QR code of `text` as SVG path data in module units, offset by the quiet zone: one rectangle
 * ("M x y h w v 1 h -w z") per run of dark modules in a row; `size` is the symbol's modules per side
 * and `box` the side with the quiet zone (the SVG's viewBox).
 */
export function qrPath(text: string): { size: number; box: number; d: string } {
  const { size: n, runs } = qrRuns(text);
  const d = runs.map((r) => `M${r.col + QUIET_ZONE} ${r.row + QUIET_ZONE}h${r.length}v1h-${r.length}z`).join('');
  return { size: n, box: n + 2 * QUIET_ZONE, d };
}

/** The dark modules a path of `qrPath` draws, as "row,col" (tests rebuild the matrix from the drawing). */
export function modulesOfPath(d: string): Set<string> {
  const out = new Set<string>();
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let i = 0; i < w; i++) out.add(`${y - QUIET_ZONE},${x - QUIET_ZONE + i}`);
  }
  return out;
}
