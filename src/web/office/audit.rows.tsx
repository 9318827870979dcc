// The audit log's entries in words (#/nhat-ky): actions, refusals, their objects and details.
import type { ComponentChildren } from 'preact';
import type { Endpoints } from '../shared/endpoints.js';
import { num } from '../shared/format.js';
import { vnDateTimeLabel } from '../shared/time.js';
import { ROLE_LABELS } from './session.js';

export type Entry = Endpoints['GET /api/audit']['response']['entries'][number];
/** An account as the audit page names it (from GET /api/users, officers only). */
export type Named = { fullName: string };

export const ACTIONS: Record<string, string> = {
  'auth.signed_in': 'Đăng nhập',
  'auth.failed': 'Đăng nhập sai',
  'auth.locked': 'Khoá tài khoản',
  'auth.password_reset': 'Đặt lại mật khẩu',
  'auth.password_changed': 'Đổi mật khẩu',
  'user.created': 'Tạo tài khoản',
  'user.password_reset_issued': 'Cấp mã đặt lại',
  'user.updated': 'Sửa tài khoản',
  'user.disabled': 'Khoá tài khoản',
  'user.enabled': 'Mở khoá tài khoản',
  'import.committed': 'Nhập danh sách',
  'import.mapping_saved': 'Lưu cách ghép cột',
  'import.scope_conflict': 'Nhập trùng người của đơn vị khác',
  'population.saved': 'Cập nhật dân số',
  'service.created': 'Thêm dịch vụ',
  'service.updated': 'Sửa dịch vụ',
  'access.denied': 'Từ chối truy cập',
  'resident.created': 'Ghi nhận cư dân',
  'resident.revealed': 'Xem đầy đủ số ĐT/căn cước',
  'resident.exported': 'Xuất dữ liệu cư dân',
  'resident.erased': 'Xoá dữ liệu cư dân',
};
const REFUSAL: Record<string, string> = {
  OUT_OF_SCOPE: 'Ngoài phạm vi được giao',
  AUTH_FAILED: 'Sai mật khẩu',
  FORBIDDEN: 'Vai trò không được phép',
  AUTH_REQUIRED: 'Chưa đăng nhập',
  PASSWORD_CHANGE_REQUIRED: 'Chưa đổi mật khẩu được cấp',
  CSRF_INVALID: 'Thiếu mã chống giả mạo (CSRF)',
  TEAM_NOT_FOUND: 'Tổ ngoài phạm vi hoặc không có',
  USER_NOT_FOUND: 'Tài khoản ngoài phạm vi hoặc không có',
  NOT_FOUND: 'Thành viên ngoài phạm vi hoặc không có',
};
/** What a refused request aimed at, in words. */
const TARGET: Record<string, string> = { team: 'tổ', user: 'tài khoản', member: 'thành viên', unit: 'đơn vị' };
const SEVERITY: Record<string, string> = { 'access.denied': 'error', 'import.scope_conflict': 'warning', 'auth.locked': 'error', 'auth.failed': 'warning', 'resident.revealed': 'warning', 'resident.erased': 'warning' };
/** Failed sign-ins carry the account tried as their user: whoever typed was not signed in. */
const UNAUTHENTICATED = new Set(['auth.failed', 'auth.locked']);

export const COLUMNS = [
  { text: 'Thời điểm', class: 'nowrap' },
  { text: 'Hoạt động', class: 'action' },
  { text: 'Người thực hiện', class: 'who' },
  { text: 'Đối tượng', class: 'entity' },
  { text: 'Chi tiết', class: 'detail' },
  { text: 'Địa chỉ IP', class: 'nowrap muted' },
];

/** One entry as a table row (cells in COLUMNS order, its severity as the row's class); accounts named from `names` when known. */
export function entryRow(e: Entry, names: Map<number, Named>): { key: number; class?: string; cells: ComponentChildren[] } {
  const who = (id: number | string | null | undefined) => (id === null || id === undefined ? undefined : names.get(Number(id)));
  const anonymous = e.userId === null || UNAUTHENTICATED.has(e.action);
  const actor = who(e.userId);
  const target = e.entity === 'user' ? who(e.entityId) : undefined;
  return {
    key: e.id,
    class: SEVERITY[e.action] ? `sev-${SEVERITY[e.action]}` : undefined,
    cells: [
      vnDateTimeLabel(e.at, true),
      ACTIONS[e.action] ?? e.action,
      e.userId === null && e.action === 'user.created' ? <span class="muted">Khởi tạo hệ thống</span> : anonymous ? <span class="muted">Chưa đăng nhập</span> : actor ? actor.fullName : `Tài khoản số ${e.userId}`,
      entityText(e, target),
      detailText(e),
      e.ip ?? '',
    ],
  };
}

