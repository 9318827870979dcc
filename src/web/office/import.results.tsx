// The answer of POST /api/imports on the import page: per file the shape understood, the counts,
// the column mapping (editable after a dry run), the unit questions, what gets created, the
// problems, and the rows (in a closed <details>, so twelve files do not make an endless page).
import { Fragment } from 'preact';
import type { FileFailure, FileReport, ImportAnswer, Outcome } from '../../imports/imports.report.js';
import { OUTCOMES } from '../../imports/imports.labels.js';
import { ApiError } from '../shared/api.js';
import { num } from '../shared/format.js';
import { type Edits, MappingList, MappingTable, RerunButton, UnitQuestions } from './import.mapping.js';
import { ShapeView } from './import.shape.js';
import { Notice, Table } from './ui.js';

/** Problems shown per file; the rest are counted in the caption. */
const MAX_PROBLEMS = 300;
/** Rows shown per file in "Chi tiết từng dòng". */
const MAX_ROWS = 1000;

const OUTCOME_KEYS = Object.keys(OUTCOMES) as Outcome[];

/** "Mới 7 · Cập nhật 0 · Không đổi 0 · Lỗi 1" */
const countsText = (c: Record<Outcome, number>) => OUTCOME_KEYS.map((k) => `${OUTCOMES[k]} ${num(c[k])}`).join(' · ');

/** A report in an error's details (a file without valid rows, refused on commit), or null. */
function reportIn(details: unknown): FileReport | null {
  return details && typeof details === 'object' && 'counts' in details ? (details as FileReport) : null;
}

/** The count boxes of one file: new, updated, unchanged, invalid. */
function Stats({ counts }: { counts: Record<Outcome, number> }) {
  return (
    <div class="stats" role="group" aria-label="Số dòng theo kết quả">
      {OUTCOME_KEYS.map((k) => (
        <div class={`stat stat-${k}`} data-count={k} key={k}>
          <span class="stat-value">{num(counts[k])}</span>
          <span class="stat-label">{OUTCOMES[k]}</span>
        </div>
      ))}
    </div>
  );
}

/** The problems of a file, the first MAX_PROBLEMS of them. */
function Problems({ problems }: { problems: FileReport['problems'] }) {
  return (
    <>
      <h5>{`Vấn đề cần xem (${num(problems.length)})`}</h5>
      <Table
        caption={problems.length > MAX_PROBLEMS ? `Hiện ${num(MAX_PROBLEMS)}/${num(problems.length)} vấn đề đầu tiên` : undefined}
        class="problems stack"
        columns={['Trang tính', { text: 'Dòng', class: 'num' }, 'Cột', 'Vấn đề', 'Gợi ý']}
        rows={problems.slice(0, MAX_PROBLEMS).map((p) => ({
          class: `sev-${p.severity}`,
          cells: [
            p.sheet,
            p.row ? num(p.row) : 'cả tệp',
            p.column || '—',
            <span>
              <span class={`badge badge-${p.severity}`}>{p.severity === 'error' ? 'Lỗi' : 'Cảnh báo'}</span> {p.message}
            </span>,
            p.suggestion ?? '',
          ],
        }))}
      />
    </>
  );
}

/** "Chi tiết từng dòng (N)": every row's outcome, folded. */
function Rows({ rows }: { rows: FileReport['rows'] }) {
  return (
    <details class="rows">
      <summary>{`Chi tiết từng dòng (${num(rows.length)})`}</summary>
      <Table
        caption={rows.length > MAX_ROWS ? `Hiện ${num(MAX_ROWS)}/${num(rows.length)} dòng đầu tiên` : undefined}
        columns={[{ text: 'Dòng', class: 'num' }, 'Họ và tên', 'Tổ', 'Kết quả', 'Thay đổi']}
        rows={rows.slice(0, MAX_ROWS).map((x) => ({ class: `out-${x.outcome}`, cells: [num(x.row), x.fullName || '—', x.team ?? '', OUTCOMES[x.outcome] ?? x.outcome, (x.changes ?? []).join('; ')] }))}
      />
    </details>
  );
}

