/**
 * The page's side of the screens loaded on demand: "Chỉ đạo" (hash "#chi-dao", /field/directives.js)
 * and "Người dân nhờ hỗ trợ" (hash "#ho-tro", /field/help.js). Each is a separate bundle, precached
 * by the service worker so it opens offline too, loaded the first time and mounted into its own element.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

type Mount = { mount(root: HTMLElement, userId: number): () => void; sendPending(userId: number): Promise<number> };
type Part = 'directives' | 'help';
const loading: Partial<Record<Part, Promise<Mount>>> = {};
const load = (part: Part = 'directives') =>
  (loading[part] ??= new Promise<Mount>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = `/field/${part}.js`;
    s.onload = () => resolve((window as unknown as Record<string, Mount>)[`ngoso_${part}`]);
    s.onerror = () => ((loading[part] = undefined), reject(new Error('Không tải được phần này; hãy thử lại khi có mạng.')));
    document.head.append(s);
  }));

/** Which on-demand screen the hash names (null: none), following hash changes. */
export function useDemandRoute(): Part | null {
  const of = () => (location.hash.startsWith('#chi-dao') ? 'directives' : location.hash.startsWith('#ho-tro') ? 'help' : null);
  const [on, setOn] = useState<Part | null>(of);
  useEffect(() => {
    const f = () => setOn(of());
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return on;
}

export function DemandScreen({ part, userId }: { part: Part; userId: number }) {
  const root = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    load(part).then((m) => !gone && root.current && (stop = m.mount(root.current, userId)), (e: Error) => setProblem(e.message));
    return () => ((gone = true), stop?.());
  }, [part, userId]);
  return (
    <>
      {problem && <p class="msg">{problem}</p>}
      <div id={`${part}-root`} key={part} ref={root} />
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
