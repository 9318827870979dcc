import { eq, sql } from 'drizzle-orm';
import { lockMemberReach } from '../trainings/trainings.repo.js';
import { rebuildMemberRollups } from '../sessions/sessions.rollup.rebuild.js';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import type { PersonPresenter } from '../access/presenter.js';
import { unitsByCode } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { compareVietnamese, compareVietnameseNames } from '../text/vietnamese.js';
import type { MergeMemberBody } from './registry.contract.js';
import * as edits from './registry.edit.repo.js';
import { auditEdit, type Editor, versionConflict } from './registry.rules.js';
import { memberDistinctPairs, members } from './registry.schema.js';

/**
 * Possible duplicate people in a commune, their merge, and "not the same person" remembered.
 * Pairs: the same phone; the same name and birth year; names equal once tone placement, case and
 * spacing are ignored (nameKey without spaces) with no birth year that tells them apart.
 */

export interface DuplicatePair {
  reason: 'phone' | 'name_birth_year' | 'name';
  a: DuplicatePerson;
  b: DuplicatePerson;
}
export interface DuplicatePerson {
  id: number;
  fullName: string;
  birthYear: number | null;
  gender: 'male' | 'female' | null;
  phone: string | null;
  version: number;
  teams: string[];
  sessions: number;
}

/**
 * Possible duplicates among the current members of the commune `code`'s teams, in the caller's
 * scope, without the pairs judged distinct; phones as the caller's role may see them.
 * Errors: UNIT_NOT_FOUND, VALIDATION_FAILED (not a commune), OUT_OF_SCOPE.
 */
export async function duplicatePairs(db: Db, code: string, scope: Scope, presenter: PersonPresenter): Promise<DuplicatePair[]> {
  const unit = (await unitsByCode(db, code)).find((u) => !u.validTo);
  if (!unit) throw new AppError('UNIT_NOT_FOUND', `Không có đơn vị hiện hành mã "${code}".`);
  if (unit.level !== 'commune') throw new AppError('VALIDATION_FAILED', 'Danh sách trùng lặp xem theo từng xã, phường; hãy chọn một xã.', { path: 'commune' });
  requireScope(unitInScope(scope, unit), `xã "${unit.name}"`, unitTarget(unit));
  const people = await queryRows<DuplicatePerson & { key: string }>(
    db,
    sql`select m.id, m.full_name as "fullName", m.birth_year as "birthYear", m.gender, m.phone, m.version, replace(m.name_key, ' ', '') as key,
               array_agg(distinct t.name) as teams,
               (select count(*)::int from support_session_members sm where sm.member_id = m.id) as sessions
          from members m join team_members tm on tm.member_id = m.id and tm.left_on is null join teams t on t.id = tm.team_id
         where t.commune_id = ${unit.id} and m.merged_into_id is null
         group by m.id`,
  );
  const distinct = new Set(
    (await queryRows<{ a: number; b: number }>(db, sql`select member_a as a, member_b as b from member_distinct_pairs where member_a = any(${sql.param(people.map((p) => p.id))}::int[])`)).map((r) => `${r.a}|${r.b}`),
  );
  const pairs = new Map<string, DuplicatePair>();
  const add = (reason: DuplicatePair['reason'], x: DuplicatePerson, y: DuplicatePerson) => {
    const [a, b] = x.id < y.id ? [x, y] : [y, x];
    const key = `${a.id}|${b.id}`;
    if (distinct.has(key) || pairs.has(key)) return;
    pairs.set(key, { reason, a, b });
  };
  const group = <K>(by: (p: (typeof people)[number]) => K | null) => {
    const groups = new Map<K, typeof people>();
    for (const p of people) {
      const k = by(p);
      if (k === null) continue;
      groups.set(k, [...(groups.get(k) ?? []), p]);
    }
    return [...groups.values()].filter((g) => g.length > 1);
  };
  for (const g of group((p) => p.phone)) for (let i = 1; i < g.length; i++) for (let j = 0; j < i; j++) add('phone', g[i], g[j]);
  for (const g of group((p) => (p.birthYear ? `${p.key}|${p.birthYear}` : null))) for (let i = 1; i < g.length; i++) for (let j = 0; j < i; j++) add('name_birth_year', g[i], g[j]);
  for (const g of group((p) => p.key)) {
    for (let i = 1; i < g.length; i++) for (let j = 0; j < i; j++) if (!g[i].birthYear || !g[j].birthYear || g[i].birthYear === g[j].birthYear) add('name', g[i], g[j]);
  }
  const show = ({ key: _key, ...p }: DuplicatePerson & { key?: string }) => ({ ...p, phone: presenter.memberPhone(p.phone) });
  // team names and pairs in the Vietnamese order (text/vietnamese.ts), not the database's code points
  for (const p of people) p.teams.sort(compareVietnamese);
  return [...pairs.values()]
    .sort((x, y) => compareVietnameseNames(x.a.fullName, y.a.fullName) || compareVietnameseNames(x.b.fullName, y.b.fullName) || x.a.id - y.a.id || x.b.id - y.b.id)
    .map((p) => ({ reason: p.reason, a: show(p.a), b: show(p.b) }));
}

