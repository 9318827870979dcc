/**
 * The page's side of the "Chỉ đạo" screen: the hash "#chi-dao" shows it; its code is a separate
 * bundle (/field/directives.js, precached by the service worker, so it opens offline too), loaded
 * the first time and mounted into its own element.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

type Mount = { mount(root: HTMLElement, userId: number): () => void; sendPending(userId: number): Promise<number> };
let loading: Promise<Mount> | null = null;
const load = () =>
  (loading ??= new Promise<Mount>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/field/directives.js';
    s.onload = () => resolve((window as unknown as { ngosoDirectives: Mount }).ngosoDirectives);
    s.onerror = () => ((loading = null), reject(new Error('Không tải được phần Chỉ đạo; hãy thử lại khi có mạng.')));
    document.head.append(s);
  }));

/** Whether the hash names the directives screen, following hash changes. */
export function useDirectivesRoute(): boolean {
  const [on, setOn] = useState(() => location.hash.startsWith('#chi-dao'));
  useEffect(() => {
    const f = () => setOn(location.hash.startsWith('#chi-dao'));
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return on;
}

export function DirectivesScreen({ userId }: { userId: number }) {
  const root = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    load().then((m) => !gone && root.current && (stop = m.mount(root.current, userId)), (e: Error) => setProblem(e.message));
    return () => ((gone = true), stop?.());
  }, [userId]);
  return (
    <>
      {problem && <p class="msg">{problem}</p>}
      <div id="directives-root" ref={root} />
    </>
  );
}

/**
 * How many of the account's acknowledgements wait on the phone (the screen's outbox, store.ts), read
 * with the browser's own IndexedDB so the page needs no more code; opened at the version and with
 * the stores the screen makes.
 */
export function pendingAcks(userId: number): Promise<number> {
  return new Promise((resolve) => {
    const req = indexedDB.open('ngoso-directives', 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('inbox');
      req.result.createObjectStore('outbox', { keyPath: 'id' });
    };
    req.onerror = () => resolve(0);
    req.onsuccess = () => {
      const all = req.result.transaction('outbox').objectStore('outbox').getAll();
      all.onsuccess = () => (resolve((all.result as { userId: number; status: string }[]).filter((o) => o.userId === userId && o.status === 'pending').length), req.result.close());
      all.onerror = () => (resolve(0), req.result.close());
    };
  });
}

/** Sends the account's waiting acknowledgements (loading the screen's code if needed): on start and whenever the network returns, wherever the user is in the app. */
export async function sendPendingAcks(userId: number): Promise<number> {
  if (!navigator.onLine || (await pendingAcks(userId)) === 0) return 0;
  return (await load()).sendPending(userId);
}
