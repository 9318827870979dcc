/**
 * The page's side of the "Chỉ đạo" screen: the hash "#chi-dao" shows it; its code is a separate
 * bundle (/field/directives.js, precached by the service worker, so it opens offline too), loaded
 * the first time and mounted into its own element.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

type Mount = { mount(root: HTMLElement, userId: number): () => void };
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
