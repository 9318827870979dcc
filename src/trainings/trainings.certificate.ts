/**
 * Training certificates (giấy chứng nhận, issue 14) as PDF: one A4 landscape page per person, laid
 * out like an official Vietnamese certificate (issuing body and national motto at the top, title,
 * name, training, dates, place and date line), with a vector QR code of the public verification
 * page and the verification code at the bottom left. Drawn with pdfkit in DejaVu Serif (regular,
 * bold, italic; read from the `dejavu-fonts-ttf` package once per process, registered once per
 * document, embedded as subsets), so every Vietnamese letter renders in any PDF reader.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { Transform, Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { formatDateVi, isIsoDay } from '../text/dates.js';
import { cleanText } from '../text/vietnamese.js';
import { qrRuns } from './trainings.qr.js';
import { AppError } from '../http/errors.js';

/** What one certificate shows. Texts are NFC-normalised before drawing; days are Vietnam days. */
export interface CertificateData {
  /** verification code, e.g. 'K7QM-2XDP-9HTA' */
  code: string;
  fullName: string;
  trainingTitle: string;
  topicName: string;
  /** the training's Vietnam day, 'YYYY-MM-DD' (its first day if several) */
  day: string;
  /** the last day, when the training ran over several days */
  lastDay?: string;
  /** the bridge point (điểm cầu) where the person attended */
  pointName?: string;
  /** issuing body, e.g. 'UBND TỈNH SƠN LA' */
  organiser: string;
  /** second line of the issuing body, e.g. 'BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ' */
  organiserSub?: string;
  /** place of the date line: 'Sơn La' → 'Sơn La, ngày 05 tháng 11 năm 2026' */
  placeName: string;
  /** absolute URL of the public verification page, drawn as the QR code and as text */
  verifyUrl: string;
}

