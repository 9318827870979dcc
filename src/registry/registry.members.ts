import { eq, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { formatDateVi, yearInVietnam } from '../text/dates.js';
import { normalizePhone } from '../text/phone.js';
import { nameKey, searchKey } from '../text/vietnamese.js';
import { type AddMemberBody, type LeaveBody, MIN_AGE, type MoveBody, type UpdateMemberBody, type UpdateMembershipBody } from './registry.contract.js';
import * as edits from './registry.edit.repo.js';
import { teamById, type TeamRow } from './registry.repo.js';
import { auditEdit, conflict, type Editor, requireNotFuture, versionConflict } from './registry.rules.js';
import { members } from './registry.schema.js';
import { teamForEdit } from './registry.teams.js';
import { LEAVE_REASONS, ROLES } from './registry.vocabulary.js';

/**
 * People and their membership periods by hand: add to a team, edit a person, change a role from
 * a day, leave, and move to another team in one step. The checks are the import's (name, gender,
 * birth year, phone, role, affiliations, position). A team has one leader on any day: a second one
 * is refused (REGISTRY_CONFLICT naming the leader) unless the officer asks to replace the leader
 * (`replaceLeader`), which makes the old leader a member from the same day. Every function runs in
 * one transaction with its audit entry; person edits check the version the officer read.
 */

/** The person `id` for an edit: visible in the editor's scope, locked; NOT_FOUND (audited refusal) otherwise. */
async function personForEdit(tx: Db, id: number, editor: Editor): Promise<edits.PersonRow> {
  const person = await edits.personById(tx, id, editor.scope, true);
  if (!person || person.mergedIntoId) throw new AppError('NOT_FOUND', person?.mergedIntoId ? `Thành viên mã ${id} đã được gộp vào mã ${person.mergedIntoId}; hãy mở bản ghi đó.` : `Không có thành viên mã ${id}.`).refusing({ entity: 'member', id });
  return person;
}

/** The checks of a person's fields the zod body cannot make: the youngest birth year, the phone (valid, not someone else's). */
async function checkedPersonFields(tx: Db, fields: UpdateMemberBody | NonNullable<AddMemberBody['person']>, exceptId: number | null, editor: Editor) {
  const out: { fullName?: string; gender?: 'male' | 'female' | null; birthYear?: number | null; phone?: string | null } = {};
  if (fields.fullName !== undefined) out.fullName = fields.fullName;
  if (fields.gender !== undefined) out.gender = fields.gender;
  if (fields.birthYear !== undefined && fields.birthYear !== null) {
    const youngest = yearInVietnam(editor.now) - MIN_AGE;
    if (fields.birthYear > youngest) throw new AppError('VALIDATION_FAILED', `Năm sinh ${fields.birthYear}: thành viên phải từ ${MIN_AGE} tuổi (sinh năm ${youngest} trở về trước).`, { path: 'birthYear' });
  }
  if (fields.birthYear !== undefined) out.birthYear = fields.birthYear;
  if (fields.phone !== undefined) {
    if (fields.phone === null || fields.phone.trim() === '') out.phone = null;
    else {
      const p = normalizePhone(fields.phone);
      if (!p.ok) throw new AppError('VALIDATION_FAILED', `Số điện thoại: ${p.reason}.`, { path: 'phone' });
      const holders = await edits.phoneHolders(tx, p.e164, exceptId, editor.scope);
      const seen = holders.find((h) => h.visible);
      if (seen) throw conflict(`Số điện thoại này là của ${seen.fullName} (mã ${seen.id}); nếu là cùng một người, hãy thêm người đó vào tổ thay vì tạo mới.`, { memberId: seen.id, path: 'phone' });
      if (holders.length) throw conflict('Số điện thoại này đã thuộc một thành viên ở đơn vị khác; hãy kiểm tra lại số, hoặc nhờ cán bộ cấp trên.', { path: 'phone' });
      out.phone = p.e164;
    }
  }
  return out;
}

/** Changes a period's role from `on`: in place when `on` is its first day, else a new period from `on` (the old one ends 'role_change'). */
async function changeRole(tx: Db, period: edits.PeriodRow, role: edits.PeriodRow['role'], on: string): Promise<void> {
  if (on < period.joinedOn) throw new AppError('VALIDATION_FAILED', `Ngày ${formatDateVi(on)} trước ngày vào tổ (${formatDateVi(period.joinedOn)}); hãy chọn ngày từ ngày vào tổ trở đi.`, { path: 'on' });
  if (on === period.joinedOn) return edits.patchPeriod(tx, period.id, { role });
  await edits.closePeriod(tx, period.id, on, 'role_change');
  await edits.openPeriod(tx, { ...period, role, joinedOn: on, startReason: 'role_change' });
}

/**
 * Makes sure `memberId` can be the team's leader from `on`: refused while another leader holds the
 * team, unless `replace`, which makes the other leader a member from `on`. Returns who was replaced.
 */
async function makeRoomForLeader(tx: Db, team: TeamRow, memberId: number, on: string, replace: boolean | undefined, editor: Editor) {
  const others = (await edits.currentLeaders(tx, team.id)).filter((l) => l.memberId !== memberId);
  if (others.length === 0) return [];
  const names = others.map((l) => `${l.fullName} (từ ${formatDateVi(l.joinedOn)})`).join(', ');
  if (!replace) {
    throw conflict(`Tổ "${team.name}" đã có tổ trưởng ${names}; mỗi tổ chỉ có một tổ trưởng. Chọn "Thay tổ trưởng" để người đó thành thành viên từ ngày ${formatDateVi(on)}, hoặc đổi vai trò của người đó trước.`, {
      leaders: others.map((l) => ({ memberId: l.memberId, fullName: l.fullName })),
    });
  }
  for (const l of others) {
    await changeRole(tx, l, 'member', on);
    await tx.update(members).set({ version: (await versionOf(tx, l.memberId)) + 1 }).where(eq(members.id, l.memberId));
    await auditEdit(tx, editor, { action: 'membership.role', entity: 'member', entityId: l.memberId, provinceCode: team.provinceCode, communeId: team.communeId, before: { teamId: team.id, role: 'leader' }, after: { teamId: team.id, role: 'member', on, replacedBy: memberId } });
  }
  return others.map((l) => ({ memberId: l.memberId, fullName: l.fullName }));
}

async function versionOf(tx: Db, id: number): Promise<number> {
  const [row] = await tx.select({ version: members.version }).from(members).where(eq(members.id, id));
  return row.version;
}

/**
 * Refuses a period of `memberId` in `team` from `on` that the registry cannot hold: a day before the
 * team was founded, a day inside an earlier period of the same person there (they would count twice),
 * or (as leader) a day on which another leader's ended period still ran.
 */
async function requireRoomFrom(tx: Db, team: TeamRow, memberId: number, on: string, role: string, path: string) {
  if (team.establishedOn && on < team.establishedOn) throw new AppError('VALIDATION_FAILED', `Tổ thành lập ngày ${formatDateVi(team.establishedOn)}; ngày vào tổ không được trước ngày đó.`, { path });
  const [earlier] = await queryRows<{ leftOn: string }>(tx, sql`select max(left_on)::text as "leftOn" from team_members where team_id = ${team.id} and member_id = ${memberId} and left_on is not null having max(left_on) > ${on}::date`);
  if (earlier) throw conflict(`Người này còn trong tổ đến ngày ${formatDateVi(earlier.leftOn)} (lần tham gia trước); ngày vào lại phải từ ngày đó trở đi.`, { path });
  if (role === 'leader') {
    const [past] = await queryRows<{ fullName: string; leftOn: string }>(
      tx,
      sql`select m.full_name as "fullName", tm.left_on::text as "leftOn" from team_members tm join members m on m.id = tm.member_id
           where tm.team_id = ${team.id} and tm.role = 'leader' and tm.member_id <> ${memberId} and tm.left_on is not null and tm.left_on > ${on}::date limit 1`,
    );
    if (past) throw conflict(`${past.fullName} là tổ trưởng đến ngày ${formatDateVi(past.leftOn)}; mỗi ngày tổ chỉ có một tổ trưởng: hãy chọn ngày từ ${formatDateVi(past.leftOn)} trở đi.`, { path });
  }
}

const requireActiveTeam = (team: TeamRow) => {
  if (team.status === 'dissolved') throw conflict(`Tổ "${team.name}" đã giải thể${team.statusSince ? ` từ ${formatDateVi(team.statusSince)}` : ''}; không thêm thành viên được.`);
};

/**
 * Adds a member to a team from `joinedOn`: a new person (`person`) or one already in the
 * registry (`memberId`, visible in the editor's scope). Returns the person's id.
 * Errors: TEAM_NOT_FOUND, NOT_FOUND, VALIDATION_FAILED (neither or both of person/memberId, a
 * future day, birth year, phone), REGISTRY_CONFLICT (already a member, a second leader, a phone
 * that is someone else's, a dissolved team).
 */
export async function addMember(db: Db, teamId: number, body: AddMemberBody, editor: Editor): Promise<{ memberId: number; replacedLeaders: { memberId: number; fullName: string }[] }> {
  if (!!body.person === !!body.memberId) throw new AppError('VALIDATION_FAILED', 'Hãy nhập thông tin người mới (person) hoặc chọn một người đã có (memberId), không cả hai.', { path: 'person' });
  requireNotFuture(editor, body.joinedOn, 'joinedOn', 'Ngày vào tổ');
  return db.transaction(async (tx) => {
    const team = await teamForEdit(tx, teamId, editor);
    requireActiveTeam(team);
    let memberId: number;
    let created: Record<string, unknown> | null = null;
    if (body.person) {
      const f = await checkedPersonFields(tx, body.person, null, editor);
      const fullName = f.fullName!;
      const [row] = await tx
        .insert(members)
        .values({ fullName, nameKey: nameKey(fullName), searchKey: searchKey(fullName), gender: f.gender ?? null, birthYear: f.birthYear ?? null, phone: f.phone ?? null })
        .returning({ id: members.id });
      memberId = row.id;
      created = { fullName, gender: f.gender ?? null, birthYear: f.birthYear ?? null, phone: f.phone ?? null };
    } else {
      const person = await personForEdit(tx, body.memberId!, editor);
      memberId = person.id;
      if (await edits.currentPeriod(tx, teamId, memberId)) throw conflict(`${person.fullName} đã là thành viên của tổ "${team.name}".`);
      await tx.update(members).set({ version: person.version + 1 }).where(eq(members.id, memberId));
    }
    await requireRoomFrom(tx, team, memberId, body.joinedOn, body.role, 'joinedOn');
    const replacedLeaders = body.role === 'leader' ? await makeRoomForLeader(tx, team, memberId, body.joinedOn, body.replaceLeader, editor) : [];
    await edits.openPeriod(tx, { teamId, memberId, role: body.role, affiliations: body.affiliations, position: body.position ?? null, joinedOn: body.joinedOn, startReason: 'joined' });
    await auditEdit(tx, editor, {
      action: 'member.added',
      entity: 'member',
      entityId: memberId,
      provinceCode: team.provinceCode,
      communeId: team.communeId,
      after: { teamId, teamName: team.name, role: body.role, affiliations: body.affiliations, position: body.position ?? null, joinedOn: body.joinedOn, person: created },
    });
    return { memberId, replacedLeaders };
  });
}

/**
 * Changes a person's own fields at the version the officer read. Only when every current team of
 * the person lies in the editor's scope (someone on another unit's team too is changed by an officer
 * above both). Errors: NOT_FOUND, OUT_OF_SCOPE, VERSION_CONFLICT, VALIDATION_FAILED, REGISTRY_CONFLICT (phone).
 */
export async function updateMember(db: Db, id: number, body: UpdateMemberBody, editor: Editor) {
  return db.transaction(async (tx) => {
    const person = await personForEdit(tx, id, editor);
    if (!person.wholly) throw new AppError('OUT_OF_SCOPE', `${person.fullName} còn là thành viên của tổ ở đơn vị khác; cán bộ cấp trên của cả hai đơn vị mới sửa được thông tin người này.`).refusing({ entity: 'member', id });
    if (person.version !== body.version) throw versionConflict(`Thông tin của ${person.fullName}`, person.version);
    const f = await checkedPersonFields(tx, body, id, editor);
    const patch = { ...f, ...(f.fullName ? { nameKey: nameKey(f.fullName), searchKey: searchKey(f.fullName) } : {}), version: person.version + 1 };
    await tx.update(members).set(patch).where(eq(members.id, id));
    const before = Object.fromEntries(Object.keys(f).map((k) => [k, person[k as keyof typeof f]]));
    // placed at a current team, else the last one: no team lock (the person is locked; locking a team after it could deadlock)
    const place = (await edits.currentPeriodsOf(tx, id))[0] ?? (await edits.periodsOf(tx, id, editor.scope))[0];
    const team = place ? await teamById(tx, place.teamId, editor.scope) : null;
    await auditEdit(tx, editor, { action: 'member.updated', entity: 'member', entityId: id, provinceCode: team?.provinceCode ?? null, communeId: team?.communeId ?? null, before, after: f });
    return { id, version: person.version + 1 };
  });
}

/** The person's current period in the team, for an edit; NOT_FOUND when they are not a current member. */
async function periodForEdit(tx: Db, team: TeamRow, person: edits.PersonRow) {
  const period = await edits.currentPeriod(tx, team.id, person.id);
  if (!period) throw new AppError('NOT_FOUND', `${person.fullName} hiện không phải thành viên của tổ "${team.name}".`);
  return period;
}

/**
 * Changes a membership: the role from `on` (a new period, unless `on` is its first day), and
 * affiliations and position in place. Errors: TEAM_NOT_FOUND, NOT_FOUND, VERSION_CONFLICT,
 * VALIDATION_FAILED (a role without a day, a day before joining or in the future), REGISTRY_CONFLICT (a second leader).
 */
export async function updateMembership(db: Db, teamId: number, memberId: number, body: UpdateMembershipBody, editor: Editor) {
  if (body.role !== undefined && !body.on) throw new AppError('VALIDATION_FAILED', 'Hãy chọn ngày bắt đầu vai trò mới.', { path: 'on' });
  requireNotFuture(editor, body.on, 'on', 'Ngày đổi vai trò');
  return db.transaction(async (tx) => {
    const team = await teamForEdit(tx, teamId, editor);
    const person = await personForEdit(tx, memberId, editor);
    if (person.version !== body.version) throw versionConflict(`Thông tin của ${person.fullName}`, person.version);
    let period = await periodForEdit(tx, team, person);
    const before = { teamId, role: period.role, affiliations: period.affiliations, position: period.position };
    if (body.affiliations !== undefined || body.position !== undefined) await edits.patchPeriod(tx, period.id, { affiliations: body.affiliations, position: body.position });
    let replacedLeaders: { memberId: number; fullName: string }[] = [];
    if (body.role !== undefined && body.role !== period.role) {
      if (body.role === 'leader') {
        await requireRoomFrom(tx, { ...team, establishedOn: null }, memberId, body.on!, 'leader', 'on');
        replacedLeaders = await makeRoomForLeader(tx, team, memberId, body.on!, body.replaceLeader, editor);
      }
      period = (await edits.currentPeriod(tx, teamId, memberId))!;
      await changeRole(tx, period, body.role, body.on!);
    }
    await tx.update(members).set({ version: person.version + 1 }).where(eq(members.id, memberId));
    const after = { teamId, role: body.role ?? before.role, on: body.on ?? null, affiliations: body.affiliations ?? before.affiliations, position: body.position === undefined ? before.position : body.position };
    await auditEdit(tx, editor, { action: body.role && body.role !== before.role ? 'membership.role' : 'membership.updated', entity: 'member', entityId: memberId, provinceCode: team.provinceCode, communeId: team.communeId, before, after });
    return { version: person.version + 1, replacedLeaders, roleLabel: ROLES[after.role] };
  });
}

/**
 * Ends a person's membership of the team on `on` (the first day they are no longer a member) for a
 * reason. Errors: TEAM_NOT_FOUND, NOT_FOUND, VERSION_CONFLICT, VALIDATION_FAILED (before joining, future).
 */
export async function leaveTeam(db: Db, teamId: number, memberId: number, body: LeaveBody, editor: Editor) {
  requireNotFuture(editor, body.on, 'on', 'Ngày rời tổ');
  return db.transaction(async (tx) => {
    const team = await teamForEdit(tx, teamId, editor);
    const person = await personForEdit(tx, memberId, editor);
    if (person.version !== body.version) throw versionConflict(`Thông tin của ${person.fullName}`, person.version);
    const period = await periodForEdit(tx, team, person);
    if (body.on < period.joinedOn) throw new AppError('VALIDATION_FAILED', `Ngày rời tổ ${formatDateVi(body.on)} trước ngày vào tổ ${formatDateVi(period.joinedOn)}; hãy chọn ngày từ ngày vào tổ trở đi.`, { path: 'on' });
    await edits.closePeriod(tx, period.id, body.on, body.reason, body.note ?? null);
    await tx.update(members).set({ version: person.version + 1 }).where(eq(members.id, memberId));
    await auditEdit(tx, editor, { action: 'membership.ended', entity: 'member', entityId: memberId, provinceCode: team.provinceCode, communeId: team.communeId, before: { teamId, teamName: team.name, role: period.role, joinedOn: period.joinedOn }, after: { teamId, leftOn: body.on, reason: body.reason, reasonLabel: LEAVE_REASONS[body.reason], note: body.note ?? null } });
    return { version: person.version + 1 };
  });
}

/**
 * Moves a person from one team to another of the same province on `on`, in one step: the old period
 * ends ('transferred'), a new one begins ('transferred') with `role` (default member) and the same affiliations.
 * Errors: TEAM_NOT_FOUND, NOT_FOUND, VERSION_CONFLICT, VALIDATION_FAILED (same team, another province,
 * before joining, future), REGISTRY_CONFLICT (already on the team, a dissolved team, a second leader).
 */
export async function moveMember(db: Db, memberId: number, body: MoveBody, editor: Editor) {
  if (body.fromTeamId === body.toTeamId) throw new AppError('VALIDATION_FAILED', 'Tổ mới trùng tổ cũ; hãy chọn tổ khác.', { path: 'toTeamId' });
  requireNotFuture(editor, body.on, 'on', 'Ngày chuyển tổ');
  return db.transaction(async (tx) => {
    // lock in id order so two moves between the same teams cannot deadlock
    const [a, b] = body.fromTeamId < body.toTeamId ? [body.fromTeamId, body.toTeamId] : [body.toTeamId, body.fromTeamId];
    const first = await teamForEdit(tx, a, editor);
    const second = await teamForEdit(tx, b, editor);
    const [from, to] = first.id === body.fromTeamId ? [first, second] : [second, first];
    if (from.provinceCode !== to.provinceCode) throw new AppError('VALIDATION_FAILED', 'Chỉ chuyển được giữa các tổ trong cùng một tỉnh; khi một người chuyển sang tỉnh khác, hãy ghi "rời tổ" (chuyển đi nơi khác) để tỉnh mới thêm người đó.', { path: 'toTeamId' });
    requireActiveTeam(to);
    const person = await personForEdit(tx, memberId, editor);
    if (person.version !== body.version) throw versionConflict(`Thông tin của ${person.fullName}`, person.version);
    const period = await periodForEdit(tx, from, person);
    if (body.on < period.joinedOn) throw new AppError('VALIDATION_FAILED', `Ngày chuyển ${formatDateVi(body.on)} trước ngày vào tổ cũ ${formatDateVi(period.joinedOn)}.`, { path: 'on' });
    if (await edits.currentPeriod(tx, to.id, memberId)) throw conflict(`${person.fullName} đã là thành viên của tổ "${to.name}"; hãy ghi "rời tổ" ở tổ cũ thay vì chuyển.`);
    const role = body.role ?? 'member';
    await requireRoomFrom(tx, to, memberId, body.on, role, 'on');
    const replacedLeaders = role === 'leader' ? await makeRoomForLeader(tx, to, memberId, body.on, body.replaceLeader, editor) : [];
    await edits.closePeriod(tx, period.id, body.on, 'transferred');
    await edits.openPeriod(tx, { teamId: to.id, memberId, role, affiliations: period.affiliations, position: null, joinedOn: body.on, startReason: 'transferred' });
    await tx.update(members).set({ version: person.version + 1 }).where(eq(members.id, memberId));
    const entry = { before: { teamId: from.id, teamName: from.name, role: period.role }, after: { teamId: to.id, teamName: to.name, role, on: body.on } };
    await auditEdit(tx, editor, { action: 'member.moved', entity: 'member', entityId: memberId, provinceCode: to.provinceCode, communeId: to.communeId, ...entry });
    if (from.communeId !== to.communeId) await auditEdit(tx, editor, { action: 'member.moved', entity: 'member', entityId: memberId, provinceCode: from.provinceCode, communeId: from.communeId, ...entry });
    return { version: person.version + 1, replacedLeaders };
  });
}