/** What the commit creates (or created): villages and teams. */
function Created({ created, committed }: { created: FileReport['created']; committed: boolean }) {
  const { villages, teams } = created;
  if (!villages.length && !teams.length) return null;
  return (
    <>
      <h5>{committed ? 'Đã tạo mới' : 'Sẽ tạo mới'}</h5>
      <div class="created">
        {villages.length ? (
          <div>
            <p class="created-h">{`Thôn, bản (${num(villages.length)})`}</p>
            <ul>
              {villages.map((v, i) => (
                <li key={i}>{v}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {teams.length ? (
          <div>
            <p class="created-h">{`Tổ (${num(teams.length)})`}</p>
            <ul>
              {teams.map((t, i) => (
                <li key={i}>{t}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </>
  );
}

/**
 * One file's report: the shape understood (communes → teams), counts, column mapping per sheet
 * (editable when `edits` is given), unit questions, what gets created, problems, row details.
 * `bare` leaves out the card and its heading (inside an error's card). `at` names the file's
 * place in the answer, for the ids of its controls.
 */
export function FileView({ r, committed, bare = false, edits = null, at = 0 }: { r: FileReport; committed: boolean; bare?: boolean; edits?: Edits | null; at?: number }) {
  const named = r.sheets.length > 1 || r.format === 'xlsx';
  const parts = (
    <>
      {r.shape ? <ShapeView r={r} /> : null}
      <Stats counts={r.counts} />
      {r.sheets.map((s, i) => (
        <Fragment key={s.name}>
          <h5>
            {named ? `Trang tính "${s.name}": ` : ''}
            {s.headerRow ? `Cột tìm thấy (hàng tiêu đề số ${s.headerRow})` : 'Không tìm thấy hàng tiêu đề'}
          </h5>
          {s.mappingNote ? <Notice kind="info">{s.mappingNote}</Notice> : null}
          {s.columns?.length ? (
            <div class="mapping-edit" data-sheet={s.name}>
              {edits ? <p class="hint">Nếu cột nào ghép sai, chọn lại ở cột "Ghép với" rồi bấm "Chạy thử lại". Cách ghép đã chỉnh được lưu khi ghi vào sổ và tự dùng cho các tệp sau có cùng hàng tiêu đề.</p> : null}
              <MappingTable s={s} edits={edits} idPrefix={`map-${at}-${i}`} />
              <RerunButton edits={edits} />
            </div>
          ) : (
            <MappingList s={s} />
          )}
          {!s.columns?.length && s.ignored?.length ? <p class="hint">{`Cột bỏ qua: ${s.ignored.join(', ')}`}</p> : null}
        </Fragment>
      ))}
      {r.unitQuestions?.length ? (
        <>
          <UnitQuestions r={r} edits={committed ? null : edits} idPrefix={`unit-${at}`} />
          <RerunButton edits={edits} />
        </>
      ) : null}
      <Created created={r.created} committed={committed} />
      {r.problems.length ? <Problems problems={r.problems} /> : r.rows.length ? <Notice kind="ok">Không có vấn đề nào.</Notice> : null}
      {r.rows.length ? <Rows rows={r.rows} /> : null}
    </>
  );
  if (bare) return <div>{parts}</div>;
  return (
    <article class="file-report card" data-file={r.fileName}>
      <h4>
        {r.fileName} <span class="badge">{r.format.toUpperCase()}</span>
        {committed && r.committed ? <span class="badge badge-ok">Đã ghi</span> : null}
      </h4>
      {parts}
    </article>
  );
}

/** A file of a several-file upload that could not be imported: its message, and its report when it was read. */
function FailedFile({ f }: { f: FileFailure }) {
  const report = reportIn(f.error.details);
  return (
    <article class="file-report card">
      <h4>{f.fileName}</h4>
      <Notice kind="error">{f.error.message}</Notice>
      {report ? <FileView r={report} committed={false} bare /> : null}
    </article>
  );
}

/**
 * The answer of a dry run (`committed` false; `edits` makes its mapping and questions editable)
 * or of a commit (with a link to the province's report).
 */
export function ResultView({ res, committed, province, edits = null }: { res: ImportAnswer; committed: boolean; province?: string | null; edits?: Edits | null }) {
  const { summary } = res;
  return (
    <section aria-labelledby="imp-res-h" class={committed ? 'result committed' : 'result'}>
      <h3 id="imp-res-h">{committed ? 'Kết quả ghi vào sổ' : 'Kết quả chạy thử (chưa ghi gì)'}</h3>
      {committed ? (
        <Notice kind="ok">
          {`Đã ghi ${num(summary.files - summary.failed)}/${num(summary.files)} tệp vào sổ. `}
          {province ? <a href={`#/bao-cao/${province}`}>Xem báo cáo của tỉnh</a> : null}
        </Notice>
      ) : null}
      {summary.files > 1 ? <p>{`Tổng ${num(summary.files)} tệp: ${countsText(summary)}${summary.failed ? `; ${num(summary.failed)} tệp không đọc được` : ''}`}</p> : null}
      {res.files.map((f, i) => ('error' in f ? <FailedFile f={f} key={i} /> : <FileView r={f} committed={committed} edits={committed ? null : edits} at={i} key={i} />))}
    </section>
  );
}

/** A failed request: the server's message ("Lỗi 422: …"); for a single file refused on commit, also its report. */
export function ErrorView({ err }: { err: unknown }) {
  const e = err as { status?: number; message?: string; details?: unknown } | null;
  const message = err instanceof ApiError ? err.message : String(e?.message ?? err);
  const report = reportIn(e?.details);
  return (
    <div>
      <Notice kind="error">
        <strong>{e?.status ? `Lỗi ${e.status}: ` : 'Lỗi: '}</strong>
        {message}
      </Notice>
      {report ? <FileView r={report} committed={false} /> : null}
    </div>
  );
}