/** Remembers that members `a` and `b` are different people (both visible to the editor). Errors: NOT_FOUND, VALIDATION_FAILED (the same id). */
export async function markDistinct(db: Db, a: number, b: number, editor: Editor): Promise<void> {
  if (a === b) throw new AppError('VALIDATION_FAILED', 'Hai mã thành viên trùng nhau.', { path: 'b' });
  const [lo, hi] = a < b ? [a, b] : [b, a];
  await db.transaction(async (tx) => {
    for (const id of [lo, hi]) if (!(await edits.personById(tx, id, editor.scope))) throw new AppError('NOT_FOUND', `Không có thành viên mã ${id}.`).refusing({ entity: 'member', id });
    await tx.insert(memberDistinctPairs).values({ memberA: lo, memberB: hi, decidedBy: editor.userId }).onConflictDoNothing();
    const place = (await edits.currentPeriodsOf(tx, lo))[0];
    const [team] = place ? await queryRows<{ provinceCode: string; communeId: number }>(tx, sql`select province_code as "provinceCode", commune_id as "communeId" from teams where id = ${place.teamId}`) : [];
    await auditEdit(tx, editor, { action: 'member.distinct', entity: 'member', entityId: lo, provinceCode: team?.provinceCode ?? null, communeId: team?.communeId ?? null, after: { distinctFrom: hi } });
  });
}

/**
 * Merges the duplicate `id` into `body.into`: every membership period and support session of the
 * duplicate moves to the survivor (a team both are current members of keeps the survivor's period
 * only), an account made for the duplicate points to the survivor,
 * the survivor's empty fields take the duplicate's values, and the duplicate keeps only a link
 * (`mergedIntoId`). Both must be wholly in the editor's scope, at the versions read.
 * Errors: NOT_FOUND, OUT_OF_SCOPE, VERSION_CONFLICT, VALIDATION_FAILED (into itself).
 */
