import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';

/**
 * Keys unique across provinces (issue 18, item 1). Support sessions, check-ins and
 * acknowledgements are keyed by the phone's UUID already; everything else a province creates
 * (villages, teams, members, memberships, trainings, directives…) takes its id from a serial
 * sequence. A province server started with NGOSO_PROVINCE=CC draws every such id from its own
 * range — integer sequences [CC·2^24, (CC+1)·2^24), bigint ones [CC·2^40, (CC+1)·2^40) — with the
 * range's end as the sequence's MAXVALUE, so an exhausted range is an error, never an id of the
 * next province. The catalogue's provinces and communes are loaded before the range is set, in
 * the package's order, so they carry the same small ids on every server (checked when a national
 * server subscribes: `catalogueFingerprint`). Province codes are the statistics office's two
 * digits (01–96): 97·2^24 < 2^31, so every range fits an integer.
 */
export interface KeyRange {
  /** first id of the range */
  lo: bigint;
  /** first id after the range */
  hi: bigint;
}

const INT_SHIFT = 24n;
const BIGINT_SHIFT = 40n;

/** Whether `code` has the form of a province code of the statistics office's list: two digits, 01–96 (whether a current province has it is the catalogue's to say). */
export const isProvinceCode = (code: string): boolean => /^\d{2}$/.test(code) && code !== '00';

/** The range of ids of province `code` for a sequence of `dataType` ('integer' | 'bigint' | 'smallint'). Errors: VALIDATION_FAILED. */
export function provinceRange(code: string, dataType: string): KeyRange {
  if (!isProvinceCode(code)) throw new AppError('VALIDATION_FAILED', `NGOSO_PROVINCE=${code}: hãy đặt mã tỉnh hai chữ số theo danh mục của Tổng cục Thống kê (ví dụ 14 cho Sơn La).`);
  const n = BigInt(Number(code));
  const shift = dataType === 'bigint' ? BIGINT_SHIFT : INT_SHIFT;
  if (dataType === 'smallint') throw new AppError('VALIDATION_FAILED', 'Một bảng dùng dãy số smallint: không chia được theo tỉnh.');
  return { lo: n << shift, hi: (n + 1n) << shift };
}

interface SequenceRow {
  name: string;
  dataType: string;
  minValue: string;
  maxValue: string;
  lastValue: string | null;
}

/**
 * Puts every sequence of schema `public` into province `code`'s range (see above); run at every
 * start of a province server, after the catalogue is loaded. Idempotent. Errors:
 * VALIDATION_FAILED when `code` is no current province of the catalogue, or when the database was
 * set up for another province (its sequences start at another province's range): one database is
 * one province's.
 */
export async function applyProvinceRanges(db: Db, code: string): Promise<{ changed: string[] }> {
  provinceRange(code, 'integer');
  // a code of the statistics office's list, and of a province of today's catalogue (not 02, merged in 2025, nor 99)
  const [known] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from admin_units where level = 'province' and code = ${code} and valid_to is null`);
  if (!known.n) throw new AppError('VALIDATION_FAILED', `NGOSO_PROVINCE=${code}: không có tỉnh, thành phố hiện hành nào mang mã ${code} trong danh mục đơn vị hành chính; hãy đặt mã của tỉnh này (ví dụ 14 cho Sơn La, 01 cho Hà Nội).`);
  const rows = await queryRows<SequenceRow>(
    db,
    sql`select sequencename as name, data_type::text as "dataType", min_value::text as "minValue", max_value::text as "maxValue", last_value::text as "lastValue"
          from pg_sequences where schemaname = 'public' order by sequencename`,
  );
  const changed: string[] = [];
  for (const s of rows) {
    const range = provinceRange(code, s.dataType);
    const min = BigInt(s.minValue);
    if (min === range.lo && BigInt(s.maxValue) === range.hi - 1n) continue;
    if (min > 1n) {
      const other = String(Number(min >> (s.dataType === 'bigint' ? BIGINT_SHIFT : INT_SHIFT))).padStart(2, '0');
      throw new AppError('VALIDATION_FAILED', `Cơ sở dữ liệu này là của tỉnh mã ${other} (dãy số ${s.name}), không phải tỉnh ${code}: hãy kiểm tra NGOSO_PROVINCE và DATABASE_URL.`);
    }
    const last = s.lastValue === null ? 0n : BigInt(s.lastValue);
    const restart = last >= range.lo ? last + 1n : range.lo;
    await db.execute(sql.raw(`alter sequence public."${s.name}" minvalue ${range.lo} maxvalue ${range.hi - 1n} start with ${range.lo} restart with ${restart}`));
    changed.push(s.name);
  }
  return { changed };
}

/** The catalogue as ids and codes (provinces, communes, dissolved units), as an md5: equal on two servers when their catalogue rows are the same rows with the same ids. */
export async function catalogueFingerprint(db: Db): Promise<{ units: number; md5: string }> {
  const [row] = await queryRows<{ units: number; md5: string }>(db, sql.raw(CATALOGUE_FINGERPRINT_SQL));
  return row;
}

/** The fingerprint's one SQL text, run here and on a province's server (national.subscription.ts) to compare. */
export const CATALOGUE_FINGERPRINT_SQL = `select count(*)::int as units, md5(coalesce(string_agg(id || ':' || coalesce(code, '') || ':' || level || ':' || name, ',' order by id), '')) as md5
  from admin_units where source = 'catalogue'`;
