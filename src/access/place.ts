import { unitById } from '../catalogue/catalogue.repo.js';
import type { Db } from '../db/client.js';
import { teamById } from '../registry/registry.repo.js';
import { ALL } from './access.policy.js';
import * as repo from './access.repo.js';
import type { UserRow } from './access.repo.js';

/** Where a user works, for the UI and for placing their audit entries: unit and team (codes and names), province and commune. */
export async function userPlace(db: Db, user: UserRow) {
  const a = await repo.scopeAnchors(db, user.id);
  const unit = a?.unitId ? await unitById(db, a.unitId) : undefined;
  const team = a?.teamId ? await teamById(db, a.teamId, ALL) /* the user's own team */ : undefined;
  return {
    unit: unit ? { code: unit.code, name: unit.name, level: unit.level } : null,
    team: team ? { id: team.id, name: team.name } : null,
    provinceCode: a?.teamProvinceCode ?? a?.provinceCode ?? null,
    communeId: a?.teamCommuneId ?? (a?.unitLevel === 'commune' ? a.unitId : a?.unitLevel === 'village' ? a.unitParentId : null) ?? null,
  };
}
