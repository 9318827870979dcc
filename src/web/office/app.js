// Hash router and page shell. Routes:
//   #/                 provinces          #/don-vi/CODE   a unit: child units and teams
//   #/to/ID            a team's members   #/to-cua-toi    the signed-in leader's or member's team
//   #/tim?q=…          search             #/nhap          roster import
//   #/bao-cao[/CODE]   network report     #/tai-khoan     accounts          #/nhat-ky?don-vi=CODE  audit log
//   #/hoat-dong?unit=CODE|team=ID|member=ID[&period=…&date=…|&from=…&to=…]  support dashboards   #/dan-so  population import
//   #/khoi-tao         first-run setup    #/dang-nhap     sign in           #/doi-mat-khau  change password
// The catalogue is public; every other page needs a signed-in user of the right role. A page that
// needs signing in sends the visitor to #/dang-nhap?tiep=PAGE and comes back after.
import { changePasswordPage, setupPage, signInPage } from './auth.js';
import { accountsPage } from './accounts.js';
import { auditPage } from './audit.js';
import { dashboardPage } from './dashboard.js';
import { homePage, myTeamPage, teamPage, unitPage } from './browse.js';
import { flash, h, notice, takeFlash } from './dom.js';
import { importPage } from './import.js';
import { unmountPage } from './mount.js';
import { populationPage } from './population.js';
import { reportPage } from './report.js';
import { searchPage } from './search.js';
import { EVERYONE, OFFICERS, READERS, TEAM_ROLES, clear, loadSession, myUnit, probeSession, session, signOut } from './session.js';

const routes = [
  { re: /^$/, page: homePage, nav: 'units' },
  { re: /^don-vi\/([\d.]+)$/, page: unitPage, nav: 'units' },
  { re: /^to\/(\d+)$/, page: teamPage, nav: 'units', roles: EVERYONE },
  { re: /^to-cua-toi$/, page: myTeamPage, nav: 'my-team', roles: TEAM_ROLES },
  { re: /^tim$/, page: searchPage },
  { re: /^nhap$/, page: importPage, nav: 'import', roles: OFFICERS },
  { re: /^bao-cao(?:\/([\d.]+))?$/, page: reportPage, nav: 'report', roles: READERS },
  { re: /^hoat-dong$/, page: dashboardPage, nav: 'activity', roles: EVERYONE },
  { re: /^dan-so$/, page: populationPage, nav: 'activity', roles: OFFICERS },
  { re: /^tai-khoan$/, page: accountsPage, nav: 'accounts', roles: OFFICERS },
  { re: /^nhat-ky$/, page: auditPage, nav: 'audit', roles: READERS },
  { re: /^khoi-tao$/, page: setupPage },
  { re: /^dang-nhap$/, page: signInPage },
  { re: /^doi-mat-khau$/, page: changePasswordPage, roles: EVERYONE },
];
/** Who sees which menu item (the server refuses the others anyway). */
const NAV_ROLES = { units: null, 'my-team': TEAM_ROLES, import: OFFICERS, report: READERS, activity: EVERYONE, accounts: OFFICERS, audit: READERS };

const main = document.getElementById('main');
let ready = null;
let seq = 0;

/** The current hash as {raw, path, query}. */
function here() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  return { raw, path: path.replace(/\/$/, ''), query: new URLSearchParams(qs) };
}
const routeOf = (path) => routes.map((r) => [r.re.exec(path), r]).find(([m]) => m);
const redirect = (hash) => location.replace(hash);
const signInFor = (raw) => `#/dang-nhap${raw ? `?tiep=${encodeURIComponent(raw)}` : ''}`;

async function route() {
  const run = ++seq;
  const { raw, path, query } = here();
  const view = h('div', { class: 'view' });
  unmountPage();
  main.replaceChildren(view);
  try {
    await (ready ??= loadSession(!!routeOf(path)?.[1].roles));
  } catch (err) {
    ready = null;
    view.append(h('h2', { tabindex: '-1' }, 'Không tải được trang'), notice('error', err.message));
    return;
  }
  if (run !== seq) return; // another navigation started meanwhile
  renderHeader(); // the sign-in button carries the current page to come back to

  if (session.setupNeeded && path !== 'khoi-tao') return redirect(`#/khoi-tao${raw ? `?tiep=${encodeURIComponent(raw)}` : ''}`);
  const found = routeOf(path);
  for (const a of document.querySelectorAll('.nav a')) a.removeAttribute('aria-current');
  if (found?.[1].nav) document.querySelector(`.nav a[data-nav="${found[1].nav}"]`)?.setAttribute('aria-current', 'page');
  const search = document.getElementById('q');
  search.value = path === 'tim' ? (query.get('q') ?? '') : '';
  if (!found) {
    view.append(h('h2', { tabindex: '-1' }, 'Không có trang này'), notice('info', 'Đường dẫn không đúng. ', h('a', { href: '#/' }, 'Về trang đầu')));
    return;
  }
  const [m, { page, roles }] = found;
  if (roles && !session.user && !session.probed) {
    await probeSession().catch(() => {});
    if (run !== seq) return;
  }
  if (roles && !session.user) return redirect(signInFor(raw));
  if (session.user?.mustChangePassword && path !== 'doi-mat-khau' && path !== 'dang-nhap') {
    return redirect(`#/doi-mat-khau${raw ? `?tiep=${encodeURIComponent(raw)}` : ''}`);
  }
  const message = takeFlash();
  if (message) main.prepend(message);
  if (roles && !roles.includes(session.user.role)) {
    document.title = 'Ngõ Số — Không có quyền';
    view.append(h('h2', { tabindex: '-1' }, 'Không có quyền mở trang này'), notice('info', `Vai trò "${session.user.roleLabel}" của bạn không dùng được chức năng này. `, h('a', { href: '#/' }, 'Về trang đầu')));
    return focusHeading(view);
  }
  try {
    await page(view, m.slice(1), query);
  } catch (err) {
    if (err?.handled || err?.code === 'AUTH_REQUIRED' || err?.code === 'PASSWORD_CHANGE_REQUIRED') return;
    for (const el of view.querySelectorAll('.loading')) el.remove();
    if (err?.code === 'OUT_OF_SCOPE') await outOfScope(view, err);
    else {
      if (!view.querySelector('h2')) view.prepend(h('h2', { tabindex: '-1' }, 'Không tải được trang'));
      view.append(notice('error', err.message || 'Có lỗi khi tải trang.'));
    }
  }
  focusHeading(view);
}

