import { ensureCatalogue } from '../catalogue/catalogue.load.js';
import { applyProvinceRanges } from '../national/national.keys.js';
import { ensureSessionPartitions } from '../sessions/sessions.partitions.js';
import type { Config } from '../config/config.js';
import { type Database, openDatabase } from './client.js';

/**
 * Opens the configured database (PostgreSQL when DATABASE_URL is set, else PGlite under
 * NGOSO_DATA_DIR), applies migrations and loads the administrative catalogue on first start.
 * PGlite runs in a worker thread; NGOSO_PGLITE_THREAD=main runs it in the HTTP server's thread,
 * as before issue 13 (only for the bench's comparison, bench/phones.ts: it starves the server).
 * NGOSO_PROVINCE puts the ids into the province's range (national/national.keys.ts). The support
 * sessions' time partitions are made up to a year ahead (sessions/sessions.partitions.ts).
 * `onFatal`: PGlite's worker died (see db/client.ts).
 */
export async function openConfiguredDatabase(config: Config, log: (msg: string) => void = () => {}, onFatal?: (err: Error) => void): Promise<Database> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgliteThread: process.env.NGOSO_PGLITE_THREAD === 'main' ? 'main' : 'worker', onFatal });
  const started = Date.now();
  const result = await ensureCatalogue(database.db);
  if (result.loaded) log(`Đã nạp danh mục đơn vị hành chính: ${result.units} đơn vị, ${result.issues} lỗi dữ liệu nguồn được ghi nhận (${Date.now() - started} ms).`);
  const made = Object.values(await ensureSessionPartitions(database.db)).reduce((a, b) => a + b, 0);
  if (made) log(`Đã tạo ${made} phân vùng theo thời gian cho buổi hỗ trợ và bảng tổng hợp.`);
  // a province server draws its ids from the province's range, after the catalogue (same ids everywhere)
  if (config.province) {
    try {
      const { changed } = await applyProvinceRanges(database.db, config.province);
      if (changed.length) log(`Mã số của tỉnh ${config.province}: ${changed.length} dãy số đặt vào dải của tỉnh.`);
    } catch (err) {
      await database.close();
      throw err;
    }
  }
  return database;
}
