import path from 'node:path';
import { AppError } from '../http/errors.js';
import { isProvinceCode } from '../national/national.keys.js';
import { loadNotifyConfig, type NotifyConfig } from '../notify/notify.config.js';

/** Runtime settings, all from the environment; every value has a working default. */
export interface Config {
  /** HTTP port (default 3000) */
  port: number;
  host: string;
  /** postgres://… to use a PostgreSQL server; undefined → embedded PGlite */
  databaseUrl?: string;
  /** where the embedded database lives (default ./data) */
  dataDir: string;
  /** largest accepted upload, in bytes (default 20 MB) */
  maxUploadBytes: number;
  /** most rows in one uploaded roster file (default 30,000: a district's file) */
  maxImportRows: number;
  /** file holding cookie secret and data keys (default <dataDir>/secrets.json) */
  secretsFile: string;
  /** trust X-Forwarded-For from a reverse proxy (NGOSO_TRUST_PROXY: true, a hop count, or addresses/CIDRs as Fastify's trustProxy) */
  trustProxy: boolean | number | string;
  /** mark cookies Secure (set NGOSO_SECURE_COOKIES=1 when served over HTTPS) */
  secureCookies: boolean;
  /** the address residents and QR codes reach the server at (NGOSO_PUBLIC_URL, e.g. https://ngoso.sonla.gov.vn); unset: the request's own origin */
  publicUrl?: string;
  /** outside channels (notify/notify.config.ts): each off unless its variables are set */
  notify: NotifyConfig;
  /** NGOSO_PROVINCE: this server is the province's (two-digit code): its ids come from the province's range (national/national.keys.ts) */
  province?: string;
  /** NGOSO_NATIONAL=1: this server is the national one, fed by the provinces' replication; province data is read-only here */
  national: boolean;
}

function provinceOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!isProvinceCode(value)) {
    throw new AppError('VALIDATION_FAILED', `NGOSO_PROVINCE=${JSON.stringify(value)}: hãy đặt mã tỉnh hai chữ số theo danh mục của Tổng cục Thống kê, không có dấu cách (ví dụ NGOSO_PROVINCE=14 cho Sơn La, 01 cho Hà Nội).`);
  }
  return value;
}

/** Reads the configuration from `env` (PORT, HOST, DATABASE_URL, NGOSO_DATA_DIR, NGOSO_MAX_UPLOAD_MB, NGOSO_SECRETS_FILE, NGOSO_SECURE_COOKIES, NGOSO_PUBLIC_URL, NGOSO_PROVINCE, NGOSO_NATIONAL). Errors: VALIDATION_FAILED for a malformed NGOSO_PROVINCE, or NGOSO_PROVINCE with NGOSO_NATIONAL. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env.PORT} is not a port number`);
  const maxMb = Number(env.NGOSO_MAX_UPLOAD_MB ?? 20);
  if (!(maxMb > 0)) throw new Error(`NGOSO_MAX_UPLOAD_MB=${env.NGOSO_MAX_UPLOAD_MB} must be a positive number of megabytes`);
  const dataDir = path.resolve(env.NGOSO_DATA_DIR ?? 'data');
  const province = provinceOf(env.NGOSO_PROVINCE);
  const national = env.NGOSO_NATIONAL === '1' || env.NGOSO_NATIONAL === 'true';
  if (province && national) {
    throw new AppError('VALIDATION_FAILED', `Đã đặt cả NGOSO_PROVINCE=${province} lẫn NGOSO_NATIONAL: một máy chủ hoặc là của tỉnh (chỉ đặt NGOSO_PROVINCE), hoặc là máy chủ toàn quốc (chỉ đặt NGOSO_NATIONAL=1); hãy bỏ một trong hai.`);
  }
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    maxUploadBytes: Math.round(maxMb * 1024 * 1024),
    maxImportRows: Number(env.NGOSO_MAX_IMPORT_ROWS ?? 30000),
    secretsFile: path.resolve(env.NGOSO_SECRETS_FILE ?? path.join(dataDir, 'secrets.json')),
    trustProxy: !env.NGOSO_TRUST_PROXY ? false : env.NGOSO_TRUST_PROXY === 'true' ? true : /^\d+$/.test(env.NGOSO_TRUST_PROXY) ? Number(env.NGOSO_TRUST_PROXY) : env.NGOSO_TRUST_PROXY,
    secureCookies: env.NGOSO_SECURE_COOKIES === '1' || env.NGOSO_SECURE_COOKIES === 'true',
    publicUrl: env.NGOSO_PUBLIC_URL ? env.NGOSO_PUBLIC_URL.replace(/\/+$/, '') : undefined,
    notify: loadNotifyConfig(env),
    province,
    national,
  };
}
