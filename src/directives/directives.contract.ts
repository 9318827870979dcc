/**
 * The bodies of the directives API (issue 15), shared by the server's routes and the office and
 * field forms. Days are Vietnam days (YYYY-MM-DD); instants ISO 8601 with an offset.
 */
import { z } from 'zod';
import { freeText, isoDay } from '../http/zod.js';

const id = z.number().int().positive().max(2147483647);
const oneLine = (max: number, what: string) => freeText(max, what, { oneLine: true });

export { ACK_STATUSES, type AckStatus, PASS_ON_CHANNELS, type PassOnChannel, PRIORITIES, type Priority } from './directives.vocabulary.js';
import { ACK_STATUSES, type AckStatus, PASS_ON_CHANNELS, type PassOnChannel, PRIORITIES, type Priority } from './directives.vocabulary.js';
export const TEAM_ROLES = ['leader', 'deputy', 'member'] as const;

const unitCode = z.string().regex(/^\d{5}(\.\d{1,6})?$/, 'Mã xã gồm 5 chữ số; mã thôn/bản có dạng mã xã, dấu chấm và số thứ tự (03664.001).');

/** POST /api/directives */
export const directiveBody = z
  .object({
    /** the issuing province (2 digits) or commune (5 digits) */
    unit: z.string().regex(/^(\d{2}|\d{5})$/, 'Đơn vị ban hành là mã tỉnh (2 chữ số) hoặc mã xã (5 chữ số).'),
    /** as on the paper document: "125/UBND-VP" */
    number: oneLine(60, 'Số văn bản').optional(),
    issuedOn: isoDay,
    title: oneLine(300, 'Trích yếu').pipe(z.string().min(3, 'Trích yếu cần ít nhất 3 ký tự.')),
    /** plain text; blank lines separate paragraphs, lines starting "- " are a list (shown as text, never as markup) */
    body: freeText(20_000, 'Nội dung').pipe(z.string().min(1, 'Hãy nhập nội dung chỉ đạo.')),
    priority: z.enum(Object.keys(PRIORITIES) as [Priority, ...Priority[]]).default('normal'),
    deadline: isoDay.optional(),
    asks: z.object({
      /** pass it on to households (else: read it) */
      passOn: z.boolean().default(true),
      /** a figure to report, its name and unit ("Số hộ đã được thông báo", "hộ") */
      figure: z.object({ name: oneLine(100, 'Tên chỉ tiêu'), unit: oneLine(30, 'Đơn vị tính') }).nullable().default(null),
    }).default({ passOn: true, figure: null }),
    target: z
      .object({
        units: z.array(unitCode).max(5000).default([]),
        teamIds: z.array(id).max(100_000).default([]),
        /** only members of these roles are notified (none: all) */
        roles: z.array(z.enum(TEAM_ROLES)).max(3).default([]),
      })
      .refine((t) => t.units.length + t.teamIds.length > 0, 'Hãy chọn ít nhất một xã, thôn/bản hoặc tổ nhận chỉ đạo.'),
    /** a province directive the target communes' officers forward to their teams (else it goes to every team at once) */
    viaCommunes: z.boolean().default(false),
  })
  .refine((b) => !b.deadline || b.deadline >= b.issuedOn, { message: 'Hạn báo cáo phải từ ngày ban hành trở đi.', path: ['deadline'] });
export type DirectiveBody = z.infer<typeof directiveBody>;

/** POST /api/directives/:id/forward */
export const forwardBody = z.object({
  /** the commune forwarding (a commune officer: their own, may be left out) */
  commune: z.string().regex(/^\d{5}$/).optional(),
  note: freeText(1000, 'Ghi chú').optional(),
  /** the commune's teams to send it to (default: the target's teams in the commune) */
  teamIds: z.array(id).max(5000).optional(),
});

/** One acknowledgement from a phone (its id a UUID the phone made, so a resend is recognised). */
export const ackRecord = z.object({
  id: z.uuid(),
  directiveId: id,
  /** the team answering (a team account: its own, may be left out) */
  teamId: id.optional(),
  status: z.enum(Object.keys(ACK_STATUSES) as [AckStatus, ...AckStatus[]]),
  at: z.iso.datetime({ offset: true }),
  channels: z.array(z.enum(Object.keys(PASS_ON_CHANNELS) as [PassOnChannel, ...PassOnChannel[]])).max(5).optional(),
  households: z.number().int().min(0).max(1_000_000).optional(),
  figure: z.number().min(0).max(1e9).optional(),
});
export type AckRecord = z.infer<typeof ackRecord>;
export const MAX_ACK_BATCH = 200;
export const ackSyncBody = z.object({ records: z.array(z.unknown()).max(MAX_ACK_BATCH) });

/** POST /api/directives/:id/remind */
export const remindBody = z.object({
  channels: z.array(z.enum(['push', 'zalo', 'sms'])).min(1).max(3),
  /** only the teams of this commune (default: every team of the caller's part not done) */
  commune: z.string().regex(/^\d{5}$/).optional(),
});

/** The bodies as the forms send them (before the server's defaults). */
export type DirectiveInput = z.input<typeof directiveBody>;
export type ForwardInput = z.input<typeof forwardBody>;
export type AckInput = z.input<typeof ackRecord>;
export type RemindInput = z.input<typeof remindBody>;
