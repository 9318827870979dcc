import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real server as a process of its own, for the tests and benchmarks that kill, restart or load
 * it: `node --import tsx src/main.ts`, as `npm start` runs it but without the tsx wrapper process,
 * so the child's pid is the server's.
 */
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `src/main.ts` with `env` on 127.0.0.1; `ready` resolves once it prints that it runs (web UI built), `output` is its stdout+stderr so far. */
export function startServer(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], { cwd: root, env: { ...process.env, HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // the first 20,000 characters (start-up) and the last 50,000 (a busy server logs every request)
  let head = '';
  let tail = '';
  let ran = false;
  const keep = (b: Buffer) => {
    if (head.length < 20_000) head += b.toString();
    else tail = (tail + b.toString()).slice(-50_000);
  };
  const text = () => (tail ? `${head}\n…\n${tail}` : head);
  child.stderr!.on('data', keep);
  const ready = new Promise<void>((resolve, reject) => {
    // (a server stopped later exits too; only an exit before it ran is a failure)
    child.stdout!.on('data', (b: Buffer) => {
      keep(b);
      if (!ran && b.toString().includes('Ngõ Số đang chạy')) {
        ran = true;
        resolve();
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before it answered:\n${text().slice(-3000)}`)));
  });
  ready.catch(() => {}); // awaited by the caller when it matters; never an unhandled rejection
  return { child, ready, output: text };
}

/** Sends `signal` (SIGTERM: a clean stop) and resolves when the process has exited. */
export function stopServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Polls GET /api/health until the server on `port` answers 200; rejects when `child` exits first. */
export async function answered(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}):\n${output().slice(-3000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
