// Hash router and page shell. Routes:
//   #/                 provinces          #/don-vi/CODE   a unit: child units and teams
//   #/to/ID            a team's members   #/to-cua-toi    the signed-in leader's or member's team
//   #/don-vi/CODE/thon a commune's villages (officers)   #/trung-lap?xa=CODE  possible duplicate people of a commune
//   #/tim?q=…          search             #/nhap          roster import
//   #/bao-cao[/CODE]   network report     #/tai-khoan     accounts          #/nhat-ky?don-vi=CODE  audit log
//   #/hoat-dong?unit=CODE|team=ID|member=ID[&period=…&date=…|&from=…&to=…]  support dashboards   #/dan-so  population import
//   #/xem-xet          sessions kept for the officer's review (phone clocks)
//   #/cong-dong        the residents' portal: articles, moderation   #/cong-dong/bai/moi|ID  the editor
//   #/ho-tro           residents' help requests and their response times
//   #/chi-dao          directives   #/chi-dao/moi  issue one   #/chi-dao/ID[?xa=CODE]  its live board
//   #/toan-quoc        the national replication (administrators: province servers → national server)
//   #/khoi-tao         first-run setup    #/dang-nhap     sign in           #/doi-mat-khau  change password
// The catalogue is public; every other page needs a signed-in user of the right role. A page that
// needs signing in sends the visitor to #/dang-nhap?tiep=PAGE and comes back after.
// A page is a function (view, match, query): a Preact page made by `page()` (mount.tsx), or a
// legacy page that fills `view` with DOM and may throw; the router unmounts the previous page.
import type { ComponentChildren, VNode } from 'preact';
import { render } from 'preact';
import type { Role } from '../../access/access.policy.js';
import type { ApiError } from '../shared/api.js';
import { accountsPage } from './accounts.js';
import { auditPage } from './audit.js';
import { changePasswordPage, setupPage, signInPage } from './auth.js';
import { homePage, unitPage } from './browse.js';
import { dashboardPage } from './dashboard.js';
import { duplicatesPage } from './duplicates.js';
import { flash, takeFlash } from './flash.js';
import { importPage } from './import.js';
import { unmountPage } from './mount.js';
import { populationPage } from './population.js';
import { reportPage } from './report.js';
import { reviewPage } from './review.js';
import { articlePage, portalPage } from './portal.js';
import { helpPage } from './help.js';
import { directiveBoardPage } from './directive.board.js';
import { directiveFormPage, directivesPage } from './directives.js';
import { trainingBoardPage } from './training.board.js';
import { trainingFormPage } from './training.form.js';
import { trainingsPage } from './trainings.js';
import { searchPage } from './search.js';
import { nationalPage } from './national.js';
import { myTeamPage, teamPage } from './team.js';
import { villagesPage } from './villages.js';
import { clear, EVERYONE, loadSession, OFFICERS, probeSession, READERS, session, signOut, TEAM_ROLES } from './session.js';
import { Notice, OutOfScope } from './ui.js';

/** A page as the router calls it: may render synchronously (Preact) or fill `view` and resolve (legacy). */
type PageFn = (view: HTMLElement, match: [string], query: URLSearchParams) => unknown;
type Nav = 'units' | 'my-team' | 'import' | 'report' | 'activity' | 'trainings' | 'directives' | 'portal' | 'help' | 'review' | 'accounts' | 'audit';
interface Route {
  re: RegExp;
  page: PageFn;
  nav?: Nav;
  /** who may open it; none: everyone, signed in or not */
  roles?: readonly Role[];
}