// move focus to the new page heading so keyboard and screen reader users start there
function focusHeading(view) {
  if (document.activeElement === document.body || document.activeElement?.closest('.nav')) view.querySelector('h2')?.focus({ preventScroll: true });
}

/** A page of a unit outside the user's scope (403 OUT_OF_SCOPE): say so plainly, point to their own unit. */
async function outOfScope(view, err) {
  document.title = 'Ngõ Số — Ngoài phạm vi';
  view.replaceChildren(
    h('h2', { tabindex: '-1' }, 'Ngoài phạm vi được giao'),
    notice('error', h('strong', {}, 'Trang này ngoài phạm vi tài khoản của bạn. '), err.message),
    h('p', { class: 'muted' }, 'Mỗi tài khoản chỉ xem và sửa được số liệu của đơn vị mình phụ trách. Lần truy cập này đã được ghi vào nhật ký.'),
  );
  const unit = await myUnit();
  if (unit) view.append(h('div', { class: 'actions' }, h('a', { class: 'btn', href: `#/bao-cao/${unit.code}` }, `Báo cáo của ${unit.name}`), h('a', { class: 'btn btn-secondary', href: `#/don-vi/${unit.code}` }, `Tổ ở ${unit.name}`)));
}

/** Header: the signed-in user's name and role, "Đổi mật khẩu", "Đăng xuất"; menu items by role. */
function renderHeader() {
  const box = document.getElementById('user-box');
  const user = session.user;
  if (user) {
    // the name opens "Đổi mật khẩu", the only self-service page
    box.replaceChildren(
      h('a', { class: 'user-who', href: '#/doi-mat-khau', title: 'Đổi mật khẩu' }, h('span', { class: 'user-name' }, user.fullName), h('span', { class: 'user-role' }, user.roleLabel)),
      h('button', { type: 'button', id: 'sign-out', class: 'btn-light' }, 'Đăng xuất'),
    );
  } else if (session.setupNeeded) box.replaceChildren();
  else if (here().path === 'dang-nhap') box.replaceChildren();
  else box.replaceChildren(h('a', { class: 'btn btn-light', href: signInFor(here().raw) }, 'Đăng nhập'));
  for (const a of document.querySelectorAll('.nav a[data-nav]')) {
    const roles = NAV_ROLES[a.dataset.nav];
    // until an issued password is changed, nothing else opens: no menu either
    a.hidden = roles ? !(user && !user.mustChangePassword && roles.includes(user.role)) : false;
  }
}

document.getElementById('user-box').addEventListener('click', async (e) => {
  if (!e.target.closest('#sign-out')) return;
  try {
    await signOut();
    flash('ok', 'Đã đăng xuất.');
  } catch (err) {
    flash('error', err.message);
  }
  if (here().path === 'dang-nhap') route();
  else location.hash = '#/dang-nhap';
});

window.addEventListener('ngoso:session', renderHeader);

// an API call found the session gone (expired, signed out elsewhere) or a password change pending
window.addEventListener('ngoso:auth', (e) => {
  if (!session.user) return; // not signed in: the router already sends protected pages to sign-in
  const { raw, path } = here();
  if (e.detail.code === 'PASSWORD_CHANGE_REQUIRED') {
    session.user.mustChangePassword = true;
    if (path !== 'doi-mat-khau') redirect(`#/doi-mat-khau?tiep=${encodeURIComponent(raw)}`);
    return;
  }
  clear();
  flash('info', 'Phiên đăng nhập đã hết; hãy đăng nhập lại.');
  if (routeOf(path)?.[1].roles) redirect(signInFor(raw));
  else route();
});

document.getElementById('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = document.getElementById('q').value.trim();
  const target = `#/tim?q=${encodeURIComponent(q)}`;
  if (location.hash === target) route(); // same search again: no hashchange, so re-run it
  else location.hash = target;
});

// the skip link must not change the hash (that would be read as a route)
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', () => {
  route();
  window.scrollTo(0, 0);
});
route();
