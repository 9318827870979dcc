import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { unitById, type UnitRow } from '../catalogue/catalogue.repo.js';
import { currentUnit } from '../registry/registry.service.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { type DataProtector, maskNationalId, maskPhone } from '../privacy/protector.js';
import { normalizePhone } from '../text/phone.js';
import { cleanText } from '../text/vietnamese.js';
import { checkNationalId, typedNationalId } from './national-id.js';
import { recordResidentsTold } from './residents.identity.js';
import { residents } from './residents.schema.js';

/**
 * Residents' personal data: recorded only with consent, stored encrypted, shown masked unless the
 * viewer states a purpose (which is logged), exported and erased on request.
 */
export interface NewResident {
  /** commune code (5 digits) or a village code under it */
  unit: string;
  fullName?: string;
  gender?: 'male' | 'female';
  birthYear?: number;
  phone?: string;
  /** 12-digit citizen ID (căn cước / CCCD) */
  nationalId?: string;
  consent?: { purpose: string };
}

/**
 * The 12-digit citizen ID, checked by the shared rules of national-id.ts (also used by the field app).
 * A 9–11-digit value is refused with the left-padded suggestion in the message (the client confirms
 * by sending the 12 digits); an unknown province prefix is kept (the warning is for the UI).
 */
export function normalizeNationalId(raw: string): string {
  const c = checkNationalId(raw);
  if (c.kind === 'invalid') throw new AppError('VALIDATION_FAILED', c.reason);
  if (c.kind === 'repair') throw new AppError('VALIDATION_FAILED', c.message, { suggestion: c.suggestion });
  return c.value;
}

/** A commune whose residents the caller may record and see: in their scope, or their team's commune. */
function communeVisible(scope: Scope, commune: UnitRow): boolean {
  return unitInScope(scope, commune) || (scope.kind === 'team' && scope.communeId === commune.id);
}

/**
 * Records a resident → `{ id, created }`. Phone or ID number require `consent.purpose`
 * (CONSENT_REQUIRED). The unit must be in the recorder's scope (OUT_OF_SCOPE). A phone or ID already
 * recorded gives back that resident (residents.identity.ts: one person, one resident), `created:
 * false`, audited as 'resident.matched'; when that resident is kept by a commune outside the
 * recorder's scope, `id` is null (its record is that commune's: neither its id nor its details are
 * shown) — only the fact that the number is already recorded, which the rule itself implies.
 * The audit entry holds masked values only.
 */
export async function createResident(db: Db, protector: DataProtector, input: NewResident, actor: AuditActor & { scope: Scope }) {
  const unit = await currentUnit(db, input.unit);
  const commune = unit.level === 'village' ? await unitById(db, unit.parentId!) : unit;
  if (!commune || commune.level !== 'commune') throw new AppError('VALIDATION_FAILED', 'Cư dân gắn với một xã/phường (hoặc thôn của xã).');
  requireScope(unitInScope(actor.scope, unit) || communeVisible(actor.scope, commune), `đơn vị "${unit.name}"`, unitTarget(unit));
  let phone: string | null = null;
  if (input.phone) {
    const p = normalizePhone(input.phone);
    if (!p.ok) throw new AppError('VALIDATION_FAILED', `Số điện thoại: ${p.reason}.`);
    phone = p.e164;
  }
  const nationalId = input.nationalId ? normalizeNationalId(input.nationalId) : null;
  if ((phone || nationalId) && !input.consent?.purpose?.trim()) {
    throw new AppError('CONSENT_REQUIRED', 'Chỉ lưu số điện thoại hoặc số căn cước khi người dân đồng ý: hãy ghi mục đích đã được đồng ý.');
  }
  return db.transaction(async (tx) => {
    // the same phone or ID gives back the resident already recorded (residents.identity.ts)
    const [{ id, created }] = await recordResidentsTold(
      tx,
      protector,
      [{ communeId: commune.id, fullName: input.fullName ? cleanText(input.fullName) : null, gender: input.gender ?? null, birthYear: input.birthYear ?? null, phone, nationalId }],
      actor.userId,
      input.consent?.purpose ? cleanText(input.consent.purpose) : null,
    );
    const [kept] = await tx.select({ communeId: residents.communeId }).from(residents).where(eq(residents.id, id));
    const keeper = kept.communeId === commune.id ? commune : await unitById(tx, kept.communeId);
    const visible = !!keeper && communeVisible(actor.scope, keeper);
    await recordAudit(tx, {
      ...actor,
      action: created ? 'resident.created' : 'resident.matched',
      entity: 'resident',
      entityId: id,
      provinceCode: keeper?.provinceCode ?? commune.provinceCode,
      communeId: keeper?.id ?? commune.id,
      after: { phone: phone ? maskPhone(phone) : null, nationalId: nationalId ? maskNationalId(nationalId) : null, consent: input.consent?.purpose ?? null, ...(created ? {} : { recordedFor: commune.code }) },
    });
    return { id: visible ? id : null, created };
  });
}

type ResidentRow = typeof residents.$inferSelect;

function present(r: ResidentRow, protector: DataProtector, reveal: boolean) {
  const phone = r.phoneEnc ? protector.decrypt(r.phoneEnc) : null;
  const nationalId = r.nationalIdEnc ? protector.decrypt(r.nationalIdEnc) : null;
  return {
    id: r.id,
    fullName: r.fullName,
    gender: r.gender,
    birthYear: r.birthYear,
    phone: phone ? (reveal ? phone : maskPhone(phone)) : null,
    nationalId: nationalId ? (reveal ? nationalId : maskNationalId(nationalId)) : null,
    consent: r.consentPurpose ? { purpose: r.consentPurpose, at: r.consentAt!.toISOString() } : null,
    erased: r.erasedAt !== null,
  };
}

