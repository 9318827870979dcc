/**
 * Pages on Preact inside the router of `app.js`: `page(Component)` gives the router the page
 * function it calls with the view element, the route's matches and the query. The page that was
 * showing is unmounted first (its effects and timers end with it).
 */
import type { FunctionComponent } from 'preact';
import { render } from 'preact';

export interface PageProps {
  /** the route's regular-expression groups ("#/to/12" → ["12"]) */
  match: string[];
  query: URLSearchParams;
}

let mounted: Element | null = null;

/** Unmounts the Preact page showing, if any (the router calls it before every navigation). */
export function unmountPage(): void {
  if (mounted) render(null, mounted);
  mounted = null;
}

export function page(Component: FunctionComponent<PageProps>): (view: Element, match: string[], query: URLSearchParams) => void {
  return (view, match, query) => {
    unmountPage();
    render(<Component match={match} query={query} />, view);
    mounted = view;
  };
}
