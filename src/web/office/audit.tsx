// #/nhat-ky?don-vi=CODE — the audit log of a unit (sign-ins, changes, refused access), newest first.
// Entries cannot be edited or deleted; officers read them to answer "who did what, when"
// (Decree 13/2023/ND-CP asks for access logs of personal data). Rows in words: audit.rows.tsx.
import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../shared/api.js';
import { num } from '../shared/format.js';
import { ACTIONS, COLUMNS, type Entry, entryRow, type Named } from './audit.rows.js';
import { api } from './client.js';
import { page, type PageProps } from './mount.js';
import { can, myUnit, OFFICERS, session } from './session.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

/** Entries fetched per request, and shown per "Xem thêm". */
const BATCH = 500;
const PAGE = 100;

type Option = { value: string; text: string };
/** The unit choice: a fixed unit (a commune officer's), communes of the viewer's province, or province (and commune). */
type Picker = { fixed: string } | { communes: Option[] } | { provinces: Option[]; all: boolean; provinceCode: string; communes: Option[] | null };

const go = (code: string) => (location.hash = `#/nhat-ky?don-vi=${encodeURIComponent(code)}`);

async function unitOptions(parent?: string): Promise<Option[]> {
  const r = await api.call('GET /api/units', { query: { parent } });
  return 'units' in r ? (r.units as { code: string | null; name: string }[]).filter((u) => u.code).map((u) => ({ value: u.code!, text: u.name })) : [];
}

/** The unit shown ("" = the whole system, admins only; null = not chosen yet) and the picker's choices. */
async function loadPicker(asked: string | null): Promise<{ code: string | null; picker: Picker }> {
  const s = session.scope!;
  let code = asked;
  if (code === null) code = s.kind === 'all' ? '' : ((await myUnit())?.code ?? (s.kind === 'province' ? s.provinceCode : null));
  if (s.kind === 'commune' || s.kind === 'village' || s.kind === 'team') {
    const mine = await myUnit();
    if (mine) return { code, picker: { fixed: mine.name } };
    // a viewer of a commune: /api/auth/me does not give the commune's code, so they choose it
    return { code, picker: { communes: await unitOptions(s.provinceCode) } };
  }
  // commune codes do not start with their province's code: ask which province a commune is in
  const provinceCode =
    s.kind === 'province' ? s.provinceCode : !code ? '' : code.length <= 2 ? code : ((await api.call('GET /api/units/:code', { params: { code }, query: {} }).catch(() => null))?.provinceCode ?? '');
  const all = await unitOptions();
  const provinces = s.kind === 'all' ? all : all.filter((p) => p.value === s.provinceCode);
  const communes = provinceCode ? await unitOptions(provinceCode).catch(() => []) : null;
  return { code, picker: { provinces, all: s.kind === 'all', provinceCode, communes } };
}