const routes: Route[] = [
  { re: /^$/, page: homePage, nav: 'units' },
  { re: /^don-vi\/([\d.]+)$/, page: unitPage, nav: 'units' },
  { re: /^don-vi\/(\d+)\/thon$/, page: villagesPage, nav: 'units', roles: OFFICERS },
  { re: /^trung-lap$/, page: duplicatesPage, nav: 'units', roles: READERS },
  { re: /^to\/(\d+)$/, page: teamPage, nav: 'units', roles: EVERYONE },
  { re: /^to-cua-toi$/, page: myTeamPage, nav: 'my-team', roles: TEAM_ROLES },
  { re: /^tim$/, page: searchPage },
  { re: /^nhap$/, page: importPage, nav: 'import', roles: OFFICERS },
  { re: /^bao-cao(?:\/([\d.]+))?$/, page: reportPage, nav: 'report', roles: READERS },
  { re: /^hoat-dong$/, page: dashboardPage, nav: 'activity', roles: EVERYONE },
  { re: /^dan-so$/, page: populationPage, nav: 'activity', roles: OFFICERS },
  { re: /^tap-huan$/, page: trainingsPage, nav: 'trainings', roles: EVERYONE },
  { re: /^tap-huan\/moi$/, page: trainingFormPage, nav: 'trainings', roles: OFFICERS },
  { re: /^tap-huan\/(\d+)\/sua$/, page: trainingFormPage, nav: 'trainings', roles: OFFICERS },
  { re: /^tap-huan\/(\d+)$/, page: trainingBoardPage, nav: 'trainings', roles: EVERYONE },
  { re: /^chi-dao$/, page: directivesPage, nav: 'directives', roles: EVERYONE },
  { re: /^chi-dao\/moi$/, page: directiveFormPage, nav: 'directives', roles: OFFICERS },
  { re: /^chi-dao\/(\d+)$/, page: directiveBoardPage, nav: 'directives', roles: EVERYONE },
  { re: /^cong-dong$/, page: portalPage, nav: 'portal', roles: OFFICERS },
  { re: /^cong-dong\/bai\/moi$/, page: articlePage, nav: 'portal', roles: OFFICERS },
  { re: /^cong-dong\/bai\/(\d+)$/, page: articlePage, nav: 'portal', roles: OFFICERS },
  { re: /^ho-tro$/, page: helpPage, nav: 'help', roles: READERS },
  { re: /^xem-xet$/, page: reviewPage, nav: 'review', roles: OFFICERS },
  { re: /^tai-khoan$/, page: accountsPage, nav: 'accounts', roles: OFFICERS },
  { re: /^nhat-ky$/, page: auditPage, nav: 'audit', roles: READERS },
  { re: /^toan-quoc$/, page: nationalPage, nav: 'report', roles: ['admin'] },
  { re: /^khoi-tao$/, page: setupPage },
  { re: /^dang-nhap$/, page: signInPage },
  { re: /^doi-mat-khau$/, page: changePasswordPage, roles: EVERYONE },
];
/** Who sees which menu item (the server refuses the others anyway); null: everyone. */
const NAV_ROLES: Record<Nav, readonly Role[] | null> = { units: null, 'my-team': TEAM_ROLES, import: OFFICERS, report: READERS, activity: EVERYONE, trainings: EVERYONE, directives: EVERYONE, portal: OFFICERS, help: READERS, review: OFFICERS, accounts: OFFICERS, audit: READERS };

const main = document.getElementById('main')!;
const userBox = document.getElementById('user-box')!;
let ready: Promise<void> | null = null;
let seq = 0;

/** The current hash as {raw, path, query}. */
function here() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  return { raw, path: path.replace(/\/$/, ''), query: new URLSearchParams(qs) };
}
const routeOf = (path: string): [RegExpExecArray, Route] | undefined => {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) return [m, r];
  }
  return undefined;
};
const redirect = (hash: string) => location.replace(hash);
const signInFor = (raw: string) => `#/dang-nhap${raw ? `?tiep=${encodeURIComponent(raw)}` : ''}`;
const withNext = (hash: string, raw: string) => `${hash}${raw ? `?tiep=${encodeURIComponent(raw)}` : ''}`;

/** Renders a shell message (Preact) into a new box appended to (or put first in) `parent`. */
function show(parent: HTMLElement, content: VNode, first = false): void {
  const box = document.createElement('div');
  render(content, box);
  if (first) parent.prepend(box);
  else parent.append(box);
}

const Title = ({ children }: { children: ComponentChildren }) => <h2 tabIndex={-1}>{children}</h2>;

async function route(): Promise<void> {
  const run = ++seq;
  const { raw, path, query } = here();
  const view = document.createElement('div');
  view.className = 'view';
  unmountPage();
  main.replaceChildren(view);
  try {
    await (ready ??= loadSession(!!routeOf(path)?.[1].roles));
  } catch (err) {
    ready = null;
    render(
      <>
        <Title>Không tải được trang</Title>
        <Notice kind="error">{(err as Error).message}</Notice>
      </>,
      view,
    );
    return;
  }
  if (run !== seq) return; // another navigation started meanwhile
  renderHeader(); // the sign-in button carries the current page to come back to

  if (session.setupNeeded && path !== 'khoi-tao') return redirect(withNext('#/khoi-tao', raw));
  const found = routeOf(path);
  for (const a of document.querySelectorAll('.nav a')) a.removeAttribute('aria-current');
  if (found?.[1].nav) document.querySelector(`.nav a[data-nav="${found[1].nav}"]`)?.setAttribute('aria-current', 'page');
  const search = document.getElementById('q') as HTMLInputElement;
  search.value = path === 'tim' ? (query.get('q') ?? '') : '';
  if (!found) {
    render(
      <>
        <Title>Không có trang này</Title>
        <Notice kind="info">
          Đường dẫn không đúng. <a href="#/">Về trang đầu</a>
        </Notice>
      </>,
      view,
    );
    return;
  }
  const [m, { page, roles }] = found;
  if (roles && !session.user && !session.probed) {
    await probeSession().catch(() => {});
    if (run !== seq) return;
  }
  if (roles && !session.user) return redirect(signInFor(raw));
  if (session.user?.mustChangePassword && path !== 'doi-mat-khau' && path !== 'dang-nhap') return redirect(withNext('#/doi-mat-khau', raw));
  const message = takeFlash();
  if (message) show(main, <Notice kind={message.kind}>{message.text}</Notice>, true);
  if (roles && !roles.includes(session.user!.role as Role)) {
    document.title = 'Ngõ Số — Không có quyền';
    render(
      <>
        <Title>Không có quyền mở trang này</Title>
        <Notice kind="info">
          {`Vai trò "${session.user!.roleLabel}" của bạn không dùng được chức năng này. `}
          <a href="#/">Về trang đầu</a>
        </Notice>
      </>,
      view,
    );
    return focusHeading(view);
  }
  try {
    await page(view, m.slice(1) as [string], query);
  } catch (e) {
    const err = e as Partial<ApiError> & { handled?: boolean };
    if (err?.handled || err?.code === 'AUTH_REQUIRED' || err?.code === 'PASSWORD_CHANGE_REQUIRED') return;
    if (run !== seq) return;
    for (const el of view.querySelectorAll('.loading')) el.remove();
    if (err?.code === 'OUT_OF_SCOPE') {
      view.replaceChildren();
      render(<OutOfScope message={err.message ?? ''} />, view);
    } else {
      if (!view.querySelector('h2')) show(view, <Title>Không tải được trang</Title>, true);
      show(view, <Notice kind="error">{err?.message || 'Có lỗi khi tải trang.'}</Notice>);
    }
  }
  focusHeading(view);
}