function entityText(e: Entry, target: Named | undefined): ComponentChildren {
  if (e.entity === 'user') return e.entityId ? (target ? target.fullName : `Tài khoản số ${e.entityId}`) : '—';
  if (e.entity === 'route') return <code>{e.entityId ?? ''}</code>;
  if (e.entity === 'import') return /^\d+$/.test(e.entityId ?? '') ? `Lần nhập số ${e.entityId}` : `Tệp ${e.entityId ?? ''}`;
  if (e.entity === 'unit_population') return 'Dân số xã/phường';
  if (e.entity === 'support_service') return `Dịch vụ số ${e.entityId ?? ''}`;
  if (e.entity === 'import_mapping') return 'Cách ghép cột';
  if (e.entity === 'resident') return `Cư dân số ${e.entityId}`;
  if (e.entity === 'commune') return `Xã/phường ${e.entityId}`;
  if (e.entity === 'province') return `Tỉnh ${e.entityId}`;
  return [e.entity, e.entityId].filter(Boolean).join(' ');
}

/** What the entry's `after` may hold, by action (written by the server's services). */
interface After {
  code?: string;
  target?: { entity: string; id?: string | number };
  requester?: { unit?: string };
  /** on a refusal without a signed-in user: the session cookie shown was forged or had ended */
  credential?: 'forged' | 'ended';
  file?: string;
  committed?: boolean;
  rows?: { row: number; phone?: string }[];
  headers?: string[];
  reason?: string;
  role?: string;
  username?: string;
  purpose?: string;
  count?: number;
  phone?: string;
  nationalId?: string;
  consent?: string;
  new?: number;
  updated?: unknown[];
}

function detailText(e: Entry): string {
  const a = (e.after ?? {}) as After;
  switch (e.action) {
    case 'access.denied':
      return [
        REFUSAL[a.code ?? ''] ?? a.code ?? '',
        a.target ? `${TARGET[a.target.entity] ?? a.target.entity}${a.target.id ? ` ${a.target.id}` : ''}` : null,
        a.requester?.unit ? `người yêu cầu thuộc đơn vị ${a.requester.unit}` : null,
        a.credential === 'forged' ? 'phiên đăng nhập giả (không do máy chủ cấp)' : a.credential === 'ended' ? 'phiên đăng nhập đã hết hạn hoặc đã đăng xuất' : null,
      ]
        .filter(Boolean)
        .join(' · ');
    case 'import.scope_conflict':
      return `Tệp "${a.file ?? ''}"${a.committed ? '' : ' (chạy thử)'}: ${(a.rows ?? []).map((r) => `dòng ${r.row}${r.phone ? ` (SĐT ${r.phone})` : ''}`).join(', ')} trùng người đang thuộc đơn vị khác`;
    case 'import.mapping_saved':
      return `${(a.headers ?? []).length} cột${a.file ? ` · tệp "${a.file}"` : ''}`;
    case 'auth.failed':
      return a.reason === 'unknown_login' ? 'Tên đăng nhập không tồn tại' : 'Sai mật khẩu';
    case 'auth.locked':
      return 'Sai mật khẩu 5 lần: tạm khoá 15 phút';
    case 'user.created':
      return [ROLE_LABELS[a.role as keyof typeof ROLE_LABELS] ?? a.role, a.username, (a as { from?: string }).from === 'roster' ? 'từ danh sách tổ' : null].filter(Boolean).join(' · ');
    case 'user.updated':
      return accountChanges(e.before as Record<string, unknown> | null, e.after as Record<string, unknown> | null);
    case 'resident.revealed':
      return [a.purpose ? `Mục đích: “${a.purpose}”` : 'Không ghi mục đích', a.count !== undefined ? `${num(a.count)} cư dân` : null].filter(Boolean).join(' · ');
    case 'resident.created':
      return [a.phone ? `SĐT ${a.phone}` : null, a.nationalId ? `Căn cước ${a.nationalId}` : null, a.consent ? `Đồng ý cho: ${a.consent}` : null].filter(Boolean).join(' · ');
    case 'import.committed':
      return `Tệp "${a.file ?? ''}": ${num(a.new ?? 0)} mới, ${num(a.updated?.length ?? 0)} cập nhật`;
    default:
      return '';
  }
}

/** What PATCH /api/users/:id changed ("Vai trò: Tổ trưởng → Thành viên · Tổ: số 3 → số 5"), from the entry's before and after. */
function accountChanges(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string {
  const label: Record<string, string> = { role: 'Vai trò', unit: 'Đơn vị', teamId: 'Tổ', disabled: 'Khoá' };
  const show = (k: string, v: unknown) => (v === null || v === undefined ? '—' : k === 'role' ? (ROLE_LABELS[v as keyof typeof ROLE_LABELS] ?? String(v)) : k === 'teamId' ? `số ${v}` : k === 'disabled' ? (v ? 'có' : 'không') : String(v));
  return Object.keys(after ?? {})
    .map((k) => `${label[k] ?? k}: ${show(k, before?.[k])} → ${show(k, after?.[k])}`)
    .join(' · ');
}
