import { Writable } from 'node:stream';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import { type CertificateData, certificatesPdf, certificatesPdfStream } from './trainings.certificate.js';

const base: CertificateData = {
  code: 'K7QM-2XDP-9HTA',
  fullName: 'Lò Thị Ánh Tuyết',
  trainingTitle: 'Tập huấn kích hoạt định danh điện tử mức 2',
  topicName: 'Định danh điện tử VNeID mức 2',
  day: '2026-11-05',
  pointName: 'Hội trường UBND xã Chiềng An',
  organiser: 'UBND TỈNH SƠN LA',
  organiserSub: 'BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ',
  placeName: 'Sơn La',
  verifyUrl: 'https://ngoso.example/xac-minh/K7QM-2XDP-9HTA',
};
const people: CertificateData[] = [
  base,
  { ...base, code: 'B3RT-8WCN-4JXE', fullName: 'Nguyễn Đức Thắng', verifyUrl: 'https://ngoso.example/xac-minh/B3RT-8WCN-4JXE' },
  // given decomposed (NFD), as some keyboards and old files write it
  { ...base, code: 'Q9ZV-6MHK-2PLD', fullName: 'Hoàng Ngọc Ỷ Quỳnh Hữu Ưng'.normalize('NFD'), verifyUrl: 'https://ngoso.example/xac-minh/Q9ZV-6MHK-2PLD' },
];

const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
const PAGE_W = 841.89; // A4 landscape, points
const PAGE_H = 595.28;
const FRAME = 25; // the inner line of the border
interface Box {
  str: string;
  x: number;
  y: number;
  w: number;
  h: number;
}
const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Each page's text (pdfjs items joined, whitespace collapsed), the raw joined text, and the QR drawn on it rebuilt as a matrix. */
async function readPdf(buf: Buffer) {
  const doc = await getDocument({ data: new Uint8Array(buf), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: { text: string; raw: string; qr: boolean[][]; boxes: Box[]; qrBox: Box }[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const items = (await page.getTextContent()).items.flatMap((i) => ('str' in i ? [i] : []));
    const raw = items.map((i) => i.str).join('');
    // text boxes in pdfkit's top-left coordinates: baseline y flipped, a line's height above it
    const boxes = items.filter((i) => i.str.trim()).map((i) => ({ str: i.str, x: i.transform[4], y: PAGE_H - i.transform[5] - i.height, w: i.width, h: i.height }));
    // the QR is the one path made of many rectangles: [x, y, w, h] each, in pdfkit's top-left coordinates
    const ops = await page.getOperatorList();
    const rects: number[][] = [];
    ops.fnArray.forEach((fn, i) => {
      if (fn !== OPS.constructPath) return;
      const [pathOps, coords] = ops.argsArray[i] as [number[], number[]];
      if (pathOps.length < 50 || pathOps.some((op) => op !== OPS.rectangle)) return;
      for (let k = 0; k < coords.length; k += 4) rects.push(coords.slice(k, k + 4));
    });
    const qrBox = { str: 'QR', x: Math.min(...rects.map((r) => r[0])), y: Math.min(...rects.map((r) => r[1])), w: 0, h: 0 };
    qrBox.w = Math.max(...rects.map((r) => r[0] + r[2])) - qrBox.x;
    qrBox.h = Math.max(...rects.map((r) => r[1] + r[3])) - qrBox.y;
    pages.push({ text: norm(raw), raw, qr: matrix(rects), boxes, qrBox });
  }
  return { pages, info: (await doc.getMetadata()).info as Record<string, string> };
}

/** Rebuilds the dark modules from the rectangles (one per run of dark modules in a row). */
function matrix(rects: number[][]): boolean[][] {
  if (!rects.length) return [];
  const x0 = Math.min(...rects.map((r) => r[0]));
  const y0 = Math.min(...rects.map((r) => r[1]));
  const side = Math.max(...rects.map((r) => r[0] + r[2])) - x0;
  const cell = Math.min(...rects.map((r) => r[2])); // at least one run is a single module
  const n = Math.round(side / cell);
  const grid = Array.from({ length: n }, () => Array<boolean>(n).fill(false));
  for (const [x, y, w] of rects) {
    const row = Math.round((y - y0) / cell);
    const col = Math.round((x - x0) / cell);
    for (let c = col; c < col + Math.round(w / cell); c++) grid[row][c] = true;
  }
  return grid;
}

function expectedQr(url: string): boolean[][] {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => modules.data[r * modules.size + c] === 1));
}

