/**
 * The bodies of the trainings API (issue 14), shared by the server's routes and the office and
 * field forms, so a refusal reads the same in both. Times are ISO 8601 with an offset (Vietnam time
 * as the forms send it: "2026-11-05T08:00:00+07:00").
 */
import { z } from 'zod';
import { freeText } from '../http/zod.js';

const id = z.number().int().positive().max(2147483647);
const oneLine = (max: number, what: string) => freeText(max, what, { oneLine: true });

export const TRAINING_KINDS = { in_person: 'Trực tiếp', online: 'Trực tuyến qua điểm cầu', hybrid: 'Kết hợp' } as const;
export type TrainingKind = keyof typeof TRAINING_KINDS;
export const PLACE_KINDS = { commune_hall: 'Hội trường UBND xã', cultural_house: 'Nhà văn hóa', school: 'Trường học', other: 'Nơi khác' } as const;
export type PlaceKind = keyof typeof PLACE_KINDS;
export const TEAM_ROLES = ['leader', 'deputy', 'member'] as const;

/** A link: http(s) only, so a material can never be a `javascript:` address. */
const link = z
  .string()
  .max(2000)
  .refine((s) => /^https?:\/\/[^\s]+$/i.test(s), 'Đường dẫn phải bắt đầu bằng http:// hoặc https://.');

/** POST /api/bridge-points */
export const bridgePointBody = z.object({
  /** the commune's five-digit code */
  commune: z.string().regex(/^\d{5}$/, 'Mã xã gồm 5 chữ số.'),
  /** a village of that commune (its code: the commune's and a number, "03664.001"), optional */
  village: z.string().regex(/^\d{5}\.\d{1,6}$/, 'Mã thôn/bản có dạng mã xã, dấu chấm và số thứ tự (ví dụ 03664.001).').optional(),
  name: oneLine(200, 'Tên điểm cầu').pipe(z.string().min(2, 'Tên điểm cầu cần ít nhất 2 ký tự.')),
  placeKind: z.enum(Object.keys(PLACE_KINDS) as [PlaceKind, ...PlaceKind[]]),
  capacity: z.number().int().min(1).max(100_000).optional(),
});

/** A bridge point in a session: the point, its host (a member of a team of the organiser's unit, or an account), capacity, online connection. */
export const sessionPointBody = z.object({
  pointId: id,
  hostMemberId: id.optional(),
  hostUserId: id.optional(),
  capacity: z.number().int().min(1).max(100_000).optional(),
  /** the meeting link or room of an online point: stored and shown, never called */
  connection: oneLine(500, 'Kết nối trực tuyến').optional(),
});

