import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { recordAudit } from '../audit/audit.service.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { todayInVietnam } from '../text/dates.js';
import { compareVietnameseNames } from '../text/vietnamese.js';
import { unitTitleSql } from './trainings.repo.js';
import { type CertificateData, certificatesPdf } from './trainings.certificate.js';
import { managedOrThrow, type TrainingActor } from './trainings.service.js';

/**
 * Certificates (issue 14, item 4): one per member who attended a closed session, with a public
 * verification code (12 characters from an alphabet without look-alikes: 31^12 ≈ 8·10^17, so a
 * code cannot be guessed), issued once and kept (`training_certificates`), so a certificate
 * printed twice carries the same code. The page `/xac-minh/CODE` shows initials, training and day.
 */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A new verification code, "XXXX-XXXX-XXXX". */
export function newVerificationCode(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** A code as typed or scanned, upper-cased with its dashes back; null when it cannot be one. */
export function readVerificationCode(text: string): string | null {
  const s = text.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== 12 || [...s].some((c) => !ALPHABET.includes(c))) return null;
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** Issues the missing certificates of a session's attendees (members only; walk-ins get one once added to the registry). */
async function issueMissing(tx: Db, trainingId: number): Promise<number> {
  const missing = await queryRows<{ memberId: number; fullName: string }>(tx, sql`select a.member_id as "memberId", m.full_name as "fullName" from training_attendance a join members m on m.id = a.member_id
    where a.training_id = ${trainingId} and not exists (select 1 from training_certificates c where c.training_id = a.training_id and c.member_id = a.member_id)`);
  for (const m of missing) {
    await tx.execute(sql`insert into training_certificates (code, training_id, member_id, full_name) values (${newVerificationCode()}, ${trainingId}, ${m.memberId}, ${m.fullName})`);
  }
  return missing.length;
}

interface CertRow { code: string; fullName: string; memberId: number; pointName: string | null }

async function sessionHeading(db: Db, trainingId: number) {
  const [s] = await queryRows<{ title: string; topicName: string; startsAt: Date; endsAt: Date; unitName: string; unitLevel: string; provinceName: string; provinceKind: string; closedAt: Date | null }>(db, sql`
    select s.title, tp.name as "topicName", s.starts_at as "startsAt", s.ends_at as "endsAt", u.name as "unitName", u.level as "unitLevel", p.short_name as "provinceName", p.kind as "provinceKind", s.closed_at as "closedAt"
    from training_sessions s join training_topics tp on tp.code = s.topic_code join admin_units u on u.id = s.organiser_unit_id
    join admin_units p on p.level = 'province' and p.code = s.province_code and p.valid_to is null where s.id = ${trainingId}`);
  return s;
}

function certificateData(s: NonNullable<Awaited<ReturnType<typeof sessionHeading>>>, rows: CertRow[], origin: string): CertificateData[] {
  const first = todayInVietnam(new Date(s.startsAt));
  const last = todayInVietnam(new Date(s.endsAt));
  const organiser = s.unitLevel === 'province' ? `UBND ${s.provinceKind === 'thanh_pho' ? 'THÀNH PHỐ' : 'TỈNH'} ${s.provinceName.toLocaleUpperCase('vi')}` : `UBND ${s.unitName.toLocaleUpperCase('vi')}`;
  return rows.map((r) => ({
    code: r.code, fullName: r.fullName, trainingTitle: s.title, topicName: s.topicName, day: first, ...(last !== first ? { lastDay: last } : {}),
    ...(r.pointName ? { pointName: r.pointName } : {}), organiser, organiserSub: 'BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ', placeName: s.provinceName, verifyUrl: `${origin}/xac-minh/${r.code}`,
  }));
}

/**
 * GET /api/trainings/:id/certificates.pdf: every attendee's certificate in one PDF (one page each,
 * sorted by given name), issuing the codes still missing (audited). For the officers who manage
 * the session, once attendance is closed. Errors: NOT_FOUND, REGISTRY_CONFLICT (not closed, or nobody attended).
 */
export async function sessionCertificates(db: Db, trainingId: number, actor: TrainingActor, origin: string): Promise<{ pdf: Buffer; count: number }> {
  const rows = await db.transaction(async (tx) => {
    const s = await managedOrThrow(tx, trainingId, actor);
    if (!s.closedAt) throw new AppError('REGISTRY_CONFLICT', 'Hãy đóng điểm danh trước khi in giấy chứng nhận.');
    const issued = await issueMissing(tx, trainingId);
    if (issued) await recordAudit(tx, { ...actor, action: 'training.certificates_issued', entity: 'training', entityId: trainingId, provinceCode: s.provinceCode, communeId: s.communeId, after: { issued } });
    return queryRows<CertRow>(tx, sql`select c.code, c.full_name as "fullName", c.member_id as "memberId", bp.name as "pointName" from training_certificates c
      left join training_attendance a on a.training_id = c.training_id and a.member_id = c.member_id left join bridge_points bp on bp.id = a.point_id
      where c.training_id = ${trainingId}`);
  });
  if (rows.length === 0) throw new AppError('REGISTRY_CONFLICT', 'Chưa có ai được điểm danh nên chưa có giấy chứng nhận nào.');
  rows.sort((a, b) => compareVietnameseNames(a.fullName, b.fullName) || a.memberId - b.memberId);
  const heading = (await sessionHeading(db, trainingId))!;
  return { pdf: await certificatesPdf(certificateData(heading, rows, origin), { title: `Giấy chứng nhận — ${heading.title}` }), count: rows.length };
}

/**
 * GET /api/trainings/:id/certificates/mine.pdf: the caller's own certificate of a closed session
 * they attended (issued now if it was not). Errors: NOT_FOUND (not attended, or not closed yet).
 */
export async function myCertificate(db: Db, trainingId: number, actor: TrainingActor, origin: string): Promise<Buffer> {
  if (actor.memberId === null) throw new AppError('NOT_FOUND', 'Tài khoản này không gắn với thành viên nào.');
  const row = await db.transaction(async (tx) => {
    const [a] = await queryRows<{ closed: boolean; pointName: string }>(tx, sql`select (s.closed_at is not null) as closed, bp.name as "pointName" from training_attendance a
      join training_sessions s on s.id = a.training_id join bridge_points bp on bp.id = a.point_id where a.training_id = ${trainingId} and a.member_id = ${actor.memberId}`);
    if (!a) throw new AppError('NOT_FOUND', 'Bạn chưa được điểm danh ở lớp tập huấn này.');
    if (!a.closed) throw new AppError('NOT_FOUND', 'Lớp tập huấn chưa đóng điểm danh; giấy chứng nhận có sau khi ban tổ chức đóng điểm danh.');
    const [m] = await queryRows<{ fullName: string }>(tx, sql`select full_name as "fullName" from members where id = ${actor.memberId}`);
    await tx.execute(sql`insert into training_certificates (code, training_id, member_id, full_name) values (${newVerificationCode()}, ${trainingId}, ${actor.memberId}, ${m.fullName}) on conflict do nothing`);
    const [c] = await queryRows<{ code: string; fullName: string }>(tx, sql`select code, full_name as "fullName" from training_certificates where training_id = ${trainingId} and member_id = ${actor.memberId}`);
    return { ...c, memberId: actor.memberId!, pointName: a.pointName };
  });
  const heading = (await sessionHeading(db, trainingId))!;
  return certificatesPdf(certificateData(heading, [row], origin));
}

/** "Lò Thị Ánh Tuyết" → "L. T. Á. T." (what the public page shows of a name). */
export function initialsOf(fullName: string): string {
  return fullName
    .normalize('NFC')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${[...w][0].toLocaleUpperCase('vi')}.`)
    .join(' ');
}

/**
 * The public verification of a code (`/xac-minh/CODE`, GET /api/verify/:code, no sign-in): the
 * holder's initials, the training's title and topic, its day(s) and organiser; nothing more. null
 * when no certificate has that code.
 */
export async function verifyCertificate(db: Db, code: string): Promise<{ code: string; initials: string; title: string; topic: string; day: string; lastDay: string; organiser: string } | null> {
  const c = readVerificationCode(code);
  if (!c) return null;
  const [r] = await queryRows<{ fullName: string; title: string; topic: string; startsAt: Date; endsAt: Date; organiser: string }>(db, sql`
    select c.full_name as "fullName", s.title, tp.name as topic, s.starts_at as "startsAt", s.ends_at as "endsAt", ${unitTitleSql('u')} as organiser
    from training_certificates c join training_sessions s on s.id = c.training_id join training_topics tp on tp.code = s.topic_code join admin_units u on u.id = s.organiser_unit_id
    where c.code = ${c}`);
  if (!r) return null;
  return { code: c, initials: initialsOf(r.fullName), title: r.title, topic: r.topic, day: todayInVietnam(new Date(r.startsAt)), lastDay: todayInVietnam(new Date(r.endsAt)), organiser: r.organiser };
}
