import { z } from 'zod';
import { type Scope, teamInScope } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { nulPath } from '../text/nul.js';
import { now as clockNow } from '../text/clock.js';
import { freeText } from '../http/zod.js';
import type { DataProtector } from '../privacy/protector.js';
import { closableRequests } from '../help/help.service.js';
import { normalizeNationalId } from '../residents/residents.service.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { normalizePhone } from '../text/phone.js';
import { cleanText } from '../text/vietnamese.js';
import * as repo from './sessions.repo.js';
import { type CountedSession, storeAndCountSessions } from './sessions.rollup.js';
import { type ReadySession, storeSessions } from './sessions.store.js';
import { clockOf, correctedTime, reviewReason, type ReviewReason } from './sessions.clock.js';
import {
  ETHNIC_CODES,
  MAX_GROUP_SIZE,
  OUTCOME_CODES,
  SESSION_KINDS,
  type SessionKind,
} from './sessions.vocabulary.js';

/**
 * One support session as the field app sends it. Times are ISO 8601 with an offset
 * ("2026-11-29T08:30:00+07:00"); `occurredAt` is when it happened by the phone's clock,
 * `deviceSavedAt` when the phone stored it.
 */
export const syncRecordSchema = z
  .object({
    id: z.uuid(),
    // ids are PostgreSQL integers (int4): a larger number is refused here, not by the database
    teamId: z.number().int().positive().max(2147483647),
    memberIds: z.array(z.number().int().positive().max(2147483647)).min(1).max(20),
    occurredAt: z.iso.datetime({ offset: true }),
    deviceSavedAt: z.iso.datetime({ offset: true }).optional(),
    villageCode: z.string().max(20).optional(),
    atServiceCentre: z.boolean().optional(),
    kind: z.enum(Object.keys(SESSION_KINDS) as [SessionKind, ...SessionKind[]]),
    residentsCount: z.number().int().min(1).max(MAX_GROUP_SIZE).optional(),
    resident: z
      .object({
        fullName: z.string().max(120).optional(),
        birthYear: z.number().int().min(1900).max(2100).optional(),
        gender: z.enum(['male', 'female']).optional(),
        ethnicity: z.string().max(2).optional(),
        phone: z.string().max(30).optional(),
        nationalId: z.string().max(20).optional(),
        /** the resident agreed that their name and numbers be kept (Decree 13/2023/ND-CP) */
        consent: z.boolean().optional(),
      })
      .optional(),
    services: z
      .array(z.object({ code: z.string().min(1).max(40), outcome: z.enum(OUTCOME_CODES as [string, ...string[]]) }))
      .min(1)
      .max(20),
    // NFC, trimmed, invisible characters removed, at most 500 grapheme clusters (http/zod.ts freeText)
    note: freeText(500, 'Ghi chú', { hidden: 'remove' }).optional(),
    /** the resident's help request this session answers (issue 16): the session closes it */
    helpRequestId: z.number().int().positive().max(2147483647).optional(),
  })
  .strict();
export type SyncRecord = z.infer<typeof syncRecordSchema>;

/**
 * `accepted` carries the Vietnamese day the record counts in (its corrected time's), `review: true`
 * when it is kept for the commune officer's review instead (not counted until accepted there) and
 * `clockFlag: true` when the phone's clock was more than 5 minutes off (sessions.clock.ts).
 */
export type SyncResult =
  | { id: string; status: 'accepted'; day: string; review?: true; clockFlag?: true }
  | { id: string; status: 'duplicate' }
  | { id: string | null; status: 'rejected'; field: string; reason: string };

export interface SyncActor {
  userId: number | null;
  ip?: string | null;
  scope: Scope;
}

/** The phone's clock for a sync request: `deviceNow` as it sent it; `history` for the operator's loading of past sessions (demo): no 90-day review. */
export interface SyncClock {
  deviceNow?: string | null;
  history?: boolean;
}