/** POST /api/trainings and PUT /api/trainings/:id (with `version`). */
export const trainingBody = z
  .object({
    /** the organiser: a province's two-digit code or a commune's five-digit code */
    unit: z.string().regex(/^\d{2}$|^\d{5}$/, 'Đơn vị tổ chức là mã tỉnh (2 chữ số) hoặc mã xã (5 chữ số).'),
    title: oneLine(200, 'Tên lớp tập huấn').pipe(z.string().min(3, 'Tên lớp tập huấn cần ít nhất 3 ký tự.')),
    topic: z.string().min(1).max(40),
    kind: z.enum(Object.keys(TRAINING_KINDS) as [TrainingKind, ...TrainingKind[]]),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    materials: z.array(z.object({ title: oneLine(200, 'Tên tài liệu'), url: link })).max(30).default([]),
    audience: z.object({
      /** commune codes (five digits) and village codes ("03664.001") */
      units: z.array(z.string().regex(/^\d{5}(\.\d{1,6})?$/, 'Đơn vị được mời là mã xã (5 chữ số) hoặc mã thôn/bản (ví dụ 03664.001).')).max(5000).default([]),
      teamIds: z.array(id).max(20_000).default([]),
      roles: z.array(z.enum(TEAM_ROLES)).max(3).default([]),
      memberIds: z.array(id).max(20_000).default([]),
    }),
    points: z.array(sessionPointBody).min(1, 'Cần ít nhất một điểm cầu.').max(1000),
  })
  .superRefine((b, ctx) => {
    const start = Date.parse(b.startsAt);
    const end = Date.parse(b.endsAt);
    for (const [path, t] of [['startsAt', start], ['endsAt', end]] as const) {
      if (!(t >= Date.UTC(2000, 0, 1) && t < Date.UTC(2100, 0, 1))) ctx.addIssue({ code: 'custom', path: [path], message: 'Thời gian phải trong khoảng năm 2000–2099; hãy kiểm tra lại năm.' });
    }
    if (end <= start) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'Giờ kết thúc phải sau giờ bắt đầu.' });
    else if (end - start > 31 * 86_400_000) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'Một lớp tập huấn kéo dài tối đa 31 ngày; hãy chia thành nhiều lớp.' });
    const seen = new Set<number>();
    b.points.forEach((p, i) => {
      if (seen.has(p.pointId)) ctx.addIssue({ code: 'custom', path: ['points', i, 'pointId'], message: 'Điểm cầu này đã có trong danh sách.' });
      seen.add(p.pointId);
      if (p.hostMemberId && p.hostUserId) ctx.addIssue({ code: 'custom', path: ['points', i], message: 'Mỗi điểm cầu có một người phụ trách: một thành viên hoặc một tài khoản cán bộ.' });
    });
    const a = b.audience;
    if (a.units.length + a.teamIds.length + a.memberIds.length === 0) ctx.addIssue({ code: 'custom', path: ['audience'], message: 'Hãy chọn người được mời: đơn vị, tổ hoặc từng thành viên.' });
  });
export type TrainingBody = z.infer<typeof trainingBody>;

/**
 * One check-in as the phone sends it. `method` host: the point's host checked `memberId` in (or a
 * walk-in by name and phone); self: the signed-in member scanned the point's code (`window` and
 * `code` from the QR, or typed). `checkedInAt` and `leftAt` by the phone's clock.
 */
export const attendanceRecord = z
  .object({
    id: z.uuid(),
    trainingId: id,
    pointId: id,
    method: z.enum(['host', 'self']),
    memberId: id.optional(),
    walkIn: z.object({ fullName: oneLine(120, 'Họ và tên').pipe(z.string().min(2, 'Họ và tên cần ít nhất 2 ký tự.')), phone: z.string().max(30).optional() }).optional(),
    window: z.number().int().min(0).max(1e11).optional(),
    code: z.string().regex(/^\d{6}$/, 'Mã điểm danh gồm 6 chữ số.').optional(),
    checkedInAt: z.iso.datetime({ offset: true }),
    leftAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.method === 'host' && !r.memberId === !r.walkIn) ctx.addIssue({ code: 'custom', path: ['memberId'], message: 'Người phụ trách điểm danh một thành viên (memberId) hoặc một người ngoài danh sách (walkIn).' });
    if (r.method === 'self' && !r.code) ctx.addIssue({ code: 'custom', path: ['code'], message: 'Tự điểm danh cần mã của điểm cầu (quét mã QR hoặc nhập 6 chữ số).' });
    if (r.leftAt && Date.parse(r.leftAt) < Date.parse(r.checkedInAt)) ctx.addIssue({ code: 'custom', path: ['leftAt'], message: 'Giờ ra về trước giờ điểm danh.' });
  });
export type AttendanceRecord = z.infer<typeof attendanceRecord>;

/** At most this many check-ins in one sync request. */
export const MAX_ATTENDANCE_BATCH = 500;

/** What the forms send (defaults may be left out). */
export type TrainingInput = z.input<typeof trainingBody>;
export type BridgePointInput = z.input<typeof bridgePointBody>;
export type AttendanceInput = z.input<typeof attendanceRecord>;
