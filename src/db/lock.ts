import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { AppError } from '../http/errors.js';

/**
 * The embedded database's data directory, locked for one process at a time (PGlite is
 * single-process: a second process on the same files, e.g. the CLI while `npm start` runs, would
 * silently lose writes). The lock is `proper-lockfile`'s (a directory made atomically, its mtime
 * kept fresh), with the owner's process id written next to it:
 * - a process killed with -9 leaves its lock behind: the next start finds that the owner's pid is
 *   no longer running on this machine and takes the lock at once (the library alone would wait
 *   for the lock to go stale);
 * - the lock goes stale only after 10 minutes without a refresh, so a long import that keeps the
 *   event loop busy (PGlite runs in this thread) cannot lose it to another process meanwhile.
 * Returns the release function. Errors: DATABASE_IN_USE (409) while a live process holds it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockfilePath = path.join(dataDir, '.ngoso.lock');
  const ownerFile = path.join(dataDir, '.ngoso.lock.pid');
  const take = () => lockfile.lock(dataDir, { lockfilePath, stale: 600_000, update: 10_000 });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (err) {
    if ((err as { code?: string }).code !== 'ELOCKED') throw err;
    if (ownerRunning(ownerFile)) throw inUse(dataDir);
    // the owner died without releasing (kill -9, power cut): its lock is taken over
    rmSync(lockfilePath, { recursive: true, force: true });
    try {
      release = await take();
    } catch (again) {
      if ((again as { code?: string }).code === 'ELOCKED') throw inUse(dataDir);
      throw again;
    }
  }
  writeFileSync(ownerFile, String(process.pid));
  return async () => {
    rmSync(ownerFile, { force: true });
    await release();
  };
}

/** Whether the process named in `ownerFile` runs on this machine; an unreadable file counts as running (never take a live lock). */
function ownerRunning(ownerFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(ownerFile, 'utf8').trim());
  } catch {
    return true;
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by another user
    return (err as { code?: string }).code !== 'ESRCH';
  }
}

const inUse = (dataDir: string) =>
  new AppError('DATABASE_IN_USE', `Cơ sở dữ liệu ở ${dataDir} đang được một tiến trình Ngõ Số khác dùng (ví dụ "npm start"). Hãy dừng tiến trình đó trước, hoặc làm việc qua giao diện web/API của nó.`);
