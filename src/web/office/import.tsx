// #/nhap — roster import: dry run ("Kiểm tra"), then commit ("Ghi vào sổ") of the same files, with
// the officer's corrections of the column mapping and answers to "which unit did you mean".
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ImportAnswer, ImportLimits } from '../../imports/imports.report.js';
import { OUTCOMES } from '../../imports/imports.labels.js';
import { ApiError } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';
import { num } from '../shared/format.js';
import { vnDateTimeLabel } from '../shared/time.js';
import { api } from './client.js';
import type { Edits, SheetColumns } from './import.mapping.js';
import { ErrorView, ResultView } from './import.results.js';
import { page } from './mount.js';
import { FilePicker, PageTitle, Table } from './ui.js';

/** Where the province last chosen is remembered (per browser). */
const STORE = 'ngoso.import.province';
/** An upload of many files over weak 3G, and their import, may take minutes. */
const UPLOAD_TIMEOUT_MS = 5 * 60_000;

type Unit = { code: string; name: string };
type LogEntry = Endpoints['GET /api/imports']['response']['imports'][number];

/** The exact request of a dry run, so "Ghi vào sổ" sends the same files with the same corrections. */
interface Request {
  province: string;
  commune: string;
  files: File[];
  mapping: Record<string, SheetColumns>;
  unitChoices: Record<string, string>;
}

type Shown = { kind: 'report'; res: ImportAnswer; committed: boolean; province: string | null } | { kind: 'error'; err: unknown } | null;

/** The units of a GET /api/units answer (children of a unit, or the provinces). */
const unitsOf = (r: Endpoints['GET /api/units']['response']): Unit[] => ('units' in r ? (r.units as Unit[]) : []);

/** POST /api/imports: a dry run or the commit of `req`'s files, with its corrections and choices. */
function send(commit: boolean, req: Request): Promise<ImportAnswer> {
  const body = new FormData();
  if (Object.keys(req.mapping).length) body.append('mapping', JSON.stringify(req.mapping));
  if (Object.keys(req.unitChoices).length) body.append('unitChoices', JSON.stringify(req.unitChoices));
  for (const f of req.files) body.append('file', f, f.name);
  return api.call('POST /api/imports', { query: { commit: commit ? 'true' : 'false', province: req.province, commune: req.commune } }, { body, timeoutMs: UPLOAD_TIMEOUT_MS });
}

/** A report whose mapping tables or unit questions are on screen (a refused correction keeps them there). */
const hasEditables = (res: ImportAnswer) => res.files.some((f) => !('error' in f) && (f.sheets.some((s) => s.columns?.length) || f.unitQuestions.length > 0));

/** Why the chosen files cannot be sent (too many, one too large), from the server's limits; null when they can. */
function overLimits(files: File[], limits: ImportLimits | null): string | null {
  if (!limits) return null;
  if (files.length > limits.maxFiles) return `Mỗi lần gửi tối đa ${num(limits.maxFiles)} tệp; bạn đã chọn ${num(files.length)} tệp. Hãy gửi làm nhiều lần.`;
  const big = files.find((f) => f.size > limits.maxUploadBytes);
  return big ? `Tệp "${big.name}" vượt giới hạn ${num(Math.round(limits.maxUploadBytes / 1048576))} MB. Hãy tách tệp theo xã hoặc theo thôn.` : null;
}

/** The last committed imports (GET /api/imports); hidden while there are none or the log is unavailable. Reloads when `version` changes. */
function History({ version }: { version: number }) {
  const [imports, setImports] = useState<LogEntry[] | null>(null);
  useEffect(() => {
    let current = true;
    api.call('GET /api/imports', { query: { limit: 10 } }).then(
      (r) => current && r.imports.length && setImports(r.imports),
      () => current && setImports(null),
    );
    return () => void (current = false);
  }, [version]);
  const keys = Object.keys(OUTCOMES) as (keyof typeof OUTCOMES)[];
  return (
    <section id="imp-history" aria-labelledby="imp-history-h" hidden={!imports}>
      {imports ? (
        <>
          <h3 id="imp-history-h">Các lần ghi vào sổ gần đây</h3>
          <Table
            class="history stack"
            columns={[{ text: 'Thời gian', class: 'nowrap' }, 'Tệp', ...keys.map((k) => ({ text: OUTCOMES[k], class: 'num' }))]}
            rows={imports.map((x) => ({ key: x.id, cells: [vnDateTimeLabel(x.importedAt), x.fileName, ...keys.map((k) => num(x.counts?.[k]))] }))}
          />
        </>
      ) : null}
    </section>
  );
}

