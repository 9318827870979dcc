import { z } from 'zod';
import { READERS } from '../access/access.policy.js';
import { presenterFor } from '../access/presenter.js';
import type { RouteModule } from '../http/types.js';
import { isoDay } from '../http/zod.js';
import { reportToCsv, reportToXlsx } from './network.export.js';
import { networkReport } from './network.service.js';
import { rosterToXlsx } from './roster.export.js';

/** Routes of the reports module. */
export const reportRoutes: RouteModule = (api, { database }) => {
  /**
   * GET /api/reports/network?unit=CODE[&asOf=YYYY-MM-DD][&from=&to=][&format=json|csv|xlsx] → the network
   * report of a province, commune or village (shape in network.service.ts) as the registry stood on `asOf`
   * (a Vietnam day, not after today; default now), with joins and leaves in [from, to] when given.
   * csv/xlsx download as attachments. Errors: 400 VALIDATION_FAILED (a day in the future, from after to).
   */
  api.get(
    '/api/reports/network',
    {
      config: { access: { roles: READERS } },
      schema: {
        summary: 'Teams and members of a unit (403 outside the user’s scope), split by level, affiliation, gender, age band and child unit',
        querystring: z.object({ unit: z.string().min(2).max(20), format: z.enum(['json', 'csv', 'xlsx']).default('json'), asOf: isoDay.optional(), from: isoDay.optional(), to: isoDay.optional() }),
      },
    },
    async (req, reply) => {
      const { asOf, from, to } = req.query;
      const report = await networkReport(database.db, req.query.unit, req.actor!.scope, { asOf, from, to });
      if (req.query.format === 'json') return report;
      const file = `bao-cao-mang-luoi-${report.unit.code}`;
      if (req.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}.csv"`).send(reportToCsv(report));
      }
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${file}.xlsx"`)
        .send(await reportToXlsx(report));
    },
  );

  /** GET /api/reports/roster?unit=CODE[&asOf=YYYY-MM-DD] → the unit's roster as .xlsx in the official form (motto block, two-row header, signature block). */
  api.get(
    '/api/reports/roster',
    {
      config: { access: { roles: READERS } },
      schema: { summary: 'Roster of a unit in the official form (.xlsx), importable back; as it stood on asOf when given', querystring: z.object({ unit: z.string().min(2).max(20), asOf: isoDay.optional() }) },
    },
    async (req, reply) => {
      const { file, name } = await rosterToXlsx(database.db, req.query.unit, req.actor!.scope, presenterFor(req.actor!.user.role), req.query.asOf ?? null);
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${name}"`).send(file);
    },
  );
};
