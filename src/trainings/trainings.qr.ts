/**
 * A QR code as runs of dark modules, for the two places that draw one without a raster: the
 * certificates (pdfkit rectangles, trainings.certificate.ts) and the host's screen (an SVG path,
 * web/field/trainings/qr.ts). The encoder is the `qrcode` package's own `create` (error
 * correction M), imported without its canvas renderers so the phone's bundle stays small.
 */
import { create } from 'qrcode/lib/core/qrcode.js';

/** One horizontal run of dark modules: its row, first column and length, in modules. */
export interface QrRun {
  row: number;
  col: number;
  length: number;
}

/** The symbol of `text`: its modules per side and the dark runs, row by row. */
export function qrRuns(text: string): { size: number; runs: QrRun[] } {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const runs: QrRun[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; ) {
      if (!modules.data[r * n + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && modules.data[r * n + c]) c++;
      runs.push({ row: r, col: start, length: c - start });
    }
  }
  return { size: n, runs };
}
