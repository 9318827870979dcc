// #/dan-so — population per commune and year (for coverage on the dashboards): an officer uploads
// a CSV or .xlsx with columns like "Mã xã | Tên xã | Năm | Dân số | Số hộ", or pastes rows copied
// from a spreadsheet (sent as a tab-separated file). POST /api/population/import saves every row
// or none; the server's problems are shown row by row.
import { api, url } from './api.js';
import { field, fill, h, notice, num, table, todayVn } from './dom.js';
import { myUnit } from './session.js';

export async function populationPage(view) {
  document.title = 'Ngõ Số — Nhập số dân';
  const unit = await myUnit();
  const thisYear = Number(todayVn().slice(0, 4));
  const file = h('input', { type: 'file', id: 'pop-file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const paste = h('textarea', { id: 'pop-paste', rows: 6, spellcheck: 'false', placeholder: 'Mã xã\tTên xã\tNăm\tDân số\tSố hộ\n03664\tPhường Chiềng An\t2026\t5.600\t1.400' });
  const year = h('select', { id: 'pop-year' }, h('option', { value: '' }, '— theo cột "Năm" trong tệp —'), [0, 1, 2, 3].map((i) => h('option', { value: thisYear - i }, String(thisYear - i))));
  const submit = h('button', { type: 'submit' }, 'Ghi số dân');
  const status = h('p', { class: 'form-status', role: 'status' });
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  const form = h('form', { class: 'form', id: 'pop-form' },
    field('Tệp Excel (.xlsx) hoặc CSV', file, 'Dòng tiêu đề cần có cột "Mã xã" (mã 5 chữ số sau 01/07/2025) và "Dân số"; có thể thêm "Tên xã" (để kiểm tra), "Năm", "Số hộ". Cột viết hoa hay không dấu đều được.'),
    field('Hoặc dán các dòng từ bảng tính', paste, 'Chép cả dòng tiêu đề cùng các dòng số liệu từ Excel rồi dán vào đây.'),
    field('Năm của số liệu', year, 'Chỉ cần chọn khi tệp không có cột "Năm".'),
    h('div', { class: 'actions' }, submit),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    result.replaceChildren();
    const chosen = file.files?.[0];
    const text = paste.value.trim();
    if (!chosen && !text) {
      status.textContent = '';
      result.append(notice('error', 'Hãy chọn tệp số dân, hoặc dán các dòng từ bảng tính.'));
      return;
    }
    const body = new FormData();
    body.append('file', chosen ?? new Blob([text + '\n'], { type: 'text/tab-separated-values' }), chosen?.name ?? 'dan-so-dan.tsv');
    submit.disabled = true;
    status.textContent = 'Đang kiểm tra và ghi…';
    try {
      const r = await api(url('/api/population/import', { year: year.value }), { method: 'POST', body });
      status.textContent = '';
      result.append(
        notice('ok', `Đã ghi số dân của ${num(r.saved)} xã, phường từ "${r.fileName}".`),
        table(null, ['Dòng', 'Mã xã', 'Xã, phường', 'Năm', { text: 'Dân số', class: 'num' }, { text: 'Số hộ', class: 'num' }],
          r.rows.map((row) => h('tr', {}, h('td', {}, String(row.line)), h('td', {}, row.unit), h('td', { class: 'name' }, h('a', { href: `#/hoat-dong?unit=${row.unit}&period=year&date=${row.year}-01-01` }, row.name)), h('td', {}, String(row.year)), h('td', { class: 'num' }, num(row.population)), h('td', { class: 'num' }, row.households === null ? '' : num(row.households)))),
          { class: 'population stack' }),
      );
      file.value = '';
      paste.value = '';
    } catch (err) {
      status.textContent = '';
      const problems = err.details?.problems ?? [];
      result.append(notice('error', problems.length ? `Chưa ghi dòng nào: tệp có ${num(problems.length)} lỗi. Hãy sửa các dòng dưới đây rồi gửi lại.` : err.message));
      if (problems.length) {
        result.append(table(null, ['Dòng', 'Cột', 'Lỗi và cách sửa'], problems.map((p) => h('tr', { class: 'sev-error' }, h('td', {}, String(p.row)), h('td', {}, p.column ?? ''), h('td', {}, p.message))), { class: 'problems stack' }));
      }
    } finally {
      submit.disabled = false;
    }
  });
  fill(
    view,
    h('nav', { class: 'crumbs', 'aria-label': 'Vị trí' }, h('ol', {}, h('li', {}, h('a', { href: '#/hoat-dong' }, 'Hoạt động')), h('li', {}, h('span', { 'aria-current': 'page' }, 'Nhập số dân')))),
    h('h2', { tabindex: '-1' }, 'Nhập số dân theo xã, phường'),
    h('p', { class: 'lead' }, 'Số dân dùng để tính tỷ lệ người dân được hướng dẫn trên các trang Hoạt động. Số liệu cùng xã, cùng năm được thay bằng số mới. Tệp có dòng lỗi sẽ không được ghi dòng nào.'),
    form,
    result,
    unit ? h('p', {}, h('a', { href: `#/hoat-dong?unit=${unit.code}` }, `← Hoạt động của ${unit.name}`)) : null,
  );
}
