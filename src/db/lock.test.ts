import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LockOwner, lockDataDir } from './lock.js';

const owner = (dir: string): LockOwner => JSON.parse(readFileSync(path.join(dir, '.ngoso.lock.pid'), 'utf8'));
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const startTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ngoso-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A process that takes the lock as the server does, then dies by SIGKILL without releasing it. */
function dieHoldingLock(dir: string): number {
  const script = `
    const lockfile = require('proper-lockfile');
    const fs = require('node:fs');
    lockfile.lock(${JSON.stringify(dir)}, { lockfilePath: ${JSON.stringify(path.join(dir, '.ngoso.lock'))}, stale: 600000, update: 10000 }).then(() => {
      fs.writeFileSync(${JSON.stringify(path.join(dir, '.ngoso.lock.pid'))}, String(process.pid));
      process.kill(process.pid, 'SIGKILL');
    });`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: process.cwd(), encoding: 'utf8' });
  expect(r.signal).toBe('SIGKILL');
  return Number(readFileSync(path.join(dir, '.ngoso.lock.pid'), 'utf8'));
}

describe('the data directory lock', () => {
  it('refuses a second holder while the first runs, and frees the directory on release', async () => {
    const dir = freshDir();
    const release = await lockDataDir(dir);
    expect(owner(dir)).toEqual({ pid: process.pid, host: os.hostname(), bootId, startTicks: startTicks(process.pid) });
    await expect(lockDataDir(dir)).rejects.toMatchObject({
      code: 'DATABASE_IN_USE',
      message: `Cơ sở dữ liệu ở ${dir} đang được tiến trình số ${process.pid} dùng (ví dụ "npm start"). Hãy dừng tiến trình đó trước (kill ${process.pid}), hoặc làm việc qua giao diện web/API của nó.`,
    });
    await release();
    expect(existsSync(path.join(dir, '.ngoso.lock'))).toBe(false);
    const again = await lockDataDir(dir);
    await again();
  });

  it('takes over at once the lock of a process killed with -9', async () => {
    const dir = freshDir();
    const dead = dieHoldingLock(dir);
    expect(existsSync(path.join(dir, '.ngoso.lock'))).toBe(true);
    const told: string[] = [];
    const release = await lockDataDir(dir, (m) => told.push(m));
    expect(owner(dir).pid).toBe(process.pid);
    expect(dead).not.toBe(process.pid);
    expect(told).toEqual([`Đã lấy khoá dữ liệu ${dir} của tiến trình ${dead} đã dừng (không còn chạy).`]);
    await release();
  });

  it('never takes a lock whose owner it cannot name', async () => {
    const dir = freshDir();
    dieHoldingLock(dir);
    rmSync(path.join(dir, '.ngoso.lock.pid'));
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' });
  });

  it('takes over when the owner\'s pid now names another process, or the machine has rebooted since', async () => {
    const dir = freshDir();
    dieHoldingLock(dir);
    const ownerFile = path.join(dir, '.ngoso.lock.pid');
    // the parent process (vitest) is alive, but it is not the process that took the lock
    const reused: LockOwner = { pid: process.ppid, host: os.hostname(), bootId, startTicks: '1' };
    writeFileSync(ownerFile, JSON.stringify(reused));
    const told: string[] = [];
    let release = await lockDataDir(dir, (m) => told.push(m));
    await release();
    writeFileSync(ownerFile, JSON.stringify({ pid: process.ppid, host: os.hostname(), bootId: '00000000-0000-4000-8000-000000000000', startTicks: startTicks(process.ppid) }));
    dieHoldingLockKeepingOwner(dir);
    release = await lockDataDir(dir, (m) => told.push(m));
    await release();
    expect(told).toEqual([
      `Đã lấy khoá dữ liệu ${dir} của tiến trình ${process.ppid} đã dừng (số ${process.ppid} nay là một tiến trình khác).`,
      `Đã lấy khoá dữ liệu ${dir} của tiến trình ${process.ppid} đã dừng (máy đã khởi động lại từ đó).`,
    ]);
  });

  it('never takes the lock of a live owner, nor one held from another host', async () => {
    const dir = freshDir();
    dieHoldingLock(dir);
    const ownerFile = path.join(dir, '.ngoso.lock.pid');
    writeFileSync(ownerFile, JSON.stringify({ pid: process.ppid, host: os.hostname(), bootId, startTicks: startTicks(process.ppid) }));
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' });
    writeFileSync(ownerFile, JSON.stringify({ pid: 999_999_999, host: 'may-khac', bootId: 'khac', startTicks: '1' }));
    await expect(lockDataDir(dir)).rejects.toMatchObject({
      code: 'DATABASE_IN_USE',
      message: `Cơ sở dữ liệu ở ${dir} đang được tiến trình số 999999999 trên máy may-khac dùng (ví dụ "npm start"). Hãy dừng tiến trình đó trước (kill 999999999), hoặc làm việc qua giao diện web/API của nó.`,
    });
  });
});

/** Leaves a dead process's lock directory in place without touching the owner file already there. */
function dieHoldingLockKeepingOwner(dir: string) {
  const script = `
    require('proper-lockfile').lock(${JSON.stringify(dir)}, { lockfilePath: ${JSON.stringify(path.join(dir, '.ngoso.lock'))}, stale: 600000, update: 10000 }).then(() => process.kill(process.pid, 'SIGKILL'));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: process.cwd(), encoding: 'utf8' });
  expect(r.signal).toBe('SIGKILL');
}
