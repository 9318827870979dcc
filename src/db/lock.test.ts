import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from './lock.js';

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
    expect(readFileSync(path.join(dir, '.ngoso.lock.pid'), 'utf8')).toBe(String(process.pid));
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' });
    await release();
    expect(existsSync(path.join(dir, '.ngoso.lock'))).toBe(false);
    const again = await lockDataDir(dir);
    await again();
  });

  it('takes over at once the lock of a process killed with -9', async () => {
    const dir = freshDir();
    const dead = dieHoldingLock(dir);
    expect(existsSync(path.join(dir, '.ngoso.lock'))).toBe(true);
    const release = await lockDataDir(dir);
    expect(readFileSync(path.join(dir, '.ngoso.lock.pid'), 'utf8')).toBe(String(process.pid));
    expect(dead).not.toBe(process.pid);
    await release();
  });

  it('never takes a lock whose owner it cannot name', async () => {
    const dir = freshDir();
    dieHoldingLock(dir);
    rmSync(path.join(dir, '.ngoso.lock.pid'));
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' });
  });
});
