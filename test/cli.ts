import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.js';
import { copyTemplateDatabase } from './db.js';

/**
 * A sandbox for running the `ngoso` command line as an operator would: a temporary directory and
 * a copy of the test template database (PGlite: its files unpacked into a data directory the CLI
 * opens like `npm start` does; PostgreSQL: CREATE DATABASE … TEMPLATE). `open` opens that database
 * from the test to check what the command wrote (close it before the next command on PGlite).
 */
export interface CliSandbox {
  dir: string;
  file: (name: string) => string;
  ngoso: (...args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;
  open: () => Promise<Database>;
  cleanup: () => Promise<void>;
}

const BIN = path.resolve('bin/ngoso.mjs');

/** Runs `bin/ngoso.mjs ARGS` with `env` in a child process → its exit code and output. */
export function runNgoso(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function cliSandbox(prefix = 'ngoso-cli-'): Promise<CliSandbox> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = (name: string) => path.join(dir, name);
  const spec = inject('testDb');
  const env: NodeJS.ProcessEnv = { ...process.env, NGOSO_DATA_DIR: file('db'), NGOSO_SECRETS_FILE: file('secrets.json'), DATABASE_URL: '' };
  let drop: (() => Promise<void>) | undefined;
  if (spec.kind === 'pglite') {
    const database = await openDatabase({ dataDir: file('db'), loadDataDir: new Blob([readFileSync(spec.dumpFile)]), migrate: false });
    await database.close();
  } else {
    const copy = await copyTemplateDatabase('ngoso_cli_', spec);
    env.DATABASE_URL = copy.url;
    drop = copy.drop;
  }
  const ngoso = (...args: string[]) => runNgoso(env, ...args);
  const open = () => (env.DATABASE_URL ? openDatabase({ databaseUrl: env.DATABASE_URL, migrate: false }) : openDatabase({ dataDir: file('db'), migrate: false }));
  return {
    dir,
    file,
    ngoso,
    open,
    cleanup: async () => {
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
