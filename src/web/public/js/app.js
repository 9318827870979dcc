// Hash router and page shell. Routes:
//   #/                 provinces          #/don-vi/CODE   a unit: child units and teams
//   #/to/ID            a team's members   #/tim?q=…       search
//   #/nhap             roster import      #/bao-cao[/CODE] network report
import { h, notice } from './dom.js';
import { homePage, teamPage, unitPage } from './browse.js';
import { importPage } from './import.js';
import { reportPage } from './report.js';
import { searchPage } from './search.js';

const routes = [
  [/^$/, homePage, 'units'],
  [/^don-vi\/([\d.]+)$/, unitPage, 'units'],
  [/^to\/(\d+)$/, teamPage, 'units'],
  [/^tim$/, searchPage, null],
  [/^nhap$/, importPage, 'import'],
  [/^bao-cao(?:\/([\d.]+))?$/, reportPage, 'report'],
];

const main = document.getElementById('main');

async function route() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  const query = new URLSearchParams(qs);
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  const match = routes.map(([re, page, nav]) => [re.exec(path.replace(/\/$/, '')), page, nav]).find(([m]) => m);
  for (const a of document.querySelectorAll('.nav a')) a.removeAttribute('aria-current');
  if (match?.[2]) document.querySelector(`.nav a[data-nav="${match[2]}"]`)?.setAttribute('aria-current', 'page');
  const search = document.getElementById('q');
  if (path !== 'tim') search.value = '';
  else search.value = query.get('q') ?? '';
  if (!match) {
    view.append(h('h2', {}, 'Không có trang này'), notice('info', 'Đường dẫn không đúng. ', h('a', { href: '#/' }, 'Về trang đầu')));
    return;
  }
  const [m, page] = match;
  try {
    await page(view, m.slice(1), query);
  } catch (err) {
    if (err?.handled) return;
    for (const el of view.querySelectorAll('.loading')) el.remove();
    if (!view.querySelector('h2')) view.prepend(h('h2', { tabindex: '-1' }, 'Không tải được trang'));
    view.append(notice('error', err.message || 'Có lỗi khi tải trang.'));
  }
  // move focus to the new page heading so keyboard and screen reader users start there
  if (document.activeElement === document.body || document.activeElement?.closest('.nav')) view.querySelector('h2')?.focus({ preventScroll: true });
}

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
