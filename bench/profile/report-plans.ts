/**
 * Where the network report's time goes: builds the 10,000-team / 60,000-member dataset of the
 * benchmark, captures the SQL that networkReport actually sends (by wrapping `db.execute`), then
 * times each statement alone and prints its EXPLAIN ANALYZE — before and after ANALYZE.
 *
 *   npx tsx bench/profile/report-plans.ts [pglite|postgres] [--plans]
 */
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../../src/db/client.js';
import { networkReport } from '../../src/reports/network.service.js';
import { type DatabaseFactory, pgliteFactory, postgresFactory } from '../databases.js';
import { buildNetworkDataset } from '../network.js';

const engine = process.argv[2] ?? 'postgres';
const showPlans = process.argv.includes('--plans');
const dialect = new PgDialect();

/** SQL text with its parameters inlined (report parameters are plain strings and integers). */
function inline(query: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return text.replace(/\$(\d+)/g, (_, n) => {
    const v = params[Number(n) - 1];
    return typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
  });
}

async function captureReportSql(db: Db, code: string): Promise<string[]> {
  const captured: string[] = [];
  const spy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'execute') return (q: SQL) => (captured.push(inline(q)), target.execute(q));
      return Reflect.get(target, prop, receiver);
    },
  });
  await (networkReport as (db: Db, code: string, scope?: unknown) => Promise<unknown>)(spy, code, { kind: 'all' });
  return captured;
}

const factory: DatabaseFactory | null = engine === 'pglite' ? await pgliteFactory() : await postgresFactory(process.env.NGOSO_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432');
if (!factory) throw new Error('PostgreSQL unreachable');
const d = await factory.fresh('plans');
try {
  await buildNetworkDataset(d.db, { province: '14', teams: 10_000, members: 60_000 });
  const statements = await captureReportSql(d.db, '14');
  for (const analyzed of [false, true]) {
    if (analyzed) await d.db.execute(sql`analyze`);
    console.log(`\n===== ${factory.label}, ${analyzed ? 'after ANALYZE' : 'no statistics (fresh bulk load)'}`);
    for (const [i, text] of statements.entries()) {
      for (let k = 0; k < 2; k++) await d.db.execute(sql.raw(text));
      const times: number[] = [];
      for (let k = 0; k < 7; k++) {
        const t = performance.now();
        await d.db.execute(sql.raw(text));
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`-- query ${i + 1}: median ${times[3].toFixed(1)} ms alone  | ${text.replace(/\s+/g, ' ').slice(0, 140)}…`);
      if (showPlans) {
        const plan = (await d.db.execute(sql.raw(`explain (analyze, costs off) ${text}`))) as unknown as { rows: Record<string, string>[] };
        console.log(plan.rows.map((r) => '   ' + Object.values(r)[0]).join('\n'));
      }
    }
  }
} finally {
  await d.close();
  await factory.dispose();
}
