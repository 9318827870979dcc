import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { AppError } from '../http/errors.js';

/**
 * The embedded database's data directory, locked for one process at a time (PGlite is
 * single-process: a second process on the same files, e.g. the CLI while `npm start` runs, would
 * silently lose writes). The lock is `proper-lockfile`'s (a directory made atomically, its mtime
 * kept fresh), with its owner written next to it (`.ngoso.lock.pid`, JSON): process id, host
 * name, the kernel's boot id and the process's start time (Linux: /proc).
 * - A process killed with -9 (or a power cut) leaves its lock behind: the next start sees at once
 *   that the owner is gone and takes the lock (issue 13, item 11: it waited 15–22 s before), when
 *   on this host the pid no longer runs (ESRCH), or the machine has rebooted since (another boot
 *   id), or the pid now belongs to another process (another start time). `onTakeover` is told.
 * - The lock goes stale only after 10 minutes without a refresh, so a process whose event loop is
 *   busy cannot lose it to another process meanwhile.
 * - An owner on another host (a shared disk), or one that cannot be named, is never overridden.
 * Returns the release function. Errors: DATABASE_IN_USE (409) while a live process holds it.
 */
export async function lockDataDir(dataDir: string, onTakeover: (msg: string) => void = () => {}): Promise<() => Promise<void>> {
  const lockfilePath = path.join(dataDir, '.ngoso.lock');
  const ownerFile = path.join(dataDir, '.ngoso.lock.pid');
  const take = () => lockfile.lock(dataDir, { lockfilePath, stale: 600_000, update: 10_000 });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (err) {
    if ((err as { code?: string }).code !== 'ELOCKED') throw err;
    const owner = readOwner(ownerFile);
    const gone = owner && whyGone(owner);
    if (!gone) throw inUse(dataDir, owner);
    // the owner died without releasing (kill -9, power cut): its lock is taken over at once
    rmSync(lockfilePath, { recursive: true, force: true });
    try {
      release = await take();
    } catch (again) {
      if ((again as { code?: string }).code === 'ELOCKED') throw inUse(dataDir, readOwner(ownerFile));
      throw again;
    }
    onTakeover(`Đã lấy khoá dữ liệu ${dataDir} của tiến trình ${owner.pid} đã dừng (${gone}).`);
  }
  // written whole or not at all: a reader never sees half an owner
  writeFileSync(`${ownerFile}.tmp`, JSON.stringify(thisProcess()));
  renameSync(`${ownerFile}.tmp`, ownerFile);
  return async () => {
    rmSync(ownerFile, { force: true });
    await release();
  };
}

/** Who holds the lock: written by lockDataDir; an older lock holds the bare pid. */
export interface LockOwner {
  pid: number;
  host?: string;
  bootId?: string;
  /** the process's start time in clock ticks since boot (/proc/PID/stat field 22), Linux only */
  startTicks?: string;
}

function thisProcess(): LockOwner {
  return { pid: process.pid, host: os.hostname(), bootId: bootId(), startTicks: startTicks(process.pid) };
}

const bootId = (): string | undefined => readText('/proc/sys/kernel/random/boot_id');

function startTicks(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function readOwner(ownerFile: string): LockOwner | null {
  const text = readText(ownerFile);
  if (!text) return null;
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o.pid) && o.pid > 0 ? o : null;
  } catch {
    return null;
  }
}

/** Why the owner is known to have stopped, or null while it may be running (never take a live lock). */
function whyGone(owner: LockOwner): string | null {
  if (owner.host && owner.host !== os.hostname()) return null;
  if (owner.pid === process.pid) return null;
  const boot = bootId();
  if (owner.bootId && boot && owner.bootId !== boot) return 'máy đã khởi động lại từ đó';
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: it exists, owned by another user
    return (err as { code?: string }).code === 'ESRCH' ? 'không còn chạy' : null;
  }
  const now = startTicks(owner.pid);
  if (owner.startTicks && now && now !== owner.startTicks) return `số ${owner.pid} nay là một tiến trình khác`;
  return null;
}

const inUse = (dataDir: string, owner: LockOwner | null) =>
  new AppError(
    'DATABASE_IN_USE',
    `Cơ sở dữ liệu ở ${dataDir} đang được ${owner ? `tiến trình số ${owner.pid}${owner.host && owner.host !== os.hostname() ? ` trên máy ${owner.host}` : ''}` : 'một tiến trình Ngõ Số khác'} dùng (ví dụ "npm start"). Hãy dừng tiến trình đó trước (kill ${owner?.pid ?? 'PID'}), hoặc làm việc qua giao diện web/API của nó.`,
  );
