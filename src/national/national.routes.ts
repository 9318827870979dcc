import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../db/client.js';
import type { RouteModule } from '../http/types.js';
import { supportReport } from '../sessions/sessions.report.js';
import { periodQuery } from '../sessions/sessions.routes.js';
import { nationalNetworkReport } from './national.report.js';
import { PUBLICATION } from './national.publication.js';
import { replicationStatus } from './national.subscription.js';

/** Routes of the national module (issue 18): the operator's replication page, the nation's network and support reports. */
export const nationalRoutes: RouteModule = (api, { database, config }) => {
  const { db } = database;
  const ADMIN = { access: { roles: ['admin'] } } as const;

  /**
   * GET /api/national/replication → what this server is in the replication, from PostgreSQL's own
   * statistics: `server` 'national' with one row per province subscription (state, tables copied,
   * last message sent and received, seconds since, apply and copy errors: national.subscription.ts);
   * 'province' with its publication and each replication slot (active, bytes of WAL not yet
   * confirmed by the national server); 'embedded' (PGlite cannot publish: migrate to PostgreSQL
   * first); 'standalone' otherwise. Administrators only.
   */
  api.get('/api/national/replication', { config: ADMIN, schema: { summary: 'Replication between province servers and the national server (operator page)' } }, async () => {
    if (database.kind !== 'postgres') return { server: 'embedded' as const, province: config.province ?? null };
    if (config.national) return { server: 'national' as const, subscriptions: await replicationStatus(db) };
    const [pub] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_publication where pubname = ${PUBLICATION}`);
    if (!config.province && !pub.n) return { server: 'standalone' as const };
    const slots = pub.n
      ? await queryRows<{ slot: string; active: boolean; pendingBytes: number | null }>(
          db,
          sql`select slot_name as slot, active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::float8 as "pendingBytes" from pg_replication_slots where slot_type = 'logical' and database = current_database() order by slot_name`,
        )
      : [];
    return { server: 'province' as const, province: config.province ?? null, publication: pub.n ? PUBLICATION : null, slots };
  });

  /**
   * GET /api/national/network → the nation's network report: the 34 provinces with their teams and
   * members, the total their sum (national.report.ts). Administrators only (the whole country).
   */
  api.get('/api/national/network', { config: ADMIN, schema: { summary: "The nation's network report, by province" } }, async () => nationalNetworkReport(db));

  /**
   * GET /api/national/support?from=&to= | period=…&date= (as GET /api/reports/support) → the
   * nation's support report (sessions.report.ts, target `nation`): the 34 provinces' rollups summed,
   * the provinces as children; distinct residents are the sum of the provinces'. Administrators only.
   */
  api.get(
    '/api/national/support',
    { config: ADMIN, schema: { summary: "The nation's support report, by province", querystring: z.object(periodQuery) } },
    async (req) => supportReport(db, { nation: true }, req.query, req.actor!.scope),
  );
};
