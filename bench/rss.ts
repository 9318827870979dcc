import { Worker } from 'node:worker_threads';

/**
 * Peak resident set size of this process, sampled every `intervalMs` by a worker thread: RSS is
 * process-wide, and a worker keeps sampling while the main thread is busy in a long synchronous
 * loop (a setInterval on the main thread would not). `reset()` starts a new phase; `peak()` is
 * the highest RSS seen since, in bytes.
 */
export interface RssSampler {
  reset(): void;
  peak(): number;
  stop(): Promise<void>;
}

const SAMPLER = `
const { workerData } = require('node:worker_threads');
const peak = new Float64Array(workerData.buffer);
const tick = () => { const r = process.memoryUsage.rss(); if (r > peak[0]) peak[0] = r; };
tick();
setInterval(tick, workerData.intervalMs);
`;

export function startRssSampler(intervalMs = 20): RssSampler {
  const buffer = new SharedArrayBuffer(8);
  const peak = new Float64Array(buffer);
  const worker = new Worker(SAMPLER, { eval: true, workerData: { buffer, intervalMs } });
  worker.unref();
  return {
    reset() {
      peak[0] = process.memoryUsage.rss();
    },
    peak() {
      return Math.max(peak[0], process.memoryUsage.rss());
    },
    async stop() {
      await worker.terminate();
    },
  };
}
