// @ts-check
/**
 * The embedded database (PGlite) in a worker thread, so that its long synchronous WebAssembly work
 * never blocks the HTTP server's event loop (issue 13, item 11). Driven by `pglite.proxy.ts`
 * through messages; plain JavaScript so that it loads the same way under tsx, vitest and node.
 *
 * Messages in: {id, op, …}; out: {id, ok: true, value} or {id, ok: false, error}.
 * - init {dataDir, load?: ArrayBuffer}  → PGlite.create (data directory, or a dump to load)
 * - query {sql, params, rowMode, rawTypes, blob, txId?}  → PGlite's Results; rawTypes: type OIDs
 *   handed back as the server's text (the parsers Drizzle passes keep timestamps, dates and
 *   intervals as text; functions cannot cross threads)
 * - exec {sql, txId?}  → Results[]
 * - begin  → a transaction id, once PGlite's transaction (its FIFO mutex) is ours;
 *   end {txId, commit}  → COMMIT or ROLLBACK. Statements carrying the txId run inside it; others wait.
 * - dump {compression}  → ArrayBuffer of dumpDataDir; close  → PGlite closed.
 */
import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** @type {PGlite | undefined} */
let db;
/** @type {Map<number, {tx: any, finish: (commit: boolean) => void}>} */
const open = new Map();
/** @type {Map<number, Promise<unknown>>} the settled outcome of each open transaction */
const ends = new Map();
let nextTx = 0;
const ROLLBACK = Symbol('rollback');

/** A PostgreSQL error as plain fields (its queryOptions hold functions, which cannot be cloned). */
const ERROR_FIELDS = ['code', 'severity', 'detail', 'hint', 'position', 'where', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine', 'query'];
function plainError(/** @type {any} */ err) {
  const out = { name: err?.name ?? 'Error', message: String(err?.message ?? err), stack: err?.stack };
  for (const f of ERROR_FIELDS) if (err && typeof err[f] !== 'object' && err[f] !== undefined) out[f] = err[f];
  return out;
}

const identity = (/** @type {string} */ v) => v;
function queryOptions(/** @type {any} */ m) {
  /** @type {any} */
  const o = {};
  if (m.rowMode) o.rowMode = m.rowMode;
  if (m.rawTypes?.length) o.parsers = Object.fromEntries(m.rawTypes.map((t) => [t, identity]));
  if (m.blob) o.blob = m.blob;
  return o;
}

/** The transaction a statement belongs to, or the database itself. */
function target(/** @type {number | undefined} */ txId) {
  if (txId === undefined) return /** @type {PGlite} */ (db);
  const t = open.get(txId);
  if (!t) throw new Error(`Giao dịch ${txId} đã đóng.`);
  return t.tx;
}

async function handle(/** @type {any} */ m) {
  switch (m.op) {
    case 'init':
      db = await PGlite.create(m.dataDir, m.load ? { loadDataDir: new Blob([m.load]) } : {});
      return null;
    case 'query': {
      const r = await target(m.txId).query(m.sql, m.params, queryOptions(m));
      return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows, blob: r.blob };
    }
    case 'exec':
      return (await target(m.txId).exec(m.sql)).map((/** @type {any} */ r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows }));
    case 'begin':
      return await new Promise((began, failed) => {
        const txId = ++nextTx;
        /** @type {Promise<unknown>} */
        const ended = /** @type {PGlite} */ (db).transaction(
          (tx) =>
            new Promise((commit, rollback) => {
              open.set(txId, { tx, finish: (ok) => (ok ? commit(undefined) : rollback(ROLLBACK)) });
              began(txId);
            }),
        );
        ended.catch(failed); // BEGIN itself failed (began was not called)
        ends.set(txId, ended);
      });
    case 'end': {
      const t = open.get(m.txId);
      const ended = ends.get(m.txId);
      open.delete(m.txId);
      ends.delete(m.txId);
      if (!t || !ended) throw new Error(`Giao dịch ${m.txId} đã đóng.`);
      t.finish(m.commit);
      try {
        await ended;
      } catch (err) {
        if (err !== ROLLBACK) throw err; // COMMIT refused (e.g. the transaction had failed)
      }
      return null;
    }
    case 'dump': {
      const file = await /** @type {PGlite} */ (db).dumpDataDir(m.compression ?? 'none');
      return await file.arrayBuffer();
    }
    case 'close':
      await db?.close();
      return null;
    default:
      throw new Error(`unknown op ${m.op}`);
  }
}
port.on('message', (/** @type {any} */ m) => {
  handle(m).then(
    (value) => port.postMessage({ id: m.id, ok: true, value }, value instanceof ArrayBuffer ? [value] : []),
    (err) => port.postMessage({ id: m.id, ok: false, error: plainError(err) }),
  );
});