const require = createRequire(import.meta.url);
const FONT_FILES = { regular: 'DejaVuSerif.ttf', bold: 'DejaVuSerif-Bold.ttf', italic: 'DejaVuSerif-Italic.ttf' } as const;
type FontName = keyof typeof FONT_FILES;
let fontBytes: Record<FontName, Buffer> | undefined;
/** The three font files, read once per process (pdfkit parses and subsets them per document). */
function fonts(): Record<FontName, Buffer> {
  fontBytes ??= Object.fromEntries(
    Object.entries(FONT_FILES).map(([name, file]) => [name, readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`))]),
  ) as Record<FontName, Buffer>;
  return fontBytes;
}

const W = 841.89; // A4 landscape, points
const H = 595.28;
const RED = '#8e1b1b';
const INK = '#1a1a1a';
const NAVY = '#1c3560';
const EMPTY_MESSAGE = 'Không có giấy chứng nhận nào để in.';
/** pages drawn between two turns of the event loop (and backpressure checks when streaming) */
const PAGES_PER_TURN = 20;

type Doc = PDFKit.PDFDocument;

/** 'YYYY-MM-DD' → 'ngày 05 tháng 11 năm 2026' (the official date line's wording). */
function longDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `ngày ${d} tháng ${m} năm ${y}`;
}

/** The largest size from `max` down to `min` (0.5 pt steps) at which `text` fits `width` in `font`. */
function fit(doc: Doc, text: string, font: FontName, max: number, min: number, width: number): number {
  doc.font(font, max);
  const w = doc.widthOfString(text);
  if (w <= width) return max;
  return Math.max(min, Math.floor(((max * width) / w) * 2) / 2);
}

/**
 * `text` centred on `cx` in `lines` lines at most (one by default), shrunk to fit `width` (down to
 * `min`), wrapped to more lines only below `min`. Returns the y below it.
 */
function centred(doc: Doc, text: string, font: FontName, size: number, y: number, cx: number, width: number, color = INK, min = size * 0.7, lines = 1): number {
  let s = fit(doc, text, font, size, lines > 1 ? size : min, width);
  const opts = { width, align: 'center' as const, lineGap: 1 };
  while (lines > 1 && s > min && doc.font(font, s).heightOfString(text, opts) > lines * (doc.currentLineHeight(true) + opts.lineGap) + 0.5) s -= 0.5;
  doc.font(font, s).fillColor(color).text(text, cx - width / 2, y, opts);
  return doc.y;
}

/** "Label: value" centred on one line, the value bold; shrunk to fit like `centred`. */
function labelled(doc: Doc, label: string, value: string, size: number, y: number, cx: number, width: number): number {
  let s = size;
  const widths = () => [doc.font('regular', s).widthOfString(label), doc.font('bold', s).widthOfString(value)];
  let [a, b] = widths();
  while (a + b > width && s > size * 0.7) [a, b] = ((s -= 0.5), widths());
  if (a + b > width) return centred(doc, label + value, 'regular', s, y, cx, width, INK, s); // too long even small: wrap
  const x = cx - (a + b) / 2;
  doc.font('regular', s).fillColor(INK).text(label, x, y, { lineBreak: false });
  doc.font('bold', s).fillColor(NAVY).text(value, x + a, y, { lineBreak: false });
  return y + doc.currentLineHeight(true) + 1;
}

/** The QR code of `url` as filled vector squares (one rectangle per run of dark modules), `size` pt wide. */
function qr(doc: Doc, url: string, x: number, y: number, size: number): void {
  const { size: n, runs } = qrRuns(url);
  const cell = size / n;
  // a hair taller than the cell so no seam shows between rows when a reader anti-aliases
  for (const r of runs) doc.rect(x + r.col * cell, y + r.row * cell, r.length * cell, cell + 0.05);
  doc.fillColor('#000').fill();
}

/** Double frame with small corner squares. */
function frame(doc: Doc): void {
  doc.lineWidth(2.5).strokeColor(RED).rect(18, 18, W - 36, H - 36).stroke();
  doc.lineWidth(0.8).rect(25, 25, W - 50, H - 50).stroke();
  for (const [x, y] of [[25, 25], [W - 25, 25], [25, H - 25], [W - 25, H - 25]]) doc.rect(x - 4, y - 4, 8, 8).fill(RED);
}

/** Draws one certificate on a new page. */
function page(doc: Doc, c: CertificateData): void {
  doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 });
  frame(doc);
  // issuing body, top left
  const left = 205;
  let y = centred(doc, c.organiser, c.organiserSub ? 'regular' : 'bold', 12, 50, left, 300);
  if (c.organiserSub) y = centred(doc, c.organiserSub, 'bold', 12, y, left, 300);
  doc.lineWidth(0.8).strokeColor(INK).moveTo(left - 40, y + 5).lineTo(left + 40, y + 5).stroke();
  // national motto, top right
  const right = 600;
  y = centred(doc, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'bold', 12, 50, right, 380);
  const motto = 'Độc lập - Tự do - Hạnh phúc';
  y = centred(doc, motto, 'bold', 13, y, right, 380);
  const mw = doc.widthOfString(motto) / 2;
  doc.lineWidth(0.8).moveTo(right - mw, y + 5).lineTo(right + mw, y + 5).stroke();
  // title and body, centred
  const cx = W / 2;
  const width = 640;
  centred(doc, 'GIẤY CHỨNG NHẬN', 'bold', 38, 122, cx, width, RED);
  y = centred(doc, 'Chứng nhận Ông/Bà:', 'italic', 15, 190, cx, width);
  y = centred(doc, c.fullName, 'bold', 28, y + 4, cx, width, NAVY, 15);
  y = centred(doc, 'Đã tham gia lớp tập huấn:', 'regular', 14, y + 10, cx, width);
  y = centred(doc, c.trainingTitle, 'bold', 17, y + 3, cx, width, NAVY, 10.5, 2);
  y = labelled(doc, 'Chủ đề: ', c.topicName, 14, y + 8, cx, width);
  const when = c.lastDay && c.lastDay !== c.day ? `từ ngày ${formatDateVi(c.day)} đến ngày ${formatDateVi(c.lastDay)}` : `ngày ${formatDateVi(c.day)}`;
  y = labelled(doc, 'Thời gian: ', when, 14, y + 4, cx, width);
  if (c.pointName) y = labelled(doc, 'Tại điểm cầu: ', c.pointName, 14, y + 4, cx, width);
  // date line, right
  centred(doc, `${c.placeName}, ${longDate(c.lastDay ?? c.day)}`, 'italic', 13, Math.max(y + 18, 425), right, 380);
  // verification, bottom left
  const size = 92;
  qr(doc, c.verifyUrl, 52, H - 55 - size - 34, size); // a quiet zone of about 4 modules above the text
  y = H - 55 - 22;
  const lw = doc.font('regular', 9).widthOfString('Mã xác minh: ');
  doc.fillColor(INK).text('Mã xác minh: ', 52, y, { lineBreak: false }).font('bold', 9).text(c.code, 52 + lw, y, { lineBreak: false });
  doc.font('regular', fit(doc, c.verifyUrl, 'regular', 8, 5, 330)).fillColor('#444').text(c.verifyUrl, 52, y + 13, { lineBreak: false });
}

/** NFC, single spaces; refuses a day that is not a calendar date (a caller's bug, not the officer's). */
function clean(c: CertificateData): CertificateData {
  for (const d of [c.day, c.lastDay]) if (d !== undefined && !isIsoDay(d)) throw new Error(`certificate ${c.code}: day ${d} is not YYYY-MM-DD`);
  const t = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : cleanText(s));
  return {
    ...c,
    code: cleanText(c.code), fullName: cleanText(c.fullName), trainingTitle: cleanText(c.trainingTitle), topicName: cleanText(c.topicName),
    pointName: t(c.pointName), organiser: cleanText(c.organiser), organiserSub: t(c.organiserSub), placeName: cleanText(c.placeName), verifyUrl: c.verifyUrl.trim(),
  };
}

function newDocument(items: CertificateData[], title?: string): Doc {
  if (items.length === 0) throw new AppError('NOT_FOUND', EMPTY_MESSAGE);
  const first = cleanText(items[0].trainingTitle);
  const doc = new PDFDocument({
    autoFirstPage: false,
    lang: 'vi-VN',
    displayTitle: true,
    // prettier-ignore
    info: { Title: cleanText(title ?? `Giấy chứng nhận — ${items.length === 1 ? items[0].fullName : first}`), Author: 'Ngõ Số', Subject: first, Creator: 'Ngõ Số — tập huấn', Producer: 'Ngõ Số (pdfkit)' },
  });
  for (const [name, bytes] of Object.entries(fonts())) doc.registerFont(name, bytes);
  return doc;
}

/** Gathers pdfkit's small pushes (about 200 bytes each) into 64 KiB writes: an HTTP response in 80 chunks, not 20,000. */
function batches(size = 65_536): Transform {
  let held: Buffer[] = [];
  let length = 0;
  const release = (t: Transform) => (length && t.push(Buffer.concat(held, length)), (held = []), (length = 0));
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      held.push(chunk);
      if ((length += chunk.length) >= size) release(this);
      callback();
    },
    flush: (callback) => callback(null, length ? Buffer.concat(held, length) : undefined),
  });
}

/** Resolves when `out` drains or closes (a destination that failed closes: the caller then stops). */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => (out.off('drain', done), out.off('close', done), resolve());
    out.on('drain', done).on('close', done);
  });
}

/**
 * Writes the certificates, one A4 landscape page each in the order given, as one PDF into `out`
 * (an HTTP response, a file), waiting for `out` to drain so 1,500 pages never sit in memory, and
 * giving the event loop a turn every 20 pages. Resolves when `out` has finished; rejects if `out`
 * fails or closes early (then the document is abandoned). Errors: an empty list is
 * `AppError('NOT_FOUND', 'Không có giấy chứng nhận nào để in.')`, thrown before anything is written;
 * a day not 'YYYY-MM-DD' is an Error. The date line shows the last day (`lastDay ?? day`).
 */
export async function certificatesPdfStream(items: CertificateData[], out: NodeJS.WritableStream, opts: { title?: string } = {}): Promise<void> {
  const cleaned = items.map(clean);
  const doc = newDocument(cleaned, opts.title);
  const done = pipeline(doc, batches(), out);
  done.catch(() => {}); // handled by the `await done` below; the destination may fail while pages are still drawn
  const target = out as NodeJS.WritableStream & { writableNeedDrain?: boolean; destroyed?: boolean };
  try {
    for (let i = 0; i < cleaned.length && !doc.destroyed; i++) {
      page(doc, cleaned[i]);
      if (i % PAGES_PER_TURN !== PAGES_PER_TURN - 1) continue;
      if (target.writableNeedDrain && !target.destroyed) await drained(target);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    if (!doc.destroyed) doc.end();
  }
  await done;
}

/**
 * The certificates as one PDF in memory (one A4 landscape page each, in order); resolves with its
 * bytes. Same errors as `certificatesPdfStream`. `opts.title` is the PDF's Title (default: the
 * person's name for one certificate, else the first training's title).
 */
export async function certificatesPdf(items: CertificateData[], opts: { title?: string } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await certificatesPdfStream(items, sink, opts);
  return Buffer.concat(chunks);
}