function ImportPage() {
  useEffect(() => void (document.title = 'Ngõ Số — Nhập danh sách tổ'), []);
  const form = useRef<HTMLFormElement>(null);
  const provinceSel = useRef<HTMLSelectElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const editError = useRef<HTMLDivElement>(null);
  const [provinces, setProvinces] = useState<Unit[]>([]);
  const [province, setProvince] = useState('');
  const [communes, setCommunes] = useState<Unit[]>([]);
  const [commune, setCommune] = useState('');
  const [limits, setLimits] = useState<ImportLimits | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Shown>(null);
  const [refused, setRefused] = useState<unknown>(null);
  const [history, setHistory] = useState(0);
  // the request that passed the dry run, and what "Ghi vào sổ" will do with its invalid rows
  const [checked, setChecked] = useState<{ req: Request; note: string | null } | null>(null);
  // the officer's edits after a dry run: column mapping per sheet name, the unit meant per name
  const [corrections, setCorrections] = useState<Record<string, SheetColumns>>({});
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    api.call('GET /api/units').then(
      (r) => {
        const list = unitsOf(r);
        setProvinces(list);
        let saved: string | null = null;
        try {
          saved = localStorage.getItem(STORE);
        } catch {
          /* storage disabled */
        }
        if (saved && list.some((p) => p.code === saved)) setProvince(saved);
      },
      (err: Error) => setStatus(`Không tải được danh sách tỉnh, thành phố: ${err.message}`),
    );
    api.call('GET /api/imports/limits').then(setLimits, () => setLimits(null));
  }, []);

  // the communes of the province, offered as suggestions for the commune field
  useEffect(() => {
    setCommunes([]);
    if (!province) return;
    let current = true;
    api.call('GET /api/units', { query: { parent: province } }).then(
      (r) => current && setCommunes(unitsOf(r)),
      () => undefined,
    );
    return () => void (current = false);
  }, [province]);

  useEffect(() => {
    if (refused) editError.current?.scrollIntoView({ block: 'nearest' });
  }, [refused]);

  const invalidate = () => {
    if (checked) setStatus('Bạn đã đổi lựa chọn: hãy chạy thử lại trước khi ghi.');
    setChecked(null);
  };
  const edited = (text: string) => {
    invalidate();
    setStatus(text);
    setDirty(true);
  };
  const edits: Edits = {
    corrections,
    choices,
    dirty,
    setColumns(sheet, columns) {
      setCorrections({ ...corrections, [sheet]: columns });
      edited('Bạn đã chỉnh cách ghép cột: bấm "Chạy thử lại" để xem kết quả mới trước khi ghi.');
    },
    setChoice(name, code) {
      const next = { ...choices };
      if (code) next[name] = code;
      else delete next[name];
      setChoices(next);
      edited('Bạn đã chọn đơn vị: bấm "Chạy thử lại" để xem kết quả mới trước khi ghi.');
    },
    rerun: () => form.current?.requestSubmit(),
  };

  const fail = (field: HTMLElement | null, message: string) => {
    setStatus(message);
    field?.focus();
  };

  const check = async (e: Event) => {
    e.preventDefault();
    invalidate();
    const req: Request = { province, commune: commune.trim(), files: [...(fileInput.current?.files ?? [])], mapping: corrections, unitChoices: choices };
    if (!req.province) return fail(provinceSel.current, 'Hãy chọn tỉnh, thành phố.');
    if (!req.files.length) return fail(fileInput.current, 'Hãy chọn ít nhất một tệp .csv hoặc .xlsx.');
    const over = overLimits(req.files, limits);
    if (over) return fail(fileInput.current, over);
    setBusy(true);
    setStatus('Đang kiểm tra tệp…');
    try {
      const res = await send(false, req);
      setShown({ kind: 'report', res, committed: false, province: null });
      setRefused(null);
      setDirty(false);
      const { summary } = res;
      const writable = summary.new + summary.updated + summary.unchanged;
      if (writable > 0) {
        setChecked({ req, note: summary.invalid > 0 ? `${num(summary.invalid)} dòng lỗi sẽ bị bỏ qua; các dòng hợp lệ sẽ được ghi.` : null });
        setStatus(`Chạy thử xong: ${num(writable)} dòng hợp lệ, ${num(summary.invalid)} dòng lỗi. Chưa ghi gì — bấm "Ghi vào sổ" để ghi.`);
      } else setStatus('Chạy thử xong: không có dòng hợp lệ nào để ghi. Sửa tệp theo bảng vấn đề rồi thử lại.');
    } catch (err) {
      // a refused correction or choice keeps the tables on screen, so the officer can fix them
      if (err instanceof ApiError && err.code === 'IMPORT_MAPPING_INVALID' && shown?.kind === 'report' && hasEditables(shown.res)) setRefused(err);
      else {
        setShown({ kind: 'error', err });
        setRefused(null);
      }
      setStatus('Kiểm tra không thành công.');
    } finally {
      setBusy(false);
    }
  };

  const commit = async () => {
    if (!checked) return;
    const { req } = checked;
    setChecked(null);
    setBusy(true);
    setStatus('Đang ghi vào sổ…');
    try {
      const res = await send(true, req);
      setShown({ kind: 'report', res, committed: true, province: req.province });
      setRefused(null);
      // the corrections are remembered by the server for files with the same header
      setCorrections({});
      setChoices({});
      setDirty(false);
      setHistory((n) => n + 1);
      setStatus(`Đã ghi vào sổ: ${num(res.summary.new)} mới, ${num(res.summary.updated)} cập nhật, ${num(res.summary.unchanged)} không đổi.`);
    } catch (err) {
      setShown({ kind: 'error', err });
      setRefused(null);
      setStatus('Ghi vào sổ không thành công.');
    } finally {
      setBusy(false);
    }
  };

  const note = checked?.note ?? null;
  return (
    <>
      <PageTitle>Nhập danh sách tổ</PageTitle>
      <p class="lead">Bước 1: chạy thử để xem trước kết quả — chưa ghi gì. Bước 2: nếu đúng, bấm "Ghi vào sổ". Nhập lại cùng tệp không tạo bản trùng.</p>
      <form class="card form" noValidate ref={form} onSubmit={check} aria-busy={busy ? 'true' : 'false'}>
        <div class="field">
          <label for="imp-province">Tỉnh, thành phố</label>
          <select
            id="imp-province"
            name="province"
            required
            ref={provinceSel}
            value={province}
            onChange={(e) => {
              const value = e.currentTarget.value;
              invalidate();
              try {
                localStorage.setItem(STORE, value);
              } catch {
                /* storage disabled */
              }
              setProvince(value);
            }}
          >
            <option value="">— Chọn tỉnh, thành phố —</option>
            {provinces.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="imp-commune">Xã, phường (không bắt buộc)</label>
          <input
            id="imp-commune"
            name="commune"
            type="text"
            list="imp-communes"
            maxLength={100}
            autocomplete="off"
            placeholder="Để trống nếu tệp có cột Xã/phường"
            value={commune}
            onInput={(e) => {
              setCommune(e.currentTarget.value);
              invalidate();
            }}
          />
          <datalist id="imp-communes">
            {communes.map((u) => (
              <option key={u.code} value={u.name} />
            ))}
          </datalist>
          <p class="hint">Chỉ cần khi tệp là danh sách của một xã và không có cột "Xã/phường".</p>
        </div>
        <div class="field">
          <label for="imp-files">Tệp danh sách (.csv hoặc .xlsx, chọn được nhiều tệp)</label>
          <FilePicker
            id="imp-files"
            multiple
            required
            inputRef={fileInput}
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={() => {
              // new files: earlier corrections and choices were made for other columns and names
              setCorrections({});
              setChoices({});
              invalidate();
            }}
          />
          <p class="hint">Cột nên có: Tỉnh, Xã/phường, Huyện cũ (nếu ghi tên xã cũ), Thôn/bản, Họ và tên, Giới tính, Năm sinh, Số điện thoại, Vai trò, Đoàn thể.</p>
        </div>
        <div class="actions commit-row">
          <button type="submit" id="imp-check" disabled={busy}>
            Kiểm tra (chạy thử)
          </button>
          <button type="button" id="imp-commit" class="btn-commit" disabled={busy || !checked} aria-describedby={note ? 'imp-commit-note' : undefined} onClick={commit}>
            Ghi vào sổ
          </button>
          <p class="commit-note" id="imp-commit-note" hidden={!note}>
            {note ?? ''}
          </p>
        </div>
        <p class="form-status" role="status" aria-live="polite">
          {status}
        </p>
      </form>
      <div id="imp-results">
        {refused ? (
          <div class="edit-error" ref={editError}>
            <ErrorView err={refused} />
          </div>
        ) : null}
        {shown?.kind === 'report' ? <ResultView res={shown.res} committed={shown.committed} province={shown.province} edits={shown.committed ? null : edits} /> : null}
        {shown?.kind === 'error' ? <ErrorView err={shown.err} /> : null}
      </div>
      <History version={history} />
    </>
  );
}

/** The roster import page (#/nhap) for the router: upload, dry run, corrections, commit, recent imports. */
export const importPage = page(ImportPage);