/**
 * Residents of a commune. Numbers are masked; with a `purpose` (at least 10 characters) they are
 * shown in full and the purpose is written to the audit log with who and when.
 */
export async function listResidents(db: Db, protector: DataProtector, communeCode: string, actor: AuditActor & { scope: Scope }, purpose?: string) {
  const unit = await currentUnit(db, communeCode);
  if (unit.level !== 'commune') throw new AppError('VALIDATION_FAILED', `Danh sách cư dân theo xã/phường: "${unit.name}" là ${unit.level === 'village' ? 'thôn/bản; hãy chọn xã của thôn' : 'tỉnh; hãy chọn một xã'}.`);
  const commune = unit;
  requireScope(unitInScope(actor.scope, commune), `đơn vị "${commune.name}"`, unitTarget(commune));
  const reveal = !!purpose;
  if (purpose !== undefined && cleanText(purpose).length < 10) throw new AppError('PURPOSE_REQUIRED', 'Hãy ghi rõ mục đích xem số điện thoại/căn cước (ít nhất 10 ký tự).');
  const rows = await db.select().from(residents).where(and(eq(residents.communeId, commune.id), isNull(residents.erasedAt)));
  if (reveal) await recordAudit(db, { ...actor, action: 'resident.revealed', entity: 'commune', entityId: commune.code, provinceCode: commune.provinceCode, communeId: commune.id, after: { purpose: cleanText(purpose!), count: rows.length } });
  return rows.map((r) => present(r, protector, reveal));
}

/** Finds residents by id, phone or citizen ID (matched through the keyed hash, never by decrypting everyone). */
export async function findResidents(db: Db, protector: DataProtector, key: { id?: number; phone?: string; nationalId?: string }) {
  const conds = [
    key.id ? eq(residents.id, key.id) : undefined,
    key.phone ? (() => { const p = normalizePhone(key.phone!); if (!p.ok) throw new AppError('VALIDATION_FAILED', `Số điện thoại: ${p.reason}.`); return eq(residents.phoneHash, protector.hash(p.e164)); })() : undefined,
    // any 12 digits are looked up as typed: a number kept before today's rules (a placeholder, a
    // confirmed 000… CMND) must still be found for its owner's request
    key.nationalId ? eq(residents.nationalIdHash, protector.hash(/^\d{12}$/.test(typedNationalId(key.nationalId)) ? typedNationalId(key.nationalId) : normalizeNationalId(key.nationalId))) : undefined,
  ].filter(Boolean);
  if (conds.length === 0) throw new AppError('VALIDATION_FAILED', 'Cần mã cư dân, số điện thoại hoặc số căn cước.');
  const rows = await db.select().from(residents).where(or(...conds));
  if (rows.length === 0) throw new AppError('RESIDENT_NOT_FOUND', 'Không có cư dân nào khớp.');
  return rows;
}

/** A resident's own data, in full, for a data-subject access request (`ngoso resident export`). Audited. */
export async function exportResidents(db: Db, protector: DataProtector, key: { id?: number; phone?: string; nationalId?: string }, actor: AuditActor) {
  const rows = await findResidents(db, protector, key);
  for (const r of rows) await recordAudit(db, { ...actor, action: 'resident.exported', entity: 'resident', entityId: r.id, communeId: r.communeId });
  return rows.map((r) => ({ ...present(r, protector, true), communeId: r.communeId, createdAt: r.createdAt.toISOString() }));
}

/**
 * Erases a resident's identifying data on request (`ngoso resident erase`): name, phone and ID and
 * their hashes are removed; commune, gender and birth year stay so counts do not change. Audited.
 */
export async function eraseResidents(db: Db, protector: DataProtector, key: { id?: number; phone?: string; nationalId?: string }, actor: AuditActor) {
  const rows = await findResidents(db, protector, key);
  await db.transaction(async (tx) => {
    for (const r of rows) {
      await tx.update(residents).set({ fullName: null, phoneEnc: null, phoneHash: null, nationalIdEnc: null, nationalIdHash: null, erasedAt: new Date() }).where(eq(residents.id, r.id));
      await recordAudit(tx, { ...actor, action: 'resident.erased', entity: 'resident', entityId: r.id, communeId: r.communeId });
    }
  });
  // erased values must not linger in old row versions on disk
  await db.execute(sql`vacuum residents`);
  return rows.map((r) => r.id);
}

/** Re-encrypts every stored number under the protector's current key; returns how many values changed. */
export async function reencryptResidents(db: Db, protector: DataProtector): Promise<number> {
  let changed = 0;
  await db.transaction(async (tx) => {
    const rows = await tx.select({ id: residents.id, phoneEnc: residents.phoneEnc, nationalIdEnc: residents.nationalIdEnc }).from(residents);
    for (const r of rows) {
      const patch: Partial<ResidentRow> = {};
      if (r.phoneEnc && protector.needsRotation(r.phoneEnc)) patch.phoneEnc = protector.encrypt(protector.decrypt(r.phoneEnc));
      if (r.nationalIdEnc && protector.needsRotation(r.nationalIdEnc)) patch.nationalIdEnc = protector.encrypt(protector.decrypt(r.nationalIdEnc));
      if (Object.keys(patch).length) {
        await tx.update(residents).set(patch).where(eq(residents.id, r.id));
        changed += Object.keys(patch).length;
      }
    }
  });
  return changed;
}
