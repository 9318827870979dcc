/**
 * Certificate PDF benchmark (issue 14; part of `npm run bench`, alone: `npm run bench -- --certificates`):
 * 1,500 training certificates (src/trainings/trainings.certificate.ts) with the synthetic roster's
 * Vietnamese names (bench/roster.ts: Thái, Mông, Mường and Kinh names of Sơn La), each with its own
 * verification code and QR code, written into one PDF in memory. Target: ≤ 30 s. Printed: seconds
 * (wall and CPU of this process), pages/s, size in MB, and the page count read back from the file.
 * No database. The first document of the process is measured (fonts read and parsed, code cold),
 * as the HTTP route meets it.
 */
import { certificatesPdf, type CertificateData } from '../src/trainings/trainings.certificate.js';
import { buildRoster, prng } from './roster.js';

export const CERTIFICATES_COUNT = 1_500;
export const CERTIFICATES_TARGET_MS = 30_000;

export interface CertificateFigures {
  pages: number;
  ms: number;
  cpuMs: number;
  bytes: number;
}

const COMMUNES = ['Xã Chiềng An', 'Xã Mường Bú', 'Phường Tô Hiệu', 'Xã Chiềng Mung', 'Xã Phiêng Khoài', 'Xã Tà Xùa'];
const POINTS = ['Hội trường UBND xã Chiềng An', 'Nhà văn hóa bản Nà Ngần', 'Hội trường Trung tâm Chính trị huyện Mai Sơn', 'Điểm cầu trực tuyến UBND phường Tô Hiệu'];
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no 0/O, 1/I

/** `count` certificates of one two-day training, names from the benchmark roster. Deterministic. */
export function benchCertificateData(count: number, seed = 20261105): CertificateData[] {
  const rnd = prng(seed);
  const code = () => Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join('')).join('-');
  return buildRoster('Sơn La', COMMUNES, count, seed).rows.map((row, i) => {
    const c = code();
    return {
      code: c,
      fullName: row[4],
      trainingTitle: 'Tập huấn kỹ năng hướng dẫn người dân kích hoạt định danh điện tử mức 2 và sử dụng dịch vụ công trực tuyến',
      topicName: 'Định danh điện tử VNeID mức 2',
      day: '2026-11-05',
      lastDay: i % 3 === 0 ? '2026-11-06' : undefined,
      pointName: POINTS[i % POINTS.length],
      organiser: 'UBND TỈNH SƠN LA',
      organiserSub: 'BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ',
      placeName: 'Sơn La',
      verifyUrl: `https://ngoso.sonla.gov.vn/xac-minh/${c}`,
    };
  });
}

/** Generates `count` certificates into one PDF and prints the figures through `print`. */
export async function benchCertificates(print: (line: string) => void, count = CERTIFICATES_COUNT): Promise<CertificateFigures> {
  const items = benchCertificateData(count);
  const cpu = process.cpuUsage();
  const t = performance.now();
  const pdf = await certificatesPdf(items, { title: 'Giấy chứng nhận — benchmark' });
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
  const figures = { pages, ms, cpuMs: (used.user + used.system) / 1000, bytes: pdf.length };
  const ok = pages === count && ms <= CERTIFICATES_TARGET_MS;
  print(
    `  ${count.toLocaleString('en-US')} giấy chứng nhận → một PDF: ${(ms / 1000).toFixed(2)} s (CPU ${(figures.cpuMs / 1000).toFixed(2)} s), ` +
      `${Math.round(count / (ms / 1000)).toLocaleString('en-US')} trang/s, ${(pdf.length / 1048576).toFixed(1)} MB (${(pdf.length / count / 1024).toFixed(1)} KB/trang), ` +
      `${pages} trang đọc lại  mục tiêu ≤ ${CERTIFICATES_TARGET_MS / 1000} s: ${ok ? 'đạt (OK)' : 'chưa đạt (MISS)'}`,
  );
  return figures;
}
