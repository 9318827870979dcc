import { z } from 'zod';
import { OFFICERS } from '../access/access.policy.js';
import type { RouteModule } from '../http/types.js';
import { createResident, listResidents } from './residents.service.js';

/** Routes of residents' personal data. */
export const residentRoutes: RouteModule = (api, { database, protector }) => {
  /**
   * POST /api/residents {unit, fullName?, gender?, birthYear?, phone?, nationalId?, consent?:{purpose}}
   * → {id, created}: created false when the phone or ID was already recorded (that resident's id,
   * null when another commune outside the caller's scope keeps it). Phone/ID need consent.
   */
  api.post(
    '/api/residents',
    {
      config: { access: { roles: ['admin', 'province_officer', 'commune_officer', 'team_leader', 'member'] } },
      schema: {
        summary: 'Record a resident (phone and ID only with consent; stored encrypted)',
        body: z.object({
          unit: z.string().min(5).max(20),
          fullName: z.string().min(1).max(100).optional(),
          gender: z.enum(['male', 'female']).optional(),
          birthYear: z.number().int().min(1900).max(2100).optional(),
          phone: z.string().max(20).optional(),
          nationalId: z.string().max(20).optional(),
          consent: z.object({ purpose: z.string().min(5).max(300) }).optional(),
        }),
      },
    },
    async (req) => createResident(database.db, protector, req.body, req.actor!),
  );

  /** GET /api/residents?commune=CODE[&purpose=TEXT] → residents, numbers masked unless a purpose is given (logged). */
  api.get(
    '/api/residents',
    {
      config: { access: { roles: OFFICERS } },
      schema: { summary: 'Residents of a commune (masked unless a logged purpose is given)', querystring: z.object({ commune: z.string().min(5).max(20), purpose: z.string().max(300).optional() }) },
    },
    async (req) => ({ residents: await listResidents(database.db, protector, req.query.commune, req.actor!, req.query.purpose) }),
  );
};
