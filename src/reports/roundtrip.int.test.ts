import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ALL } from '../access/access.policy.js';
import { OPERATOR_PRESENTER } from '../access/presenter.js';
import { type Db, queryRows } from '../db/client.js';
import { generateDemo } from '../demo/demo.service.js';
import { importRoster } from '../imports/imports.service.js';
import { bumpRevision } from '../registry/registry.repo.js';
import { testDatabase } from '../../test/db.js';
import { rosterToXlsx } from './roster.export.js';

/**
 * The registry as the roster form carries it, independent of ids and of generated village codes:
 * per membership the commune's code, the team's level, village and name, the person's fields, the
 * role and the affiliations; sorted by code points in JS so both databases give the same order.
 */
async function registryAsForm(db: Db) {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select c.code as commune, t.level, case when t.level = 'village' then u.name else '' end as village, t.name as team, t.status,
               m.full_name as "fullName", m.gender, m.birth_year as "birthYear", m.phone, tm.role, tm.affiliations, tm.position
          from team_members tm join teams t on t.id = tm.team_id join members m on m.id = tm.member_id
          join admin_units u on u.id = t.unit_id join admin_units c on c.id = t.commune_id
         where tm.left_on is null and t.status = 'active'`,
  );
  // affiliations are a set: compared in one order
  const keyed = rows.map((r) => JSON.stringify({ ...r, affiliations: [...(r.affiliations as string[])].sort() }));
  return keyed.sort();
}

describe('exports round-trip exactly (issue 13, item 8)', () => {
  it('the demo network exported as the roster .xlsx imports into an empty database as the identical registry', async () => {
    const source = await testDatabase();
    const target = await testDatabase();
    try {
      await generateDemo(source.db);
      // people the form must carry too: no gender (year only), no year, no gender and no year,
      // and texts a spreadsheet would take for formulas
      await source.db.transaction(async (tx) => {
        await tx.execute(sql`update members set gender = null where id in (select id from members order by id limit 3)`);
        await tx.execute(sql`update members set birth_year = null where id in (select id from members order by id offset 2 limit 3)`);
        await tx.execute(sql`update team_members set position = '-Bí thư Đoàn xã', affiliations = '{youth_union}' where id = (select min(id) from team_members)`);
        await bumpRevision(tx);
      });
      const before = await registryAsForm(source.db);
      expect(before).toHaveLength(8966);

      const { file, name } = await rosterToXlsx(source.db, '14', ALL, OPERATOR_PRESENTER);
      const report = await importRoster(target.db, { name, data: file }, { scope: ALL, commit: true, maxBytes: 1e8 });
      expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(report.counts).toMatchObject({ invalid: 0 });
      const after = await registryAsForm(target.db);
      expect(after.length).toBe(before.length);
      // the first differences, readable, before the whole comparison
      expect(after.filter((r) => !before.includes(r)).slice(0, 5)).toEqual([]);
      expect(after).toEqual(before);
    } finally {
      await source.close();
      await target.close();
    }
  }, 600_000);
});
