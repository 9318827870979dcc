import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, queryRows } from './client.js';

/**
 * PGlite in its worker thread (db/pglite.proxy.ts) behind Drizzle: the same answers, errors and
 * transactions as PGlite in this thread, and this thread's event loop free while it works.
 * (Embedded database only: this is the embedded engine itself.)
 */
let database: Database;
beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://', migrate: false });
  await database.db.execute(sql`create table t (id int primary key, at timestamptz, d date, n numeric, j jsonb, b bytea, big bigint)`);
}, 60_000);
afterAll(() => database.close());

const count = async () => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from t`))[0].n;

describe('PGlite in a worker thread', () => {
  it('answers with the same values as PGlite here: timestamps and dates as text, json, bytes, bigint', async () => {
    await database.db.execute(sql`insert into t values (1, '2026-12-02T07:30:00+07:00', '2026-12-02', 1.50, '{"a":[1,"ạ"]}', '\\x0102', 9007199254740993)`);
    const rows = await queryRows(database.db, sql`select id, at, d, n, j, b, big from t where id = ${1}`);
    expect(rows).toEqual([{ id: 1, at: '2026-12-02 00:30:00+00', d: '2026-12-02', n: '1.50', j: { a: [1, 'ạ'] }, b: new Uint8Array([1, 2]), big: 9007199254740993n }]);
  });

  it('gives PostgreSQL errors with their code and constraint', async () => {
    const err = await database.db.execute(sql`insert into t (id) values (1)`).catch((e: Error & { cause?: Record<string, unknown> }) => e);
    expect(err).toBeInstanceOf(Error);
    const cause = (err as { cause: Record<string, unknown> }).cause;
    expect([cause.code, cause.constraint, cause.table]).toEqual(['23505', 't_pkey', 't']);
  });

  it('rolls a transaction back when it throws, also after a failed statement inside it, and keeps nested savepoints apart', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into t (id) values (2)`);
        throw new Error('huỷ');
      }),
    ).rejects.toThrow('huỷ');
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into t (id) values (3)`);
        await tx.execute(sql`insert into t (id) values (1)`);
      }),
    ).rejects.toThrow();
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t (id) values (4)`);
      await tx.transaction(async (inner) => {
        await inner.execute(sql`insert into t (id) values (5)`);
        inner.rollback();
      }).catch(() => {});
    });
    expect(await queryRows(database.db, sql`select id from t order by id`)).toEqual([{ id: 1 }, { id: 4 }]);
  });

  it('runs transactions one after another in the order they came: a statement outside waits for the open one', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t (id) values (10)`);
      order.push('first wrote');
      await held;
      await tx.execute(sql`insert into t (id) values (11)`);
      order.push('first done');
    });
    await new Promise((r) => setTimeout(r, 20));
    const second = database.db.transaction(async (tx) => {
      const [{ n }] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from t where id in (10, 11)`);
      order.push(`second saw ${n}`);
    });
    const outside = count().then((n) => order.push(`outside saw ${n}`));
    await new Promise((r) => setTimeout(r, 50));
    order.push('released');
    release();
    await Promise.all([first, second, outside]);
    expect(order).toEqual(['first wrote', 'released', 'first done', 'second saw 2', 'outside saw 4']);
  });

  it('leaves this thread free while a long statement runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const [{ s }] = await queryRows<{ s: string }>(database.db, sql`select sum(g)::text as s from generate_series(1, 3000000) g`);
    clearInterval(timer);
    expect(s).toBe('4500001500000');
    expect(ticks).toBeGreaterThan(0);
  });

  it('dumps the data directory and opens a copy from the dump', async () => {
    const dump = await database.pglite!.dumpDataDir('none');
    const copy = await openDatabase({ loadDataDir: dump, migrate: false });
    try {
      expect(await queryRows(copy.db, sql`select id from t order by id`)).toEqual([{ id: 1 }, { id: 4 }, { id: 10 }, { id: 11 }]);
    } finally {
      await copy.close();
    }
  });

  it('says when the worker dies, and every later statement fails with that reason', async () => {
    const deaths: string[] = [];
    const doomed = await openDatabase({ dataDir: 'memory://', migrate: false, onFatal: (e) => deaths.push(e.message) });
    // as an out-of-memory abort would: the thread ends under the database
    await (doomed.pglite as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const message = 'Cơ sở dữ liệu nhúng (PGlite) đã dừng: luồng kết thúc với mã 1. Hãy khởi động lại máy chủ.';
    expect(deaths).toEqual([message]);
    await expect(doomed.db.execute(sql`select 1`)).rejects.toMatchObject({ cause: { message } });
  });
});
