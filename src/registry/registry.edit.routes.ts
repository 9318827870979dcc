import { z } from 'zod';
import { EVERYONE, OFFICERS, READERS } from '../access/access.policy.js';
import { presenterFor } from '../access/presenter.js';
import { createVillage, mergeVillages, renameVillage } from '../catalogue/catalogue.villages.js';
import type { RouteModule } from '../http/types.js';
import {
  addMemberBody,
  createTeamBody,
  createVillageBody,
  distinctBody,
  leaveBody,
  mergeMemberBody,
  mergeVillageBody,
  moveBody,
  renameVillageBody,
  teamStatusBody,
  updateMemberBody,
  updateMembershipBody,
  updateTeamBody,
} from './registry.contract.js';
import { duplicatePairs, markDistinct, mergeMembers } from './registry.duplicates.js';
import { memberDetail, teamHistory } from './registry.history.js';
import { addMember, leaveTeam, moveMember, updateMember, updateMembership } from './registry.members.js';
import { getTeam, formerMembers } from './registry.service.js';
import { createTeam, setTeamStatus, updateTeam } from './registry.teams.js';

/**
 * Routes that change the registry by hand: teams, members and their membership periods, villages,
 * duplicates. Who: officers (admin, province and commune officers), each within their scope; team
 * leaders and members change nothing here (their officer does, on their word) — a proposal queue
 * would add a second path to the same facts for little gain at commune scale. Every write answers
 * the changed record; bad bodies are 400 before any code runs (zod, registry.contract.ts), refusals
 * 403/404 (audited), conflicts 409 (REGISTRY_CONFLICT, VERSION_CONFLICT). Bodies are at most 16 KB.
 */
const id = z.coerce.number().int().positive().max(2147483647);
const SMALL = 16 * 1024;
const write = { config: { access: { roles: OFFICERS } }, bodyLimit: SMALL } as const;

