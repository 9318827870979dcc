// The officer's corrections in a dry run's report: the column mapping of each sheet (a select per
// header column) and the "which unit did you mean" questions, including one per village of an old
// commune split between several new ones. Both are sent with the next dry run and the commit.
import type { FileReport, SheetReport, UnitQuestion } from '../../imports/imports.report.js';
import { columnLetter, FIELDS, type Field } from '../../imports/imports.labels.js';
import { num } from '../shared/format.js';
import { Table } from './ui.js';

/** A sheet's column mapping as corrected: column index (as text) → field, or null to ignore the column. */
export type SheetColumns = Record<string, Field | null>;

/**
 * The edits of a dry run's report: the corrections per sheet name and the unit chosen per name
 * (both sent with the next run), whether anything changed since the report came, and how to
 * re-run. Null for a committed report (shown as text).
 */
export interface Edits {
  corrections: Record<string, SheetColumns>;
  choices: Record<string, string>;
  dirty: boolean;
  setColumns: (sheet: string, columns: SheetColumns) => void;
  setChoice: (name: string, code: string) => void;
  rerun: () => void;
}

const FIELD_LIST = Object.entries(FIELDS) as [Field, string][];

/** "Chạy thử lại với các chỉnh sửa": shown once the officer changed something. */
export function RerunButton({ edits }: { edits: Edits | null }) {
  if (!edits) return null;
  return (
    <button type="button" class="rerun" hidden={!edits.dirty} onClick={edits.rerun}>
      Chạy thử lại với các chỉnh sửa
    </button>
  );
}

/**
 * One sheet's column mapping as a table: column letter, header cell, and the field it maps to —
 * a <select> after a dry run (a change records a correction for the next run; one field per
 * column, so choosing a field another column had takes it from that column), text after a commit.
 * `idPrefix` keeps the selects' ids apart between files and sheets.
 */
export function MappingTable({ s, edits, idPrefix }: { s: SheetReport; edits: Edits | null; idPrefix: string }) {
  const columns = s.columns ?? [];
  const edited = edits?.corrections[s.name];
  const valueOf = (index: number): Field | null => (edited && String(index) in edited ? edited[String(index)] : (columns.find((c) => c.index === index)?.field ?? null));
  const change = (index: number, value: Field | null) => {
    if (!edits) return;
    const next: SheetColumns = {};
    for (const c of columns) {
      const v = c.index === index ? value : valueOf(c.index);
      next[String(c.index)] = value && c.index !== index && v === value ? null : v;
    }
    edits.setColumns(s.name, next);
  };
  return (
    <Table
      class="mapping mapping-table stack"
      columns={[{ text: 'Cột', class: 'col-letter' }, 'Tiêu đề trong tệp', 'Ghép với']}
      rows={columns.map((c) => {
        const field = edits ? valueOf(c.index) : c.field;
        const control = edits ? (
          <select
            id={`${idPrefix}-${c.index}`}
            class="map-field"
            data-sheet={s.name}
            data-column={String(c.index)}
            aria-label={`Cột ${columnLetter(c.index)} "${c.header || 'không có tiêu đề'}" ghép với`}
            value={field ?? ''}
            onChange={(e) => change(c.index, (e.currentTarget.value || null) as Field | null)}
          >
            <option value="">— Bỏ qua cột này —</option>
            {FIELD_LIST.map(([f, label]) => (
              <option key={f} value={f}>
                {label}
              </option>
            ))}
          </select>
        ) : c.field ? (
          <strong>{FIELDS[c.field] ?? c.field}</strong>
        ) : (
          <span class="muted">Bỏ qua</span>
        );
        return { key: c.index, class: c.field ? 'mapped' : 'unmapped', cells: [columnLetter(c.index), c.header || <span class="muted">(trống)</span>, control] };
      })}
    />
  );
}

/** A sheet's mapping when the report lists no columns (an older answer): "header" → field, as a list. */
export function MappingList({ s }: { s: SheetReport }) {
  const mapped = Object.entries(s.mapping) as [Field, string][];
  if (!mapped.length) return null;
  return (
    <ul class="mapping">
      {mapped.map(([f, col]) => (
        <li key={f}>
          <span class="col">{`"${col}"`}</span>
          {' → '}
          <strong>{FIELDS[f] ?? f}</strong>
        </li>
      ))}
    </ul>
  );
}

/** A question's name: "Xã Chiềng Bôm › Bản Bó" (a village of a split old commune) shows commune and village apart. */
function QuestionLabel({ q }: { q: UnitQuestion }) {
  const [commune, village] = q.name.split(' › ');
  if (!village) return <>{`"${q.name}" (${num(q.rowCount)} dòng, ${q.province})`}</>;
  return (
    <>
      {'Thôn, bản '}
      <strong class="q-village">{`"${village}"`}</strong>
      {' của '}
      <strong class="q-commune">{commune}</strong>
      {' (xã cũ)'}
      {` (${num(q.rowCount)} dòng, ${q.province})`}
    </>
  );
}

/**
 * The names of communes (or villages of a split old commune) that did not resolve, each with a
 * <select> of the units it may mean; disabled after a commit. `idPrefix` keeps ids apart between files.
 */
export function UnitQuestions({ r, edits, idPrefix }: { r: FileReport; edits: Edits | null; idPrefix: string }) {
  return (
    <section class="unit-questions">
      <h5>{`Tên xã/phường cần chọn đơn vị (${num(r.unitQuestions.length)})`}</h5>
      <p class="hint">Tên dưới đây ứng với nhiều đơn vị, hoặc không khớp đơn vị nào. Chọn đơn vị đúng rồi bấm "Chạy thử lại".</p>
      {r.unitQuestions.map((q, i) => {
        const id = `${idPrefix}-${i}`;
        const split = q.name.includes(' › ');
        return (
          <div class={split ? 'field unit-question unit-question-village' : 'field unit-question'} key={q.name}>
            <label for={id}>
              <QuestionLabel q={q} />
            </label>
            {split ? <p class="hint">Xã cũ này được chia cho nhiều xã mới: chọn xã mới mà thôn, bản này thuộc về.</p> : null}
            <p class="hint">{q.message}</p>
            <select id={id} class="unit-choice" data-name={q.name} disabled={!edits} value={edits?.choices[q.name] ?? q.chosen ?? ''} onChange={(e) => edits?.setChoice(q.name, e.currentTarget.value)}>
              <option value="">— Chọn đơn vị —</option>
              {q.candidates.map((c) => (
                <option key={c.code} value={c.code}>
                  {`${c.name} (mã ${c.code})${c.note ? ` — ${c.note}` : ''}`}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </section>
  );
}