function UnitPicker({ picker, code }: { picker: Picker; code: string | null }) {
  if ('fixed' in picker) {
    return (
      <div class="field">
        <span class="label">Đơn vị</span>
        <strong class="fixed-unit">{picker.fixed}</strong>
      </div>
    );
  }
  if (!('provinces' in picker)) {
    return (
      <div class="field">
        <label for="audit-commune">Xã, phường</label>
        <select id="audit-commune" value={code ?? ''} onChange={(e) => e.currentTarget.value && go(e.currentTarget.value)}>
          <option value="">— Chọn xã, phường —</option>
          {picker.communes.map((u) => (
            <option key={u.value} value={u.value}>
              {u.text}
            </option>
          ))}
        </select>
      </div>
    );
  }
  return (
    <div class="unit-pick">
      <div class="field">
        <label for="audit-province">Tỉnh, thành phố</label>
        <select id="audit-province" value={picker.provinceCode} onChange={(e) => go(e.currentTarget.value)}>
          {picker.all ? <option value="">Toàn hệ thống</option> : null}
          {picker.provinces.map((p) => (
            <option key={p.value} value={p.value}>
              {p.text}
            </option>
          ))}
        </select>
      </div>
      {picker.communes ? (
        <div class="field">
          <label for="audit-commune">Xã, phường</label>
          <select id="audit-commune" value={code ?? ''} onChange={(e) => go(e.currentTarget.value)}>
            <option value={picker.provinceCode}>— Cả tỉnh —</option>
            {picker.communes.map((u) => (
              <option key={u.value} value={u.value}>
                {u.text}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </div>
  );
}

function AuditPage({ query }: PageProps) {
  useEffect(() => void (document.title = 'Ngõ Số — Nhật ký'), []);
  const asked = query.get('don-vi');
  const loaded = useLoad(async () => {
    const { code, picker } = await loadPicker(asked);
    if (code === null) return { code, picker, first: [] as Entry[], names: new Map<number, Named>() };
    const [first, names] = await Promise.all([
      api.call('GET /api/audit', { query: { unit: code, limit: BATCH } }),
      // officers can name the users in their scope; others see account numbers
      can(OFFICERS)
        ? api.call('GET /api/users').then(
            (r) => new Map<number, Named>(r.users.map((u) => [u.id, u])),
            () => new Map<number, Named>(),
          )
        : new Map<number, Named>(),
    ]);
    return { code, picker, first: first.entries, names };
  }, [asked]);
  if (loaded.error) return <LoadError error={loaded.error} title="Nhật ký truy cập và thay đổi" />;
  return (
    <>
      <PageTitle>Nhật ký truy cập và thay đổi</PageTitle>
      <p class="lead">Mọi lần đăng nhập, thay đổi dữ liệu và truy cập bị từ chối đều được ghi lại; không ai sửa hay xoá được nhật ký.</p>
      {loaded.loading ? (
        <Loading />
      ) : loaded.data!.code === null ? (
        <>
          <UnitPicker picker={loaded.data!.picker} code={null} />
          <Notice kind="info">Hãy chọn xã, phường của bạn để xem nhật ký.</Notice>
        </>
      ) : (
        <AuditLog key={loaded.data!.code} code={loaded.data!.code} picker={loaded.data!.picker} first={loaded.data!.first} names={loaded.data!.names} />
      )}
    </>
  );
}

/** The entries of `code`: a filter by action, PAGE rows at a time, older entries fetched BATCH at a time. */
function AuditLog({ code, picker, first, names }: { code: string; picker: Picker; first: Entry[]; names: Map<number, Named> }) {
  const [entries, setEntries] = useState(first);
  const [exhausted, setExhausted] = useState(first.length < BATCH);
  const [limit, setLimit] = useState(PAGE);
  const [action, setAction] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const kinds = [...new Set(entries.map((e) => e.action))];
  const matching = action ? entries.filter((e) => e.action === action) : entries;
  const shown = matching.slice(0, limit);
  const left = matching.length - shown.length;

  const more = async () => {
    setBusy(true);
    setProblem(null);
    try {
      if (matching.length <= limit && !exhausted && entries.length) {
        const last = entries[entries.length - 1];
        // `to` is exclusive and to the millisecond: ask up to 1 ms later and drop the entries already here
        const older = await api.call('GET /api/audit', { query: { unit: code, limit: BATCH, to: new Date(new Date(last.at).getTime() + 1).toISOString() } });
        const seen = new Set(entries.map((e) => e.id));
        const fresh = older.entries.filter((e) => !seen.has(e.id));
        setEntries([...entries, ...fresh]);
        if (older.entries.length < BATCH || !fresh.length) setExhausted(true);
      }
      setLimit(limit + PAGE);
    } catch (err) {
      setProblem(`Không tải thêm được: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div class="toolbar">
        <UnitPicker picker={picker} code={code} />
        <div class="field">
          <label for="audit-action">Hoạt động</label>
          <select
            id="audit-action"
            value={action}
            onChange={(e) => {
              setAction(e.currentTarget.value);
              setLimit(PAGE);
            }}
          >
            <option value="">Tất cả hoạt động</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {ACTIONS[k] ?? k}
              </option>
            ))}
          </select>
        </div>
        <a class="btn btn-secondary" id="audit-csv" href={withQuery('/api/audit', { unit: code, format: 'csv', limit: 10000 })} download={`nhat-ky-${code || 'toan-he-thong'}.csv`}>
          Tải CSV
        </a>
      </div>
      <p class="meta" aria-live="polite">
        {problem ?? `Đang hiện ${num(shown.length)} trên ${num(matching.length)}${exhausted ? '' : '+'} mục, mới nhất trước.`}
      </p>
      {shown.length ? <Table class="audit stack" columns={COLUMNS} rows={shown.map((e) => entryRow(e, names))} /> : <p class="muted">{action ? 'Không có mục nào của hoạt động này trong các mục đã tải.' : 'Chưa có mục nào.'}</p>}
      <div class="actions more">
        <button type="button" class="btn-secondary" id="audit-more" hidden={left === 0 && exhausted} disabled={busy} onClick={more}>
          {left > 0 ? `Xem thêm ${num(Math.min(PAGE, left))} mục` : 'Tải thêm các mục cũ hơn'}
        </button>
      </div>
    </>
  );
}

export const auditPage = page(AuditPage);
