/**
 * Download links of the report pages. A file such as the roster in the official form takes the
 * server seconds to make, so a plain link showed nothing meanwhile (issue 11). The link keeps its
 * address (it still opens in a new tab, and the tests read it), but a click fetches the file
 * (same origin, session cookie), says "Đang tạo tệp…" in a status line while the link is marked
 * disabled, then saves the file under the name of its Content-Disposition; a refusal shows the
 * server's Vietnamese message. Saving goes through a blob: link with `download`, which the strict
 * CSP allows (no script, style or frame is loaded from it).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './client.js';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'error'; message: string };

/** Saves `blob` as a file named `name` (the browser's download, no navigation). */
export function saveFile(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // some browsers read the blob after the click returns
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/**
 * A download link (`href`, a same-origin API path) shown as a secondary button. `fileName` is the
 * name used when the answer names none. While the file is made the link is aria-disabled and a
 * status line says so; an error is announced (role alert) under the link until the next try.
 */
export function DownloadLink({ href, fileName, title, small, children }: { href: string; fileName?: string; title?: string; small?: boolean; children: ComponentChildren }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  const busy = state.kind === 'busy';

  const click = async (e: MouseEvent) => {
    // a new tab or window asked for (ctrl, cmd, shift, middle button): the browser's own download
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (busy) return;
    setState({ kind: 'busy' });
    try {
      const file = await api.file(href);
      saveFile(file.blob, file.fileName ?? fileName ?? fallbackName(href));
      if (alive.current) setState({ kind: 'idle' });
    } catch (err) {
      if (alive.current) setState({ kind: 'error', message: (err as Error).message || 'Không tạo được tệp.' });
    }
  };

  return (
    <span class={`download${small ? ' download-small' : ''}`}>
      <a class={`btn btn-secondary${small ? ' btn-small' : ''}`} href={href} download={fileName ?? ''} title={title} aria-disabled={busy ? 'true' : undefined} onClick={click}>
        {children}
      </a>
      <span class="download-status" role="status">
        {busy ? 'Đang tạo tệp…' : ''}
      </span>
      {state.kind === 'error' ? (
        <span class="download-error error-text" role="alert">
          {state.message}
        </span>
      ) : null}
    </span>
  );
}

/** "bao-cao.csv" from "/api/reports/network?unit=14&format=csv" when the server names no file. */
function fallbackName(href: string): string {
  const u = new URL(href, location.href);
  const ext = u.searchParams.get('format') ?? 'xlsx';
  return `${u.pathname.split('/').pop() || 'tep'}.${ext}`;
}
