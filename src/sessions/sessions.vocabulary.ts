/**
 * Fixed vocabularies of support sessions. The services themselves are data (table
 * `support_services`); what a session can achieve for a service, and the kinds of session, are
 * the product's own terms and live here with their Vietnamese labels.
 */

/** How the session was held. */
export const SESSION_KINDS = {
  home: 'Hướng dẫn tại nhà (một người)',
  group: 'Buổi hướng dẫn nhóm',
  help_desk: 'Tại bàn hỗ trợ',
} as const;
export type SessionKind = keyof typeof SESSION_KINDS;
/** The kinds as counted after a number, on the dashboards: "3 tại nhà · 1 buổi nhóm · 0 tại bàn hỗ trợ". */
export const SESSION_KIND_COUNTED: Record<SessionKind, string> = { home: 'tại nhà', group: 'buổi nhóm', help_desk: 'tại bàn hỗ trợ' };
/** The years a support report may cover (GET /api/reports/support refuses days outside them). */
export const REPORT_YEARS = { first: 2000, last: 2100 } as const;

/**
 * Outcome per service, from the least to the furthest step reached; a session records the
 * furthest one for each service it covered.
 */
export const OUTCOMES = {
  informed: 'Đã hướng dẫn, giới thiệu',
  installed: 'Đã cài đặt ứng dụng',
  account_created: 'Đã tạo tài khoản',
  eid_level2: 'Đã kích hoạt định danh điện tử mức 2',
  submitted_online: 'Đã nộp hồ sơ trực tuyến',
  payment_made: 'Đã thanh toán trực tuyến',
} as const;
export type Outcome = keyof typeof OUTCOMES;
export const OUTCOME_CODES = Object.keys(OUTCOMES) as Outcome[];

/**
 * The 54 ethnic groups of Vietnam with the General Statistics Office's codes (Danh mục các dân tộc
 * Việt Nam, Quyết định 121-TCTK/PPCĐ ngày 02/3/1979), names as the office writes them.
 */
export const ETHNIC_GROUPS: readonly { code: string; name: string }[] = [
  'Kinh', 'Tày', 'Thái', 'Hoa', 'Khơ-me', 'Mường', 'Nùng', 'Hmông', 'Dao', 'Gia-rai',
  'Ngái', 'Ê-đê', 'Ba-na', 'Xơ-đăng', 'Sán Chay', 'Cơ-ho', 'Chăm', 'Sán Dìu', 'Hrê', 'Mnông',
  'Ra-glai', 'Xtiêng', 'Bru-Vân Kiều', 'Thổ', 'Giáy', 'Cơ-tu', 'Gié-Triêng', 'Mạ', 'Khơ-mú', 'Co',
  'Tà-ôi', 'Chơ-ro', 'Kháng', 'Xinh-mun', 'Hà Nhì', 'Chu-ru', 'Lào', 'La Chí', 'La Ha', 'Phù Lá',
  'La Hủ', 'Lự', 'Lô Lô', 'Chứt', 'Mảng', 'Pà Thẻn', 'Cơ Lao', 'Cống', 'Bố Y', 'Si La',
  'Pu Péo', 'Brâu', 'Ơ Đu', 'Rơ-măm',
].map((name, i) => ({ code: String(i + 1).padStart(2, '0'), name }));
export const ETHNIC_CODES = new Set(ETHNIC_GROUPS.map((g) => g.code));

/** Most records a phone may send in one sync request. */
export const MAX_SYNC_BATCH = 500;
/** A session's (corrected) time may lie this far ahead of the clock before it is "in the future" (the phone's form refuses it; the server keeps it for review, sessions.clock.ts). */
export const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;
/** Largest head count of one group session. */
export const MAX_GROUP_SIZE = 2000;

/**
 * Session-level rows of the daily rollup (`support_daily` with service 0): all sessions, those
 * with a recognised resident, per kind, and those at the commune public-service centre.
 */
export const ROLLUP_ALL = '';
export const ROLLUP_IDENTIFIED = 'identified';
export const ROLLUP_CENTRE = 'centre';
export const rollupKind = (kind: SessionKind) => `kind:${kind}`;
