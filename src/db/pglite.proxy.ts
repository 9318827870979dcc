import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results, Transaction } from '@electric-sql/pglite';

/**
 * PGlite in a worker thread (`pglite.worker.mjs`), seen from the main thread as the part of
 * PGlite's API that Drizzle's PGlite driver, the migrator, the tests and the bench use: `query`,
 * `exec`, `transaction`, `dumpDataDir`, `close`. Why: PGlite's WebAssembly runs synchronously, so
 * in the HTTP server's thread one busy transaction after another kept the event loop from reading
 * new requests (200 phones: 179 waited 5–23 s for a first answer, issue 13 item 11). Here the
 * main thread only posts messages; the worker runs one statement at a time, transactions in the
 * order they asked (PGlite's own FIFO mutex), and a transaction's statements on its own handle.
 *
 * Limits: a query's `parsers` must keep values as text (those Drizzle passes do: functions cannot
 * cross threads, so only the type OIDs are sent); `serializers` are not supported.
 * Errors come back as `Error`s named as PGlite's with PostgreSQL's fields (`code`, `constraint`…).
 */
export class PGliteWorker {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private dead: Error | undefined;
  closed = false;

  private constructor(
    private readonly worker: Worker,
    onDeath: (err: Error) => void,
  ) {
    worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: Record<string, unknown> }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(Object.assign(new Error(String(m.error?.message)), m.error, { stack: `${m.error?.stack ?? ''}\n    (trong luồng PGlite)` }));
    });
    const fail = (err: Error) => {
      this.dead = new Error(`Cơ sở dữ liệu nhúng (PGlite) đã dừng: ${err.message}. Hãy khởi động lại máy chủ.`);
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
      onDeath(this.dead);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`luồng kết thúc với mã ${code}`));
    });
  }

  /**
   * Starts the worker and opens PGlite on `dataDir` ('memory://' or a directory), or from the dump
   * `loadDataDir`. `onDeath` is told if the worker dies (out of memory, a WebAssembly abort): every
   * call fails from then on, so a server should exit and be restarted.
   */
  static async create(dataDir: string, opts: { loadDataDir?: Blob; onDeath?: (err: Error) => void } = {}): Promise<PGliteWorker> {
    const client = new PGliteWorker(new Worker(new URL('./pglite.worker.mjs', import.meta.url)), opts.onDeath ?? (() => {}));
    const load = opts.loadDataDir ? await opts.loadDataDir.arrayBuffer() : undefined;
    await client.call({ op: 'init', dataDir, load }, load ? [load] : []);
    return client;
  }

  private call<T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // keep the process alive only while an answer is awaited (the CLI exits when its work is done)
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private queryIn<T>(txId: number | undefined, sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    if (options.serializers) throw new Error('PGliteWorker: serializers are not supported');
    const rawTypes = options.parsers ? Object.keys(options.parsers).map(Number) : undefined;
    return this.call<Results<T>>({ op: 'query', sql, params, rowMode: options.rowMode, rawTypes, blob: options.blob, txId });
  }

  /** One statement with $1… parameters; `rowMode: 'array'` gives rows as arrays (as PGlite's). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.queryIn<T>(undefined, sql, params, options);
  }

  /** Several statements without parameters (as PGlite's `exec`). */
  exec(sql: string): Promise<Results[]> {
    return this.call<Results[]>({ op: 'exec', sql });
  }

  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws or calls
   * `tx.rollback()`. Other statements wait until it ends (as in PGlite), in the order they came.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const txId = await this.call<number>({ op: 'begin' });
    let closed = false;
    const live = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const tx = {
      query: async <R>(sql: string, params?: unknown[], options?: QueryOptions) => (live(), this.queryIn<R>(txId, sql, params, options)),
      sql: async () => {
        throw new Error('PGliteWorker: tx.sql is not supported; use tx.query');
      },
      exec: async (sql: string) => (live(), this.call<Results[]>({ op: 'exec', sql, txId })),
      rollback: async () => {
        live();
        closed = true;
        await this.call({ op: 'end', txId, commit: false });
      },
      listen: async () => {
        throw new Error('PGliteWorker: listen is not supported');
      },
      get closed() {
        return closed;
      },
    } as unknown as Transaction;
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      if (!closed) {
        closed = true;
        await this.call({ op: 'end', txId, commit: false });
      }
      throw err;
    }
    if (!closed) {
      closed = true;
      await this.call({ op: 'end', txId, commit: true });
    }
    return result;
  }

  /** The whole data directory as a tarball (PGlite's dumpDataDir). */
  async dumpDataDir(compression: 'none' | 'gzip' | 'auto' = 'none'): Promise<Blob> {
    return new Blob([await this.call<ArrayBuffer>({ op: 'dump', compression })]);
  }

  /** Closes PGlite (its files flushed) and ends the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.dead) await this.call({ op: 'close' });
    } finally {
      this.closed = true;
      await this.worker.terminate();
    }
  }
}