/** Moves focus to the new page's heading, so keyboard and screen-reader users start there (unless the page focused a field itself). */
function focusHeading(view: HTMLElement): void {
  if (document.activeElement === document.body || document.activeElement?.closest('.nav')) view.querySelector('h2')?.focus({ preventScroll: true });
}

/** Signs out, says so on the sign-in page (or the error when the server could not be told). */
async function signOutNow(): Promise<void> {
  try {
    await signOut();
    flash('ok', 'Đã đăng xuất.');
  } catch (err) {
    flash('error', (err as Error).message);
  }
  if (here().path === 'dang-nhap') route();
  else location.hash = '#/dang-nhap';
}

/**
 * The header's user box: the signed-in user's name (full, or cut with an ellipsis and the full
 * name in its title) and role, opening "Đổi mật khẩu", and "Đăng xuất"; signed out, "Đăng nhập"
 * (none on the sign-in page itself, or while setup is needed).
 */
function UserBox() {
  const user = session.user;
  if (user) {
    return (
      <>
        <a class="user-who" href="#/doi-mat-khau" title={`${user.fullName} — Đổi mật khẩu`}>
          <span class="user-name">{user.fullName}</span>
          <span class="user-role">{user.roleLabel}</span>
        </a>
        <button type="button" id="sign-out" class="btn-light" onClick={signOutNow}>
          Đăng xuất
        </button>
      </>
    );
  }
  if (session.setupNeeded || here().path === 'dang-nhap') return null;
  return (
    <a class="btn btn-light" href={signInFor(here().raw)}>
      Đăng nhập
    </a>
  );
}

/** Header: the user box, and the menu items the user's role may open. */
function renderHeader(): void {
  render(<UserBox />, userBox);
  const user = session.user;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.nav a[data-nav]')) {
    const roles = NAV_ROLES[a.dataset.nav as Nav];
    // until an issued password is changed, nothing else opens: no menu either
    a.hidden = roles ? !(user && !user.mustChangePassword && roles.includes(user.role as Role)) : false;
  }
}

window.addEventListener('ngoso:session', renderHeader);

// an API call found the session gone (expired, signed out elsewhere) or a password change pending
window.addEventListener('ngoso:auth', (e) => {
  if (!session.user) return; // not signed in: the router already sends protected pages to sign-in
  const { raw, path } = here();
  if ((e as CustomEvent<ApiError>).detail.code === 'PASSWORD_CHANGE_REQUIRED') {
    session.user.mustChangePassword = true;
    if (path !== 'doi-mat-khau') redirect(`#/doi-mat-khau?tiep=${encodeURIComponent(raw)}`);
    return;
  }
  clear();
  flash('info', 'Phiên đăng nhập đã hết; hãy đăng nhập lại.');
  if (routeOf(path)?.[1].roles) redirect(signInFor(raw));
  else route();
});

document.getElementById('search-form')!.addEventListener('submit', (e) => {
  e.preventDefault();
  const q = (document.getElementById('q') as HTMLInputElement).value.trim();
  const target = `#/tim?q=${encodeURIComponent(q)}`;
  if (location.hash === target) route(); // same search again: no hashchange, so re-run it
  else location.hash = target;
});

// the skip link must not change the hash (that would be read as a route)
document.querySelector('.skip')!.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', () => {
  route();
  window.scrollTo(0, 0);
});
route();
