import { loadConfig } from './config/config.js';
import { openConfiguredDatabase } from './db/open.js';
import { needsSetup } from './access/users.service.js';
import { buildApp } from './http/app.js';
import { webBundle } from './web/web.plugin.js';
import { escalateOverdue } from './help/help.service.js';
import { ensureSessionPartitions } from './sessions/sessions.partitions.js';
import { buildNotifiers, startDispatcher, vapidFromDataDir } from './notify/notify.channels.js';

/** `npm start`: serves Ngõ Số on http://localhost:PORT (default 3000) with the configured database. */
// web push keys: configured, or made once and kept in the data directory
// a configuration error (a malformed NGOSO_PROVINCE…) is said, not thrown with a stack
const config = (() => {
  try {
    return vapidFromDataDir(loadConfig());
  } catch (err) {
    console.error(`Không khởi động được: ${(err as Error).message}`);
    process.exit(1);
  }
})();
// the embedded database's worker thread dying leaves nothing to serve with: exit, to be restarted
// (a restart takes the dead process's lock at once and PGlite replays its WAL: db/lock.ts)
const onFatal = (err: Error) => {
  console.error(err.message);
  process.exit(1);
};
const database = await openConfiguredDatabase(config, (m) => console.log(m), onFatal).catch((err: Error) => {
  console.error(`Không khởi động được: ${err.message}`);
  process.exit(1);
});
const app = await buildApp({ database, config }, { logger: true });
// outside messages (web push; SMS and Zalo when configured) leave from the outbox every few seconds
const stopDispatcher = startDispatcher(database.db, buildNotifiers(config), (m) => console.error(m));
// residents' help requests not accepted in time go up to the commune's officers (help.service.ts)
const escalation = setInterval(() => void escalateOverdue(database.db).catch((err: Error) => console.error(`Chuyển yêu cầu quá hạn: ${err.message}`)), 60_000);
escalation.unref();
// the sessions' time partitions, made a year ahead at start (db/open.ts) and then every day
const partitions = setInterval(() => void ensureSessionPartitions(database.db).catch((err: Error) => console.error(`Tạo phân vùng theo thời gian: ${err.message}`)), 86_400_000);
partitions.unref();
await app.listen({ port: config.port, host: config.host });
// build the field app (/field/) now rather than on a phone's first request
await webBundle().catch((err: Error) => console.error(`Không dựng được giao diện web (/app.js, /field/): ${err.message}`));
console.log(`Ngõ Số đang chạy: http://localhost:${config.port} (cơ sở dữ liệu: ${database.kind === 'pglite' ? `PGlite tại ${config.dataDir}` : 'PostgreSQL'})`);
if (await needsSetup(database.db)) console.log(`Lần chạy đầu: mở http://localhost:${config.port}/office/ để tạo tài khoản quản trị (hoặc dùng "npx ngoso admin create").`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(escalation);
  clearInterval(partitions);
  await stopDispatcher();
  await app.close();
  await database.close();
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
// `npm start` runs tsx, which runs this process: were tsx killed with -9, nothing would stop this one,
// and it would keep the port and the database's lock, so the next start would be refused. Stop with it.
if (process.execArgv.some((a) => a.includes('tsx/dist/preflight'))) {
  const launcher = process.ppid;
  setInterval(() => {
    if (process.ppid !== launcher) {
      console.error(`Tiến trình khởi chạy (tsx, số ${launcher}) đã dừng: Ngõ Số dừng theo.`);
      void stop();
    }
  }, 1000).unref();
}
