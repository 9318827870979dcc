/**
 * The office UI's small components, on Preact. Data reaches the page only as text or attribute
 * values (Preact escapes both; nothing uses dangerouslySetInnerHTML), so names and free text from
 * rosters cannot inject markup. Styles are classes of /styles.css: the strict CSP allows no inline
 * style.
 */
import type { ComponentChildren, JSX, RefObject } from 'preact';
import { useEffect, useReducer, useState } from 'preact/hooks';
import { ApiError } from '../shared/api.js';
import { type MyUnit, myUnit } from './session.js';

/** A message box: errors are announced to screen readers (role alert), the others politely. */
export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export const Loading = ({ what = 'Đang tải…' }: { what?: string }) => (
  <p class="loading" role="status">
    {what}
  </p>
);

/** The page's heading: focused after navigation (by the router), so keyboard and screen-reader users start there. */
export const PageTitle = ({ children }: { children: ComponentChildren }) => <h2 tabIndex={-1}>{children}</h2>;

/** Breadcrumbs: links, the last entry is the current page. */
export function Crumbs({ trail }: { trail: { href?: string; text: string }[] }) {
  return (
    <nav class="crumbs" aria-label="Vị trí">
      <ol>
        {trail.map((c, i) => (
          <li key={i}>{c.href && i < trail.length - 1 ? <a href={c.href}>{c.text}</a> : <span aria-current="page">{c.text}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

export type Column = string | { text: string; class?: string };

/**
 * A table inside a horizontally scrolling wrapper. Each cell carries its column's name
 * (data-label), so narrow screens can show rows as labelled cards (CSS `.stack`). `rows` are
 * arrays of cells, or `{ cells, class }`.
 */
export function Table({ caption, columns, rows, class: cls, id }: { caption?: string; columns: Column[]; rows: (ComponentChildren[] | { cells: ComponentChildren[]; class?: string; key?: string | number })[]; class?: string; id?: string }) {
  const labels = columns.map((c) => (typeof c === 'string' ? c : c.text));
  return (
    <div class="table-wrap">
      <table class={cls} id={id}>
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" class={typeof c === 'string' ? undefined : c.class}>
                {labels[i]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const row = Array.isArray(r) ? { cells: r } : r;
            return (
              <tr key={'key' in row ? row.key ?? i : i} class={'class' in row ? row.class : undefined}>
                {row.cells.map((cell, j) => (
                  <td key={j} data-label={labels[j] ?? ''} class={typeof columns[j] === 'string' ? undefined : (columns[j] as { class?: string }).class}>
                    {cell}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The header row of a table of figures: the first column names the row, the others are numbers (right-aligned). */
export function NumberTableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={c} scope="col" class={i ? 'num' : undefined}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A labelled form field; the hint is tied to the control by aria-describedby (the control's id + "-hint"). */
export function Field({ label, id, hint, children }: { label: string; id: string; hint?: ComponentChildren; children: JSX.Element }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The state of a load: its data, or its error, or neither while it runs. */
export type Loaded<T> = { data: T; error: null; loading: false } | { data: null; error: ApiError | Error; loading: false } | { data: null; error: null; loading: true };

/**
 * Runs `load` when the component mounts and whenever `deps` change, and keeps the latest answer
 * (an answer that arrives after a newer request started is dropped).
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: true });
  useEffect(() => {
    let current = true;
    setState({ data: null, error: null, loading: true });
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: Error) => current && setState({ data: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return state;
}

/**
 * A page of a unit outside the user's scope (403 OUT_OF_SCOPE): says so plainly, with the
 * server's message, and points to the user's own unit (its report and its teams).
 */
export function OutOfScope({ message }: { message: string }) {
  const [unit, setUnit] = useState<MyUnit | null>(null);
  useEffect(() => {
    document.title = 'Ngõ Số — Ngoài phạm vi';
    let current = true;
    myUnit().then((u) => current && setUnit(u));
    return () => void (current = false);
  }, []);
  return (
    <>
      <PageTitle>Ngoài phạm vi được giao</PageTitle>
      <Notice kind="error">
        <strong>Trang này ngoài phạm vi tài khoản của bạn. </strong>
        {message}
      </Notice>
      <p class="muted">Mỗi tài khoản chỉ xem và sửa được số liệu của đơn vị mình phụ trách. Lần truy cập này đã được ghi vào nhật ký.</p>
      {unit ? (
        <div class="actions">
          <a class="btn" href={`#/bao-cao/${unit.code}`}>{`Báo cáo của ${unit.name}`}</a>
          <a class="btn btn-secondary" href={`#/don-vi/${unit.code}`}>{`Tổ ở ${unit.name}`}</a>
        </div>
      ) : null}
    </>
  );
}

/** A page that could not load: the server's message (a refusal of scope says so plainly: OutOfScope). */
export function LoadError({ error, title = 'Không tải được trang' }: { error: Error; title?: string }) {
  if (error instanceof ApiError && error.code === 'OUT_OF_SCOPE') return <OutOfScope message={error.message} />;
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Notice kind="error">{error.message || 'Có lỗi khi tải trang.'}</Notice>
    </>
  );
}

/**
 * A file picker that reads Vietnamese whatever the browser's language: the native input (still the
 * control, reachable by keyboard and by tests through its id) is visually hidden behind a "Chọn
 * tệp…" button and the names of the chosen files ("Chưa chọn tệp nào" before). The parent keeps
 * the input in `inputRef`; clearing its value shows the empty state at the next render.
 */
export function FilePicker({ id, inputRef, multiple, required, accept, describedBy, onChange }: { id: string; inputRef: RefObject<HTMLInputElement>; multiple?: boolean; required?: boolean; accept: string; describedBy?: string; onChange?: () => void }) {
  const [, changed] = useReducer((n: number) => n + 1, 0);
  const names = Array.from(inputRef.current?.files ?? []).map((f) => f.name);
  return (
    <div class="file-picker">
      <input
        id={id}
        name={id}
        type="file"
        class="visually-hidden"
        ref={inputRef}
        multiple={multiple}
        required={required}
        accept={accept}
        aria-describedby={describedBy}
        onChange={() => {
          changed(0);
          onChange?.();
        }}
      />
      <label for={id} class="btn btn-secondary file-button" aria-hidden="true">
        Chọn tệp…
      </label>
      <span class="file-names" aria-live="polite">
        {names.length ? (names.length > 1 ? `${names.length} tệp: ${names.join(', ')}` : names[0]) : multiple ? 'Chưa chọn tệp nào' : 'Chưa chọn tệp'}
      </span>
    </div>
  );
}