export const registryEditRoutes: RouteModule = (api, { database }) => {
  const { db } = database;
  const editor = (req: { actor: { userId: number; ip: string | null; scope: import('../access/access.policy.js').Scope } | null }) => ({ userId: req.actor!.userId, ip: req.actor!.ip, scope: req.actor!.scope });

  /** POST /api/teams {level, unit, name, establishedOn?} → 201 the team (as GET /api/teams/:id). */
  api.post('/api/teams', { ...write, schema: { summary: 'Create a team on a commune or a village', body: createTeamBody } }, async (req, reply) => {
    const team = await createTeam(db, req.body, editor(req));
    return reply.status(201).send(await getTeam(db, team.id, req.actor!.scope, presenterFor(req.actor!.user.role)));
  });

  /** PATCH /api/teams/:id {version, name?, establishedOn?, village?} → the team. */
  api.patch('/api/teams/:id', { ...write, schema: { summary: 'Rename, date or move a team to another village of its commune', params: z.object({ id }), body: updateTeamBody } }, async (req) => {
    await updateTeam(db, req.params.id, req.body, editor(req));
    return getTeam(db, req.params.id, req.actor!.scope, presenterFor(req.actor!.user.role));
  });

  /** POST /api/teams/:id/status {version, status, since, reason?} → the team. Dissolving ends its memberships that day. */
  api.post('/api/teams/:id/status', { ...write, schema: { summary: 'Suspend, dissolve or reactivate a team from a day', params: z.object({ id }), body: teamStatusBody } }, async (req) => {
    await setTeamStatus(db, req.params.id, req.body, editor(req));
    return getTeam(db, req.params.id, req.actor!.scope, presenterFor(req.actor!.user.role));
  });

  /** GET /api/teams/:id/history → {history: lines newest first, former: members whose periods ended}. */
  api.get('/api/teams/:id/history', { config: { access: { roles: EVERYONE } }, schema: { summary: 'A team’s history and former members', params: z.object({ id }) } }, async (req) => {
    const presenter = presenterFor(req.actor!.user.role);
    const former = await formerMembers(db, req.params.id, req.actor!.scope);
    return { history: await teamHistory(db, req.params.id, req.actor!.scope, presenter), former };
  });

  /** POST /api/teams/:id/members {person|memberId, role, affiliations, position?, joinedOn, replaceLeader?} → 201 {memberId, replacedLeaders}. */
  api.post('/api/teams/:id/members', { ...write, schema: { summary: 'Add a new or existing person to a team', params: z.object({ id }), body: addMemberBody } }, async (req, reply) =>
    reply.status(201).send(await addMember(db, req.params.id, req.body, editor(req))),
  );

  /** PATCH /api/teams/:teamId/members/:memberId {version, role?+on, affiliations?, position?, replaceLeader?} → {version}. */
  api.patch(
    '/api/teams/:teamId/members/:memberId',
    { ...write, schema: { summary: 'Change a role from a day, affiliations or position', params: z.object({ teamId: id, memberId: id }), body: updateMembershipBody } },
    async (req) => updateMembership(db, req.params.teamId, req.params.memberId, req.body, editor(req)),
  );

  /** POST /api/teams/:teamId/members/:memberId/leave {version, on, reason, note?} → {version}. */
  api.post(
    '/api/teams/:teamId/members/:memberId/leave',
    { ...write, schema: { summary: 'End a membership on a day, with the reason', params: z.object({ teamId: id, memberId: id }), body: leaveBody } },
    async (req) => leaveTeam(db, req.params.teamId, req.params.memberId, req.body, editor(req)),
  );

  /** GET /api/members/:id → the person, their periods in scope and their history. */
  api.get('/api/members/:id', { config: { access: { roles: EVERYONE } }, schema: { summary: 'A person with membership periods and history', params: z.object({ id }) } }, async (req) =>
    memberDetail(db, req.params.id, req.actor!.scope, presenterFor(req.actor!.user.role)),
  );

  /** PATCH /api/members/:id {version, fullName?, gender?, birthYear?, phone?} → {id, version}. */
  api.patch('/api/members/:id', { ...write, schema: { summary: 'Edit a person’s own fields', params: z.object({ id }), body: updateMemberBody } }, async (req) =>
    updateMember(db, req.params.id, req.body, editor(req)),
  );

  /** POST /api/members/:id/move {version, fromTeamId, toTeamId, on, role?, replaceLeader?} → {version}. */
  api.post('/api/members/:id/move', { ...write, schema: { summary: 'Move a person to another team of the province on a day', params: z.object({ id }), body: moveBody } }, async (req) =>
    moveMember(db, req.params.id, req.body, editor(req)),
  );

  /** POST /api/members/:id/merge {version, into, intoVersion} → what moved. The record :id is the duplicate. */
  api.post('/api/members/:id/merge', { ...write, schema: { summary: 'Merge a duplicate person into another', params: z.object({ id }), body: mergeMemberBody } }, async (req) =>
    mergeMembers(db, req.params.id, req.body, editor(req)),
  );

  /** GET /api/duplicates?commune=CODE → {pairs}: possible duplicate people among the commune's current members. */
  api.get('/api/duplicates', { config: { access: { roles: READERS } }, schema: { summary: 'Possible duplicate people of a commune', querystring: z.object({ commune: z.string().min(2).max(20) }) } }, async (req) => ({
    pairs: await duplicatePairs(db, req.query.commune, req.actor!.scope, presenterFor(req.actor!.user.role)),
  }));

  /** POST /api/duplicates/distinct {a, b} → 204: the two are different people; not offered again. */
  api.post('/api/duplicates/distinct', { ...write, schema: { summary: 'Remember that two records are different people', body: distinctBody } }, async (req, reply) => {
    await markDistinct(db, req.body.a, req.body.b, editor(req));
    return reply.status(204).send();
  });

  /** POST /api/villages {commune, name, validFrom?} → 201 the village (code, name). */
  api.post('/api/villages', { ...write, schema: { summary: 'Create a village of a commune', body: createVillageBody } }, async (req, reply) => {
    const v = await createVillage(db, req.body, editor(req));
    return reply.status(201).send({ code: v.code, name: v.name, validFrom: v.validFrom });
  });

  /** PATCH /api/villages/:code {name, on} → the village; the old name is remembered for imports. */
  api.patch('/api/villages/:code', { ...write, schema: { summary: 'Rename a village from a day', params: z.object({ code: z.string().min(2).max(20) }), body: renameVillageBody } }, async (req) => {
    const v = await renameVillage(db, req.params.code, req.body, editor(req));
    return { code: v.code, name: v.name };
  });

  /** POST /api/villages/:code/merge {into, on} → what moved (teams, sessions, population years). */
  api.post('/api/villages/:code/merge', { ...write, schema: { summary: 'Merge a village into another of the same commune', params: z.object({ code: z.string().min(2).max(20) }), body: mergeVillageBody } }, async (req) =>
    mergeVillages(db, req.params.code, req.body, editor(req)),
  );
};
