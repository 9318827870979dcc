import { and, eq, sql } from 'drizzle-orm';
import { requireScope, unitInScope, unitTarget } from '../access/access.policy.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import type { CreateVillageBody, MergeVillageBody, RenameVillageBody } from '../registry/registry.contract.js';
import { auditEdit, conflict, type Editor, requireNotFuture } from '../registry/registry.rules.js';
import { villageKind } from '../registry/registry.vocabulary.js';
import { formatDateVi } from '../text/dates.js';
import { nameKey, searchKey } from '../text/vietnamese.js';
import { insertVillages, unitsByCode, type UnitRow, villagesOfCommunes } from './catalogue.repo.js';
import { adminUnitNames, adminUnits, adminUnitSuccessors } from './catalogue.schema.js';
import { canonicalVillage } from './village-name.js';

/**
 * Villages by hand (thôn, bản, tổ dân phố…: no official code, so "<commune code>.<nnn>"): create,
 * rename from a day (the old name kept in `admin_unit_names`, so files written with it still
 * match), and merge two villages of one commune (teams, sessions and population move to the
 * survivor; the merged village ends that day and links to it as its successor). Officers of the
 * commune or above; one transaction each, audited.
 */

/** The current village `code` in the editor's scope, locked; UNIT_NOT_FOUND or OUT_OF_SCOPE otherwise. */
async function villageForEdit(tx: Db, code: string, editor: Editor): Promise<UnitRow> {
  // lock first, then read: a village merged away by an edit that committed meanwhile is seen as ended
  await tx.execute(sql`select 1 from admin_units where code = ${code} and level = 'village' for update`);
  const units = await unitsByCode(tx, code);
  const village = units.find((u) => u.level === 'village' && !u.validTo);
  if (!village) {
    const ended = units.find((u) => u.level === 'village');
    throw new AppError('UNIT_NOT_FOUND', ended ? `Thôn "${ended.name}" (mã ${code}) không còn từ ${formatDateVi(ended.validTo!)}.` : `Không có thôn, bản mã "${code}".`);
  }
  requireScope(unitInScope(editor.scope, village) && editor.scope.kind !== 'team', `thôn "${village.name}"`, unitTarget(village));
  return village;
}

/** The current village of the commune already named `name` (canonical spelling, tone placement ignored), if any. */
async function sameNamed(tx: Db, communeId: number, name: string, editor: Editor, exceptId?: number) {
  const key = canonicalVillage(name).key;
  return (await villagesOfCommunes(tx, [communeId], editor.scope)).find((v) => !v.validTo && v.id !== exceptId && canonicalVillage(v.name).key === key);
}

/**
 * Creates a village of the current commune `body.commune`, in the canonical spelling ("TDP 4" →
 * "Tổ dân phố 4"), valid from `validFrom` (default: unknown). Returns the unit.
 * Errors: UNIT_NOT_FOUND, VALIDATION_FAILED (not a commune, a future day), OUT_OF_SCOPE, REGISTRY_CONFLICT (name taken).
 */
