// #/dan-so — population per commune and year (for coverage on the dashboards): an officer uploads
// a CSV or .xlsx with columns like "Mã xã | Tên xã | Năm | Dân số | Số hộ", or pastes rows copied
// from a spreadsheet (sent as a tab-separated file). POST /api/population/import saves every row
// or none; the server's problems are shown row by row.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';
import { num } from '../shared/format.js';
import { vnToday } from '../shared/time.js';
import { api } from './client.js';
import { page } from './mount.js';
import { myUnit } from './session.js';
import { Crumbs, Field, FilePicker, Notice, PageTitle, Table, useLoad } from './ui.js';

type Saved = Endpoints['POST /api/population/import']['response'];
type Problem = Endpoints['POST /api/population/import']['problems'];
type Outcome = { saved: Saved } | { error: string; problems: Problem[] } | null;

function PopulationPage() {
  useEffect(() => void (document.title = 'Ngõ Số — Nhập số dân'), []);
  const unit = useLoad(() => myUnit(), []);
  const thisYear = Number(vnToday().slice(0, 4));
  const file = useRef<HTMLInputElement>(null);
  const [paste, setPaste] = useState('');
  const [year, setYear] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setOutcome(null);
    const chosen = file.current?.files?.[0];
    const text = paste.trim();
    if (!chosen && !text) return setOutcome({ error: 'Hãy chọn tệp số dân, hoặc dán các dòng từ bảng tính.', problems: [] });
    const body = new FormData();
    body.append('file', chosen ?? new Blob([text + '\n'], { type: 'text/tab-separated-values' }), chosen?.name ?? 'dan-so-dan.tsv');
    setBusy(true);
    try {
      const saved = await api.call('POST /api/population/import', { query: { year } }, { body });
      setOutcome({ saved });
      if (file.current) file.current.value = '';
      setPaste('');
    } catch (err) {
      const problems = (err instanceof ApiError && (err.details as { problems?: Problem[] } | undefined)?.problems) || [];
      setOutcome({ error: problems.length ? `Chưa ghi dòng nào: tệp có ${num(problems.length)} lỗi. Hãy sửa các dòng dưới đây rồi gửi lại.` : (err as Error).message, problems });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Crumbs trail={[{ href: '#/hoat-dong', text: 'Hoạt động' }, { text: 'Nhập số dân' }]} />
      <PageTitle>Nhập số dân theo xã, phường</PageTitle>
      <p class="lead">Số dân dùng để tính tỷ lệ người dân được hướng dẫn trên các trang Hoạt động. Số liệu cùng xã, cùng năm được thay bằng số mới. Tệp có dòng lỗi sẽ không được ghi dòng nào.</p>
      <form class="form" id="pop-form" onSubmit={submit}>
        <Field label="Tệp Excel (.xlsx) hoặc CSV" id="pop-file" hint='Dòng tiêu đề cần có cột "Mã xã" (mã 5 chữ số sau 01/07/2025) và "Dân số"; có thể thêm "Tên xã" (để kiểm tra), "Năm", "Số hộ". Cột viết hoa hay không dấu đều được.'>
          <FilePicker id="pop-file" inputRef={file} describedBy="pop-file-hint" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
        </Field>
        <Field label="Hoặc dán các dòng từ bảng tính" id="pop-paste" hint="Chép cả dòng tiêu đề cùng các dòng số liệu từ Excel rồi dán vào đây.">
          <textarea id="pop-paste" rows={6} spellcheck={false} aria-describedby="pop-paste-hint" value={paste} onInput={(e) => setPaste(e.currentTarget.value)} placeholder={'Mã xã\tTên xã\tNăm\tDân số\tSố hộ\n03664\tPhường Chiềng An\t2026\t5.600\t1.400'} />
        </Field>
        <Field label="Năm của số liệu" id="pop-year" hint='Chỉ cần chọn khi tệp không có cột "Năm".'>
          <select id="pop-year" aria-describedby="pop-year-hint" value={year} onChange={(e) => setYear(e.currentTarget.value)}>
            <option value="">— theo cột "Năm" trong tệp —</option>
            {[0, 1, 2, 3].map((i) => (
              <option key={i} value={String(thisYear - i)}>
                {thisYear - i}
              </option>
            ))}
          </select>
        </Field>
        <div class="actions">
          <button type="submit" disabled={busy}>
            Ghi số dân
          </button>
        </div>
        <p class="form-status" role="status">
          {busy ? 'Đang kiểm tra và ghi…' : ''}
        </p>
      </form>
      <div class="result" aria-live="polite">
        {outcome && 'saved' in outcome ? (
          <>
            <Notice kind="ok">{`Đã ghi số dân của ${num(outcome.saved.saved)} xã, phường từ "${outcome.saved.fileName}".`}</Notice>
            <Table
              class="population stack"
              columns={['Dòng', 'Mã xã', 'Xã, phường', 'Năm', { text: 'Dân số', class: 'num' }, { text: 'Số hộ', class: 'num' }]}
              rows={outcome.saved.rows.map((row) => [String(row.line), row.unit, <a href={`#/hoat-dong?unit=${row.unit}&period=year&date=${row.year}-01-01`}>{row.name}</a>, String(row.year), num(row.population), row.households === null ? '' : num(row.households)])}
            />
          </>
        ) : null}
        {outcome && 'error' in outcome ? (
          <>
            <Notice kind="error">{outcome.error}</Notice>
            {outcome.problems.length ? <Table class="problems stack" columns={['Dòng', 'Cột', 'Lỗi và cách sửa']} rows={outcome.problems.map((p) => ({ class: 'sev-error', cells: [String(p.row), p.column ?? '', p.message] }))} /> : null}
          </>
        ) : null}
      </div>
      {unit.data ? (
        <p>
          <a href={`#/hoat-dong?unit=${unit.data.code}`}>{`← Hoạt động của ${unit.data.name}`}</a>
        </p>
      ) : null}
    </>
  );
}

export const populationPage = page(PopulationPage);
