/**
 * The QR encoder of the `qrcode` package without its canvas and SVG-string renderers (both drawings
 * use only the modules, trainings.qr.ts): the same `create` as `qrcode`'s, typed by
 * @types/qrcode.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  export { create } from 'qrcode';
}