/**
 * Stores a batch of support sessions from a phone, all valid ones in one transaction (shared with
 * the records of requests arriving meanwhile: group commit, sessions.store.ts), and answers
 * per record in input order: `accepted` (with the Vietnamese day it counts in), `duplicate` (the id
 * is already stored: a resend), or `rejected` with the field and a Vietnamese reason. Rollups
 * (support_daily, support_resident_days) are updated in the same transaction, so an answered
 * record is never lost and never counted twice (all rollups: sessions.rollup.ts). Rules: the team must be in the actor's scope and
 * the members on it (and not left before the session's day); services must be national or the
 * team's province's; a resident's name, phone or ID are kept only with `consent`. Clocks
 * (sessions.clock.ts): each record stores the time as the phone wrote it, the phone's offset
 * (`clock.deviceNow` minus `now`; null without deviceNow), the received time `now` and the
 * corrected time, whose day it counts in; a corrected time in the future, more than 90 days back
 * or before the team existed is kept in support_session_reviews (answered accepted with
 * `review: true`) and counts only once the commune officer accepts it (sessions.review.ts).
 */
export async function syncSessions(db: Db, protector: DataProtector, input: unknown[], actor: SyncActor, now: Date = clockNow(), clock: SyncClock = {}): Promise<SyncResult[]> {
  const { offsetMs, wrong: clockFlag } = clockOf(clock.deviceNow, now);
  const results: SyncResult[] = new Array(input.length);
  const parsed: { index: number; rec: SyncRecord }[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of input.entries()) {
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? ((raw as { id: string }).id) : null;
    const nul = nulPath(raw, 'record');
    if (nul) {
      results[index] = { id, status: 'rejected', field: nul.replace(/^record\.?/, '') || 'record', reason: 'Có ký tự rỗng (NUL) không hợp lệ trong dữ liệu; hãy sửa lại buổi hỗ trợ trên ứng dụng.' };
      continue;
    }
    const r = syncRecordSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      results[index] = { id, status: 'rejected', field: issue.path.join('.') || 'record', reason: `Dữ liệu không hợp lệ: ${issue.message}` };
      continue;
    }
    const key = r.data.id.toLowerCase();
    if (seen.has(key)) {
      results[index] = { id: r.data.id, status: 'duplicate' };
      continue;
    }
    seen.add(key);
    parsed.push({ index, rec: { ...r.data, id: key } });
  }

  const reject = (index: number, id: string, field: string, reason: string) => (results[index] = { id, status: 'rejected', field, reason });
  const teamIds = [...new Set(parsed.map((p) => p.rec.teamId))];
  const { teams, memberships, villages, existing, services: named } = await repo.syncContext(db, {
    teamIds,
    villageCodes: [...new Set(parsed.flatMap((p) => (p.rec.villageCode ? [p.rec.villageCode] : [])))],
    serviceCodes: [...new Set(parsed.flatMap((p) => p.rec.services.map((s) => s.code)))],
    ids: parsed.map((p) => p.rec.id),
  });
  const requests = await closableRequests(db, [...new Set(parsed.flatMap((p) => (p.rec.helpRequestId ? [p.rec.helpRequestId] : [])))]);
  const provinces = [...new Set(teams.map((t) => t.provinceCode))];
  const services = named.filter((s) => s.active && (s.provinceCode === null || provinces.includes(s.provinceCode)));
  const teamById = new Map(teams.map((t) => [t.id, t]));
  const joined = new Map(memberships.map((m) => [`${m.teamId}:${m.memberId}`, m.joinedOn]));
  const left = new Map(memberships.map((m) => [`${m.teamId}:${m.memberId}`, m.leftOn]));
  const villageByCode = new Map(villages.map((v) => [v.code, v]));
  const serviceByCode = new Map(services.map((s) => [s.code, s]));

  type Ready = ReadySession & { index: number };
  const ready: Ready[] = [];
  const refusedTeams = new Map<number, repo.TeamForSync>();
  for (const { index, rec } of parsed) {
    if (existing.has(rec.id)) {
      results[index] = { id: rec.id, status: 'duplicate' };
      continue;
    }
    const team = teamById.get(rec.teamId);
    // a team outside the scope is answered as one that does not exist (whether it does is not
    // disclosed), and the attempt is audited at both units below
    if (!team || !teamInScope(actor.scope, team)) {
      if (team) refusedTeams.set(team.id, team);
      reject(index, rec.id, 'teamId', `Không có tổ mã ${rec.teamId} trong phạm vi tài khoản của bạn (chỉ ghi được hoạt động của tổ mình); hãy tải lại danh sách tổ trên ứng dụng.`);
      continue;
    }
    const unknownMember = rec.memberIds.find((m) => !joined.has(`${team.id}:${m}`));
    if (unknownMember !== undefined) {
      reject(index, rec.id, 'memberIds', `Thành viên mã ${unknownMember} không thuộc tổ này; hãy chọn lại người thực hiện.`);
      continue;
    }
    if (rec.helpRequestId) {
      const r = requests.get(rec.helpRequestId);
      // a request handed to another team (or not this team's at all) is refused, never closed by a stranger
      if (!r || !(r.teamId === team.id || (r.teamId === null && r.communeId === team.communeId))) {
        reject(index, rec.id, 'helpRequestId', `Yêu cầu hỗ trợ số ${rec.helpRequestId} không phải của tổ này (có thể cán bộ xã đã giao cho tổ khác); hãy bỏ liên kết yêu cầu rồi lưu lại buổi hỗ trợ.`);
        continue;
      }
    }
    const written = new Date(rec.occurredAt);
    const occurred = correctedTime(written, offsetMs);
    // a phone clock thousands of years off (deviceNow in year 0001 or 9999) corrects to a time no
    // database column holds: refused alone, rather than failing the whole batch
    if (!(occurred.getUTCFullYear() >= 1 && occurred.getUTCFullYear() <= 9999)) {
      reject(index, rec.id, 'occurredAt', `Đồng hồ điện thoại lệch quá xa (thời điểm tính ra rơi vào năm ${occurred.getUTCFullYear()}); hãy chỉnh ngày giờ của điện thoại cho đúng rồi đồng bộ lại.`);
      continue;
    }
    const review = reviewReason(occurred, now, team.startsOn, clock.history);
    // a record kept for review is checked against the members' periods when the officer decides its day
    const leaver = review ? undefined : rec.memberIds.map((m) => ({ m, left: left.get(`${team.id}:${m}`) })).find((x) => x.left && todayInVietnam(occurred) >= x.left);
    if (leaver) {
      reject(index, rec.id, 'memberIds', `Thành viên mã ${leaver.m} đã rời tổ từ ngày ${formatDateVi(leaver.left!)}, trước ngày của buổi hỗ trợ; hãy chọn lại người thực hiện.`);
      continue;
    }
    let villageId: number | null = team.level === 'village' ? team.unitId : null;
    if (rec.villageCode) {
      const v = villageByCode.get(rec.villageCode);
      if (!v || v.parentId !== team.communeId) {
        reject(index, rec.id, 'villageCode', `Thôn/bản mã ${rec.villageCode} không thuộc xã của tổ; hãy chọn lại nơi hỗ trợ.`);
        continue;
      }
      villageId = v.id;
    }
    const serviceIds: Ready['serviceIds'] = [];
    const badService = rec.services.find((s) => !serviceByCode.has(s.code));
    if (badService) {
      reject(index, rec.id, 'services', `Không có dịch vụ "${badService.code}" trong danh mục của tỉnh; hãy cập nhật ứng dụng.`);
      continue;
    }
    if (new Set(rec.services.map((s) => s.code)).size !== rec.services.length) {
      reject(index, rec.id, 'services', 'Mỗi dịch vụ chỉ ghi một lần trong một buổi (chọn kết quả cao nhất đạt được).');
      continue;
    }
    for (const s of rec.services) serviceIds.push({ serviceId: serviceByCode.get(s.code)!.id, outcome: s.outcome });
    if (rec.kind === 'group' && !rec.residentsCount) {
      reject(index, rec.id, 'residentsCount', 'Buổi hướng dẫn nhóm cần số người dân tham dự.');
      continue;
    }
    if (rec.kind !== 'group' && rec.residentsCount !== undefined && rec.residentsCount !== 1) {
      reject(index, rec.id, 'residentsCount', 'Buổi hướng dẫn một người (tại nhà, tại bàn hỗ trợ) tính 1 người dân; nếu hướng dẫn nhiều người cùng lúc, hãy chọn "Buổi hướng dẫn nhóm".');
      continue;
    }
    const res = rec.kind === 'group' ? undefined : rec.resident;
    if (res?.ethnicity && !ETHNIC_CODES.has(res.ethnicity)) {
      reject(index, rec.id, 'resident.ethnicity', `Mã dân tộc "${res.ethnicity}" không có trong danh mục 54 dân tộc (01–54).`);
      continue;
    }
    let identity: Ready['identity'] = null;
    if (res && (res.phone || res.nationalId || res.fullName?.trim())) {
      if (!res.consent) {
        reject(index, rec.id, 'resident.consent', 'Chỉ ghi họ tên, số điện thoại hoặc số căn cước của người dân khi họ đồng ý: hãy hỏi và đánh dấu "Người dân đồng ý", hoặc bỏ các thông tin đó.');
        continue;
      }
      let phone: string | null = null;
      if (res.phone) {
        const p = normalizePhone(res.phone);
        if (!p.ok) {
          reject(index, rec.id, 'resident.phone', `Số điện thoại người dân: ${p.reason}.`);
          continue;
        }
        phone = p.e164;
      }
      let nationalId: string | null = null;
      if (res.nationalId) {
        try {
          nationalId = normalizeNationalId(res.nationalId);
        } catch (err) {
          reject(index, rec.id, 'resident.nationalId', (err as Error).message);
          continue;
        }
      }
      identity = { phone, nationalId, fullName: res.fullName?.trim() ? cleanText(res.fullName) : null };
    }
    const day = todayInVietnam(occurred);
    ready.push({
      index,
      rec,
      team,
      serviceIds,
      identity,
      review,
      numberKey: identity?.phone ? protector.hash(identity.phone) : identity?.nationalId ? protector.hash(identity.nationalId) : null,
      row: {
        id: rec.id,
        provinceCode: team.provinceCode,
        communeId: team.communeId,
        villageId,
        teamId: team.id,
        occurredAt: occurred.toISOString(),
        day,
        deviceSavedAt: rec.deviceSavedAt ? new Date(rec.deviceSavedAt).toISOString() : null,
        recordedBy: actor.userId,
        kind: rec.kind,
        atServiceCentre: rec.atServiceCentre ?? false,
        residentsCount: rec.kind === 'group' ? rec.residentsCount! : 1,
        residentGender: res?.gender ?? null,
        residentBirthYear: res?.birthYear ?? null,
        residentEthnicity: res?.ethnicity ?? null,
        residentId: null,
        residentKey: null,
        note: rec.note?.trim() ? cleanText(rec.note) : null,
        deviceOccurredAt: written.toISOString(),
        clockOffsetMs: offsetMs,
        clockFlag,
        receivedAt: now.toISOString(),
      },
    });
  }

  // stored by the database's group commit with the concurrent requests' records (sessions.store.ts)
  const answers = await storeSessions(db, { ready, userId: actor.userId, protector, clockFlag });
  ready.forEach((r, i) => (results[r.index] = answers[i]));
  for (const team of refusedTeams.values()) {
    const scope = actor.scope;
    await recordAudit(db, {
      userId: actor.userId,
      ip: actor.ip ?? null,
      action: 'access.denied',
      entity: 'route',
      entityId: 'POST /api/support-sessions/sync',
      provinceCode: scope.kind === 'all' ? null : scope.provinceCode,
      communeId: 'communeId' in scope ? scope.communeId : null,
      targetProvinceCode: team.provinceCode,
      targetCommuneId: team.communeId,
      after: { code: 'OUT_OF_SCOPE', target: { entity: 'team', id: String(team.id) } },
    });
  }
  return results;
}

/**
 * Stores sessions and their members and services and adds them to every rollup, in the caller's
 * transaction (`db` must be one), whose ids the caller has locked and found not stored
 * (lockSessionIds, existingSessionIds): the one way a session comes to count, from a sync or from
 * a review's acceptance. Returns the ids stored; one already there rolls everything back
 * (sessions.rollup.ts storeAndCountSessions).
 */
export function countSessions(db: Db, sessions: CountedSession[]): Promise<Set<string>> {
  return storeAndCountSessions(db, sessions);
}

/**
 * The 64-bit resident key of the rollups: the first 16 hex digits of the keyed hash as a signed
 * bigint (decimal string) — the same as SQL `('x' || substr(resident_key, 1, 16))::bit(64)::bigint`.
 */
export function residentKey64(hexHash: string): string {
  return BigInt.asIntN(64, BigInt('0x' + hexHash.slice(0, 16))).toString();
}