export async function mergeMembers(db: Db, id: number, body: MergeMemberBody, editor: Editor) {
  if (id === body.into) throw new AppError('VALIDATION_FAILED', 'Không gộp một người vào chính mình; hãy chọn bản ghi còn lại.', { path: 'into' });
  return db.transaction(async (tx) => {
    const [lo, hi] = id < body.into ? [id, body.into] : [body.into, id];
    const locked = new Map<number, edits.PersonRow>();
    for (const x of [lo, hi]) {
      const p = await edits.personById(tx, x, editor.scope, true);
      if (!p || p.mergedIntoId) throw new AppError('NOT_FOUND', `Không có thành viên mã ${x}.`).refusing({ entity: 'member', id: x });
      if (!p.wholly) throw new AppError('OUT_OF_SCOPE', `${p.fullName} còn là thành viên của tổ ở đơn vị khác; cán bộ cấp trên của cả hai đơn vị mới gộp được.`).refusing({ entity: 'member', id: x });
      locked.set(x, p);
    }
    const dup = locked.get(id)!;
    const keep = locked.get(body.into)!;
    if (dup.version !== body.version) throw versionConflict(`Thông tin của ${dup.fullName}`, dup.version);
    if (keep.version !== body.intoVersion) throw versionConflict(`Thông tin của ${keep.fullName}`, keep.version);
    // a team both are current members of: the survivor's period stands for both (the duplicate's
    // would count the same person twice on every day they overlap), so the duplicate's is dropped
    // the survivor keeps the higher role of the two (a duplicate who led the team leaves it led)
    await tx.execute(sql`update team_members k set role = d.role from team_members d
      where k.member_id = ${body.into} and k.left_on is null and d.member_id = ${id} and d.left_on is null and d.team_id = k.team_id
        and (case d.role when 'leader' then 0 when 'deputy' then 1 else 2 end) < (case k.role when 'leader' then 0 when 'deputy' then 1 else 2 end)`);
    const both = await queryRows<{ id: number }>(
      tx,
      sql`delete from team_members d
           where d.member_id = ${id} and d.left_on is null
             and exists (select 1 from team_members k where k.member_id = ${body.into} and k.team_id = d.team_id and k.left_on is null) returning d.id`,
    );
    const moved = await queryRows<{ id: number }>(tx, sql`update team_members set member_id = ${body.into} where member_id = ${id} returning id`);
    await tx.execute(sql`delete from support_session_members d where d.member_id = ${id} and exists (select 1 from support_session_members k where k.session_id = d.session_id and k.member_id = ${body.into})`);
    const sessions = await queryRows<{ n: number }>(tx, sql`with u as (update support_session_members set member_id = ${body.into} where member_id = ${id} returning 1) select count(*)::int as n from u`);
    // the member rollups follow the sessions (both people are locked above, so no sync adds one of theirs meanwhile)
    await rebuildMemberRollups(tx, [id, body.into]);
    // trainings (issue 14): invitations, check-ins, certificates, national course completions and hosted points move to the
    // survivor; where both were in one session the survivor's row stays (the report's kept counts follow by their triggers)
    await lockMemberReach(tx, [id, body.into]);
    await tx.execute(sql`delete from training_invitations d where d.member_id = ${id} and exists (select 1 from training_invitations k where k.training_id = d.training_id and k.member_id = ${body.into})`);
    await tx.execute(sql`update training_invitations set member_id = ${body.into} where member_id = ${id}`);
    await tx.execute(sql`delete from training_attendance d where d.member_id = ${id} and exists (select 1 from training_attendance k where k.training_id = d.training_id and k.member_id = ${body.into})`);
    await tx.execute(sql`update training_attendance a set member_id = ${body.into}, invited = exists (select 1 from training_invitations i where i.training_id = a.training_id and i.member_id = ${body.into})
      where a.member_id in (${id}, ${body.into})`);
    await tx.execute(sql`delete from training_certificates d where d.member_id = ${id} and exists (select 1 from training_certificates k where k.training_id = d.training_id and k.member_id = ${body.into})`);
    await tx.execute(sql`update training_certificates set member_id = ${body.into} where member_id = ${id}`);
    await tx.execute(sql`update course_completions set member_id = ${body.into} where member_id = ${id}`);
    await tx.execute(sql`update training_session_points set host_member_id = ${body.into} where host_member_id = ${id}`);
    // one person, one account: the duplicate's account is disabled when the survivor has one, else it becomes the survivor's
    const [survivorAccount] = await queryRows<{ id: number }>(tx, sql`select id from users where member_id = ${body.into} limit 1`);
    if (survivorAccount) {
      await tx.execute(sql`delete from sessions where user_id in (select id from users where member_id = ${id})`);
      await tx.execute(sql`update users set disabled = true, member_id = null where member_id = ${id}`);
    } else await tx.execute(sql`update users set member_id = ${body.into} where member_id = ${id}`);
    if (keep.phone === null && dup.phone) await tx.update(members).set({ phone: null }).where(eq(members.id, id));
    await tx
      .update(members)
      .set({ phone: keep.phone ?? dup.phone, gender: keep.gender ?? dup.gender, birthYear: keep.birthYear ?? dup.birthYear, version: keep.version + 1 })
      .where(eq(members.id, body.into));
    await tx.update(members).set({ mergedIntoId: body.into, phone: null, version: dup.version + 1 }).where(eq(members.id, id));
    const place = (await edits.currentPeriodsOf(tx, body.into))[0];
    const [team] = place ? await queryRows<{ provinceCode: string; communeId: number }>(tx, sql`select province_code as "provinceCode", commune_id as "communeId" from teams where id = ${place.teamId}`) : [];
    const result = { into: body.into, periodsMoved: moved.length, periodsDropped: both.length, sessionsMoved: sessions[0].n };
    await auditEdit(tx, editor, {
      action: 'member.merged',
      entity: 'member',
      entityId: id,
      provinceCode: team?.provinceCode ?? null,
      communeId: team?.communeId ?? null,
      before: { duplicate: { id, fullName: dup.fullName, birthYear: dup.birthYear, phone: dup.phone }, survivor: { id: keep.id, fullName: keep.fullName } },
      after: result,
    });
    return result;
  });
}