describe('training certificates (PDF)', () => {
  it('prints one page per person with every Vietnamese letter, the QR of the verification page and the metadata', async () => {
    const buf = await certificatesPdf(people);
    expect(buf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, info } = await readPdf(buf);
    expect(pages).toHaveLength(3);
    const names = ['Lò Thị Ánh Tuyết', 'Nguyễn Đức Thắng', 'Hoàng Ngọc Ỷ Quỳnh Hữu Ưng'];
    pages.forEach((p, i) => {
      expect(p.text).toContain(`Chứng nhận Ông/Bà:${names[i]}`);
      expect(p.raw).toContain(names[i]); // drawn as NFC (precomposed glyphs), even the name given as NFD
      for (const other of names.filter((_, j) => j !== i)) expect(p.text).not.toContain(other);
      for (const line of [
        'UBND TỈNH SƠN LA',
        'BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'GIẤY CHỨNG NHẬN',
        'Đã tham gia lớp tập huấn:Tập huấn kích hoạt định danh điện tử mức 2',
        'Chủ đề: Định danh điện tử VNeID mức 2',
        'Thời gian: ngày 05/11/2026',
        'Tại điểm cầu: Hội trường UBND xã Chiềng An',
        'Sơn La, ngày 05 tháng 11 năm 2026',
        `Mã xác minh: ${people[i].code}`,
        people[i].verifyUrl,
      ])
        expect(p.text).toContain(line);
      const qr = expectedQr(people[i].verifyUrl);
      expect(qr.length).toBeGreaterThanOrEqual(21);
      expect(p.qr).toEqual(qr); // the squares drawn are exactly that URL's QR code
    });
    expect(pages[0].qr).not.toEqual(pages[1].qr);
    expect(info.Title).toBe('Giấy chứng nhận — Tập huấn kích hoạt định danh điện tử mức 2');
    expect(info.Author).toBe('Ngõ Số');
    expect(info.Producer).toBe('Ngõ Số (pdfkit)');
    // each font embedded once for the document (subset), not once per page
    expect(buf.toString('latin1').match(/\/FontFile2/g)).toHaveLength(3);
  });

  it('shows a training of several days from its first to its last day, dated the last day, and leaves out a missing bridge point', async () => {
    const one = { ...base, lastDay: '2026-11-07', pointName: undefined, organiser: 'UBND XÃ CHIỀNG AN', organiserSub: undefined };
    const { pages, info } = await readPdf(await certificatesPdf([one], { title: 'Giấy chứng nhận — Lò Thị Ánh Tuyết' }));
    expect(pages).toHaveLength(1);
    expect(pages[0].text).toContain('Thời gian: từ ngày 05/11/2026 đến ngày 07/11/2026');
    expect(pages[0].text).toContain('Sơn La, ngày 07 tháng 11 năm 2026');
    expect(pages[0].text).toContain('UBND XÃ CHIỀNG AN');
    expect(pages[0].text).not.toContain('Tại điểm cầu');
    expect(pages[0].text).not.toContain('BAN CHỈ ĐẠO');
    expect(info.Title).toBe('Giấy chứng nhận — Lò Thị Ánh Tuyết');
  });

  it('fits the longest texts the forms allow inside the frame, clear of each other and of the QR code', async () => {
    const words = (w: string, n: number) => Array.from({ length: 40 }, (_, i) => `${w} ${i}`).join(' ').slice(0, n).trim();
    const longest = {
      ...base,
      fullName: words('Hoàng Ngọc Ỷ', 120), // the limits of trainings.contract.ts: name 120, title and point 200
      trainingTitle: words('Tập huấn kỹ năng số cho Tổ công nghệ', 200),
      pointName: words('Nhà văn hóa bản Nà Ngần', 200),
      lastDay: '2026-11-07',
      organiser: 'ỦY BAN NHÂN DÂN XÃ MƯỜNG LẠN HUYỆN SỐP CỘP',
      organiserSub: 'BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ VÀ ĐỀ ÁN 06 CỦA XÃ',
    };
    const { pages } = await readPdf(await certificatesPdf([longest]));
    const [p] = pages;
    const squeeze = (s: string) => s.normalize('NFC').replace(/\s+/g, '');
    for (const whole of [longest.fullName, longest.trainingTitle, longest.pointName, longest.organiser, longest.organiserSub]) expect(squeeze(p.raw)).toContain(squeeze(whole));
    for (const b of p.boxes) {
      expect(b.x, b.str).toBeGreaterThanOrEqual(FRAME);
      expect(b.x + b.w, b.str).toBeLessThanOrEqual(PAGE_W - FRAME);
      expect(b.y, b.str).toBeGreaterThanOrEqual(FRAME);
      expect(b.y + b.h, b.str).toBeLessThanOrEqual(PAGE_H - FRAME);
      expect(overlaps(b, p.qrBox), b.str).toBe(false);
      for (const other of p.boxes) if (other !== b) expect(overlaps(b, other), `${b.str} / ${other.str}`).toBe(false);
    }
  });

  it('streams the same document into a writable, and rejects when the destination fails', async () => {
    const chunks: Buffer[] = [];
    await certificatesPdfStream(people, new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
    const whole = Buffer.concat(chunks);
    expect(chunks.length).toBeLessThanOrEqual(Math.ceil(whole.length / 65_536) + 1); // written in 64 KiB pieces, not pdfkit's 200-byte ones
    const { pages } = await readPdf(whole);
    expect(pages.map((p, i) => p.text.includes(`Mã xác minh: ${people[i].code}`))).toEqual([true, true, true]);
    // 200 pages are about ten 64 KiB writes: the second fails, and nothing more is written
    const many = Array.from({ length: 200 }, (_, i) => ({ ...base, code: `CODE-${i}` }));
    let written = 0;
    const broken = new Writable({ write: (_c, _e, cb) => (++written > 1 ? cb(new Error('client went away')) : cb()) });
    await expect(certificatesPdfStream(many, broken)).rejects.toThrow('client went away');
    expect(written).toBe(2);
  });

  it('refuses an empty list with a Vietnamese message, and a day that is not a date', async () => {
    const empty = certificatesPdf([]);
    await expect(empty).rejects.toThrow('Không có giấy chứng nhận nào để in.');
    await expect(empty).rejects.toBeInstanceOf(AppError);
    await expect(certificatesPdf([{ ...base, day: '05/11/2026' }])).rejects.toThrow('day 05/11/2026 is not YYYY-MM-DD');
  });
});
