import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { publishProvince } from '../national/national.publication.js';
import { refreshProvince, replicationStatus, subscribeProvince, unsubscribeProvince } from '../national/national.subscription.js';

/**
 * `ngoso national …` (issue 18): set up the replication from province servers to the national
 * server, PostgreSQL's own (README, "Toàn quốc"). `publish` runs on a province server
 * (DATABASE_URL, NGOSO_PROVINCE); `subscribe`, `unsubscribe`, `refresh` and `status` on the national server
 * (DATABASE_URL, NGOSO_NATIONAL=1). Refusals are AppErrors: printed, exit code 1.
 */
export function nationalCommands(program: Command, withDb: <T>(fn: (database: Database) => Promise<T>) => Promise<T>): void {
  const national = program.command('national').description('toàn quốc: máy chủ tỉnh phát dữ liệu, máy chủ toàn quốc nhận (bản sao logic của PostgreSQL)');
  // checked before the database is opened: a mistaken run makes no embedded database in the
  // current folder and loads no catalogue anywhere
  const onNational = <T>(fn: (database: Database) => Promise<T>) => {
    const config = loadConfig();
    if (!config.national) throw new AppError('VALIDATION_FAILED', 'Lệnh này chạy trên máy chủ toàn quốc: đặt NGOSO_NATIONAL=1 (và DATABASE_URL của máy chủ toàn quốc).');
    if (!config.databaseUrl) throw new AppError('VALIDATION_FAILED', 'Máy chủ toàn quốc dùng PostgreSQL (nhận bản sao logic; cơ sở dữ liệu nhúng không nhận được): đặt DATABASE_URL=postgres://… của máy chủ toàn quốc.');
    return withDb(fn);
  };

  national
    .command('publish')
    .description('trên máy chủ tỉnh: tạo (hoặc cập nhật) bản phát ngoso_national gồm sổ tổ, buổi hỗ trợ, số liệu tổng hợp, tập huấn, chỉ đạo')
    .action(() => {
      const config = loadConfig();
      if (!config.databaseUrl) throw new AppError('MIGRATION_REFUSED', 'Cơ sở dữ liệu nhúng (PGlite) không phát được bản sao logic: hãy chuyển lên PostgreSQL bằng "ngoso migrate-to-postgres" trước, rồi đặt DATABASE_URL.');
      if (!config.province) throw new AppError('MIGRATION_REFUSED', 'Chưa đặt NGOSO_PROVINCE (mã tỉnh hai chữ số, ví dụ NGOSO_PROVINCE=14) cho máy chủ này.');
      return withDb(async (database) => {
        const r = await publishProvince(database.db, database.kind, config.province);
        console.log(`${r.created ? 'Đã tạo' : 'Đã cập nhật'} bản phát ${r.publication}: ${r.tables.length} bảng (thôn/bản của tỉnh: ${r.villages}).`);
      });
    });

  national
    .command('subscribe')
    .description('trên máy chủ toàn quốc: nhận dữ liệu của một tỉnh (chép dữ liệu hiện có, rồi nhận mọi thay đổi)')
    .requiredOption('--province <mã>', 'mã tỉnh hai chữ số')
    .requiredOption('--url <postgres://…>', 'địa chỉ cơ sở dữ liệu của máy chủ tỉnh, như máy chủ toàn quốc kết nối tới')
    .action((opts: { province: string; url: string }) =>
      onNational(async ({ db }) => {
        const { subscription } = await subscribeProvince(db, opts);
        console.log(`Đã đăng ký ${subscription}: dữ liệu của tỉnh ${opts.province} đang được chép; xem "ngoso national status".`);
      }),
    );

  national
    .command('unsubscribe')
    .description('trên máy chủ toàn quốc: thôi nhận dữ liệu của một tỉnh (dữ liệu đã nhận vẫn giữ)')
    .requiredOption('--province <mã>', 'mã tỉnh hai chữ số')
    .option('--force', 'thôi nhận cả khi không kết nối được máy chủ tỉnh (khe sao chép ở đó phải xoá tay)')
    .action((opts: { province: string; force?: boolean }) =>
      onNational(async ({ db }) => {
        const { slotLeft } = await unsubscribeProvince(db, opts.province, { force: opts.force });
        console.log(`Đã thôi nhận dữ liệu của tỉnh ${opts.province}.`);
        if (slotLeft) console.log(`Máy chủ tỉnh không kết nối được: nếu nó còn, trên đó chạy SELECT pg_drop_replication_slot('${slotLeft}'); (khe sao chép giữ lại WAL cho đến khi được xoá).`);
      }),
    );

  national
    .command('refresh')
    .description('trên máy chủ toàn quốc, sau khi nâng cấp cả hai máy chủ: nhận lại các bảng tỉnh đã phát lại (không chép lại dữ liệu đã có)')
    .requiredOption('--province <mã>', 'mã tỉnh hai chữ số')
    .action((opts: { province: string }) =>
      onNational(async ({ db }) => {
        const { tables } = await refreshProvince(db, opts.province);
        console.log(`Đã làm mới đăng ký của tỉnh ${opts.province}: ${tables} bảng.`);
      }),
    );

  national
    .command('status')
    .description('trên máy chủ toàn quốc: trạng thái từng tỉnh (đang nhận, đang chép, dừng, lỗi), độ trễ')
    .option('--json', 'in dạng JSON')
    .action((opts: { json?: boolean }) =>
      onNational(async ({ db }) => {
        const rows = await replicationStatus(db);
        if (opts.json) return void console.log(JSON.stringify(rows, null, 2));
        if (!rows.length) return void console.log('Chưa nhận dữ liệu của tỉnh nào.');
        for (const r of rows) console.log(`Tỉnh ${r.province}  ${r.state}  bảng ${r.tables.ready}/${r.tables.ready + r.tables.copying}  tin cuối cách ${r.lagSeconds ?? '–'} s  lỗi ${r.applyErrors + r.copyErrors}`);
      }),
    );
}