export async function createVillage(db: Db, body: CreateVillageBody, editor: Editor): Promise<UnitRow> {
  requireNotFuture(editor, body.validFrom, 'validFrom', 'Ngày thành lập thôn');
  return db.transaction(async (tx) => {
    const commune = (await unitsByCode(tx, body.commune)).find((u) => !u.validTo);
    if (!commune || commune.level !== 'commune') throw new AppError('UNIT_NOT_FOUND', `Không có xã, phường hiện hành mã "${body.commune}".`);
    requireScope(unitInScope(editor.scope, commune) && (editor.scope.kind === 'all' || editor.scope.kind === 'province' || editor.scope.kind === 'commune'), `xã "${commune.name}"`, unitTarget(commune));
    // two creations at once in one commune: the second waits here, then sees the first's name and code
    await tx.execute(sql`select 1 from admin_units where id = ${commune.id} for update`);
    const name = canonicalVillage(body.name).name;
    const taken = await sameNamed(tx, commune.id, name, editor);
    if (taken) throw conflict(`${commune.name} đã có "${taken.name}" (mã ${taken.code}); không tạo thôn thứ hai cùng tên.`);
    const earlier = (await villagesOfCommunes(tx, [commune.id], editor.scope)).find((v) => !v.validTo && v.earlierNames.some((n) => canonicalVillage(n).key === canonicalVillage(name).key));
    if (earlier) throw conflict(`"${name}" là tên cũ của "${earlier.name}" (mã ${earlier.code}), vẫn dùng để nhận diện tệp cũ; hãy đặt tên khác.`);
    const [{ n }] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from admin_units where level = 'village' and parent_id = ${commune.id}`);
    let seq = n + 1;
    const codeOf = (k: number) => `${commune.code}.${String(k).padStart(3, '0')}`;
    while ((await unitsByCode(tx, codeOf(seq))).length) seq++;
    const [village] = await insertVillages(
      tx,
      [{ code: codeOf(seq), level: 'village', kind: villageKind(name), name, shortName: name, nameKey: nameKey(name), searchKey: searchKey(name), parentId: commune.id, provinceCode: commune.provinceCode, validFrom: body.validFrom ?? null, validTo: null, source: 'user' }],
      editor.scope,
    );
    await auditEdit(tx, editor, { action: 'village.created', entity: 'village', entityId: village.code!, provinceCode: commune.provinceCode, communeId: commune.id, after: { name, code: village.code, validFrom: village.validFrom } });
    return village;
  });
}

/**
 * Renames a village from `on`; the old name is remembered until that day for matching imports.
 * Errors: UNIT_NOT_FOUND, OUT_OF_SCOPE, VALIDATION_FAILED (future), REGISTRY_CONFLICT (name taken, the same name).
 */
export async function renameVillage(db: Db, code: string, body: RenameVillageBody, editor: Editor): Promise<UnitRow> {
  requireNotFuture(editor, body.on, 'on', 'Ngày đổi tên');
  return db.transaction(async (tx) => {
    const village = await villageForEdit(tx, code, editor);
    const name = canonicalVillage(body.name).name;
    if (canonicalVillage(village.name).key === canonicalVillage(name).key && village.name === name) throw conflict(`Thôn đã có tên "${name}".`);
    const taken = await sameNamed(tx, village.parentId!, name, editor, village.id);
    if (taken) throw conflict(`Xã đã có "${taken.name}" (mã ${taken.code}); nếu là cùng một thôn, hãy gộp hai thôn thay vì đổi tên.`);
    const key = canonicalVillage(name).key;
    const earlier = (await villagesOfCommunes(tx, [village.parentId!], editor.scope)).find((v) => !v.validTo && v.id !== village.id && v.earlierNames.some((n) => canonicalVillage(n).key === key));
    if (earlier) throw conflict(`"${name}" là tên cũ của "${earlier.name}" (mã ${earlier.code}), vẫn dùng để nhận diện tệp cũ; hãy đặt tên khác.`);
    await tx.insert(adminUnitNames).values({ unitId: village.id, name: village.name, nameKey: nameKey(village.name), validTo: body.on }).onConflictDoUpdate({ target: [adminUnitNames.unitId, adminUnitNames.nameKey], set: { validTo: body.on } });
    await tx.update(adminUnits).set({ name, shortName: name, kind: villageKind(name), nameKey: nameKey(name), searchKey: searchKey(name) }).where(eq(adminUnits.id, village.id));
    await auditEdit(tx, editor, { action: 'village.renamed', entity: 'village', entityId: code, provinceCode: village.provinceCode, communeId: village.parentId, before: { name: village.name }, after: { name, on: body.on } });
    return (await unitsByCode(tx, code)).find((u) => !u.validTo)!;
  });
}

/**
 * Merges the village `code` into `body.into` (same commune) on `body.on`: its teams, support sessions
 * and population move to the survivor, its names are remembered as the survivor's earlier names,
 * and it ends on that day with the survivor as successor. A team name both villages hold is refused
 * (rename or merge the teams first). Returns what moved.
 * Errors: UNIT_NOT_FOUND, OUT_OF_SCOPE, VALIDATION_FAILED (itself, another commune, future), REGISTRY_CONFLICT.
 */
export async function mergeVillages(db: Db, code: string, body: MergeVillageBody, editor: Editor) {
  if (code === body.into) throw new AppError('VALIDATION_FAILED', 'Không gộp một thôn vào chính nó; hãy chọn thôn còn lại.', { path: 'into' });
  requireNotFuture(editor, body.on, 'on', 'Ngày gộp');
  return db.transaction(async (tx) => {
    const [first, second] = code < body.into ? [code, body.into] : [body.into, code];
    const a = await villageForEdit(tx, first, editor);
    const b = await villageForEdit(tx, second, editor);
    const [gone, keep] = a.code === code ? [a, b] : [b, a];
    const began = [gone.validFrom, keep.validFrom].filter((d): d is string => !!d).sort().pop();
    if (began && body.on < began) throw new AppError('VALIDATION_FAILED', `Thôn có từ ngày ${formatDateVi(began)}; ngày gộp không được trước ngày đó.`, { path: 'on' });
    if (gone.parentId !== keep.parentId) throw new AppError('VALIDATION_FAILED', `"${gone.name}" và "${keep.name}" thuộc hai xã khác nhau; chỉ gộp được các thôn của cùng một xã.`, { path: 'into' });
    const clash = await queryRows<{ name: string }>(tx, sql`select g.name from teams g join teams k on k.unit_id = ${keep.id} and k.name_key = g.name_key where g.unit_id = ${gone.id}`);
    if (clash.length) throw conflict(`Cả hai thôn đều có tổ "${clash.map((c) => c.name).join('", "')}"; hãy đổi tên một tổ (hoặc chuyển thành viên rồi giải thể tổ thừa) trước khi gộp.`);
    const teams = await queryRows<{ id: number }>(tx, sql`update teams set unit_id = ${keep.id}, version = version + 1 where unit_id = ${gone.id} returning id`);
    const sessions = await queryRows<{ n: number }>(tx, sql`with u as (update support_sessions set village_id = ${keep.id} where village_id = ${gone.id} returning 1) select count(*)::int as n from u`);
    const population = await queryRows<{ year: number }>(
      tx,
      sql`with g as (delete from unit_population where unit_id = ${gone.id} returning year, population, households)
          insert into unit_population (unit_id, year, population, households) select ${keep.id}, year, population, households from g
          on conflict (unit_id, year) do update set population = unit_population.population + excluded.population,
            households = case when unit_population.households is null or excluded.households is null then null else unit_population.households + excluded.households end
          returning year`,
    );
    for (const n of [{ name: gone.name }, ...(await tx.select({ name: adminUnitNames.name }).from(adminUnitNames).where(eq(adminUnitNames.unitId, gone.id)))]) {
      await tx.insert(adminUnitNames).values({ unitId: keep.id, name: n.name, nameKey: nameKey(n.name), validTo: body.on }).onConflictDoNothing();
    }
    await tx.update(adminUnits).set({ validTo: body.on }).where(and(eq(adminUnits.id, gone.id)));
    await tx.insert(adminUnitSuccessors).values({ predecessorId: gone.id, successorId: keep.id }).onConflictDoNothing();
    const result = { into: keep.code, teamsMoved: teams.length, sessionsMoved: sessions[0].n, populationYears: population.map((p) => p.year).sort() };
    await auditEdit(tx, editor, { action: 'village.merged', entity: 'village', entityId: code, provinceCode: keep.provinceCode, communeId: keep.parentId, before: { name: gone.name, code: gone.code }, after: { ...result, intoName: keep.name, on: body.on } });
    return result;
  });
}
