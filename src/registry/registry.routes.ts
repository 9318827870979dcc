import { z } from 'zod';
import { EVERYONE } from '../access/access.policy.js';
import { presenterFor } from '../access/presenter.js';
import type { RouteModule } from '../http/types.js';
import { getTeam, listTeams, searchRegistry } from './registry.service.js';

/** Routes of the team registry (read side; writes come through imports for now). */
export const registryRoutes: RouteModule = (api, { database }) => {
  const { db } = database;

  /** GET /api/teams?unit=CODE → teams in the unit and below, with member counts. */
  api.get(
    '/api/teams',
    { config: { access: { roles: EVERYONE } }, schema: { summary: 'Teams in a unit and below (within the user’s scope)', querystring: z.object({ unit: z.string().min(2).max(20) }) } },
    async (req) => ({ teams: await listTeams(db, req.query.unit, req.actor!.scope) }),
  );

  /** GET /api/teams/:id → a team and its members (leader, deputies, members; each by given name). */
  api.get(
    '/api/teams/:id',
    { config: { access: { roles: EVERYONE } }, schema: { summary: 'One team with its members (404 outside the user’s scope)', params: z.object({ id: z.coerce.number().int().positive().max(2147483647) }) } },
    async (req) => getTeam(db, req.params.id, req.actor!.scope, presenterFor(req.actor!.user.role)),
  );

  /** GET /api/search?q=&province= → teams and members whose names contain q, diacritics ignored. */
  api.get(
    '/api/search',
    {
      config: { access: { roles: EVERYONE } },
      schema: {
        summary: 'Search teams and members by name, ignoring diacritics and đ (within the user’s scope)',
        querystring: z.object({ q: z.string().min(1).max(100), province: z.string().regex(/^\d{2}$/).optional() }),
      },
    },
    async (req) => searchRegistry(db, req.query.q, req.actor!.scope, req.query.province ?? null),
  );
};
