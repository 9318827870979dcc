// #/nhap — roster import: dry run ("Kiểm tra"), then commit ("Ghi vào sổ") of the same files.
import { ApiError, api, provinces, url } from './api.js';
import { fill, fold, h, notice, nowInVietnam, num, table } from './dom.js';

const FIELD = {
  province: 'Tỉnh', district: 'Huyện (cũ)', commune: 'Xã/phường', village: 'Thôn/bản/tổ dân phố', team: 'Tổ',
  fullName: 'Họ và tên', gender: 'Giới tính', birthYear: 'Năm sinh', phone: 'Số điện thoại', role: 'Vai trò', affiliation: 'Chức vụ, đoàn thể',
};
const OUTCOME = { new: 'Mới', updated: 'Cập nhật', unchanged: 'Không đổi', invalid: 'Lỗi' };
const MAX_PROBLEMS = 300;
const STORE = 'ngoso.import.province';

export async function importPage(view) {
  document.title = 'Ngõ Số — Nhập danh sách tổ';
  const provinceSel = h('select', { id: 'imp-province', name: 'province', required: true }, h('option', { value: '' }, '— Chọn tỉnh, thành phố —'));
  const communeInput = h('input', { id: 'imp-commune', name: 'commune', type: 'text', list: 'imp-communes', maxlength: '100', autocomplete: 'off', placeholder: 'Để trống nếu tệp có cột Xã/phường' });
  const communeList = h('datalist', { id: 'imp-communes' });
  const fileInput = h('input', { id: 'imp-files', name: 'files', type: 'file', multiple: true, accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true });
  const checkBtn = h('button', { type: 'submit', id: 'imp-check' }, 'Kiểm tra (chạy thử)');
  const commitBtn = h('button', { type: 'button', id: 'imp-commit', class: 'btn-commit', disabled: true }, 'Ghi vào sổ');
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  // after a dry run with invalid rows: what "Ghi vào sổ" will do with them, next to the button
  const skipNote = h('p', { class: 'commit-note', id: 'imp-commit-note', hidden: true });
  const results = h('div', { id: 'imp-results' });
  const history = h('section', { id: 'imp-history', 'aria-labelledby': 'imp-history-h', hidden: true });
  const form = h(
    'form',
    { class: 'card form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'imp-province' }, 'Tỉnh, thành phố'), provinceSel),
    h('div', { class: 'field' },
      h('label', { for: 'imp-commune' }, 'Xã, phường (không bắt buộc)'),
      communeInput, communeList,
      h('p', { class: 'hint' }, 'Chỉ cần khi tệp là danh sách của một xã và không có cột "Xã/phường".'),
    ),
    h('div', { class: 'field' },
      h('label', { for: 'imp-files' }, 'Tệp danh sách (.csv hoặc .xlsx, chọn được nhiều tệp)'),
      fileInput,
      h('p', { class: 'hint' }, 'Cột nên có: Tỉnh, Xã/phường, Huyện cũ (nếu ghi tên xã cũ), Thôn/bản, Họ và tên, Giới tính, Năm sinh, Số điện thoại, Vai trò, Đoàn thể.'),
    ),
    h('div', { class: 'actions commit-row' }, checkBtn, commitBtn, skipNote),
    status,
  );
  view.append(
    h('h2', { tabindex: '-1' }, 'Nhập danh sách tổ'),
    h('p', { class: 'lead' }, 'Bước 1: chạy thử để xem trước kết quả — chưa ghi gì. Bước 2: nếu đúng, bấm "Ghi vào sổ". Nhập lại cùng tệp không tạo bản trùng.'),
    form,
    results,
    history,
  );
  showHistory(history);

  // state: the exact request that passed the dry run, so "Ghi vào sổ" sends the same files
  let checked = null;
  // the officer's edits after a dry run: column mapping per sheet name {sheet: {column: field|null}},
  // and the unit meant by each unresolved name {name: code}; sent with the next dry run and the commit
  let corrections = {};
  let choices = {};
  const edits = {
    corrections: () => corrections,
    choices: () => choices,
    setColumns(sheet, columns) {
      corrections = { ...corrections, [sheet]: columns };
      edited('Bạn đã chỉnh cách ghép cột: bấm "Chạy thử lại" để xem kết quả mới trước khi ghi.');
    },
    setChoice(name, code) {
      choices = { ...choices };
      if (code) choices[name] = code;
      else delete choices[name];
      edited('Bạn đã chọn đơn vị: bấm "Chạy thử lại" để xem kết quả mới trước khi ghi.');
    },
    rerun: () => form.requestSubmit(),
  };
  const edited = (text) => {
    invalidate();
    status.textContent = text;
    for (const b of results.querySelectorAll('.rerun')) b.hidden = false;
  };
  const invalidate = () => {
    if (checked) status.textContent = 'Bạn đã đổi lựa chọn: hãy chạy thử lại trước khi ghi.';
    checked = null;
    commitBtn.disabled = true;
    commitBtn.removeAttribute('aria-describedby');
    skipNote.hidden = true;
  };

  provinceSel.addEventListener('change', async () => {
    invalidate();
    try { localStorage.setItem(STORE, provinceSel.value); } catch { /* storage disabled */ }
    communeList.replaceChildren();
    if (!provinceSel.value) return;
    const { units } = await api(url('/api/units', { parent: provinceSel.value })).catch(() => ({ units: [] }));
    communeList.replaceChildren(...units.map((u) => h('option', { value: u.name })));
  });
  communeInput.addEventListener('input', invalidate);
  fileInput.addEventListener('change', () => {
    // new files: earlier corrections and choices were made for other columns and names
    corrections = {};
    choices = {};
    invalidate();
  });

  const send = async (commit, req) => {
    const body = new FormData();
    if (Object.keys(req.mapping ?? {}).length) body.append('mapping', JSON.stringify(req.mapping));
    if (Object.keys(req.unitChoices ?? {}).length) body.append('unitChoices', JSON.stringify(req.unitChoices));
    for (const f of req.files) body.append('file', f, f.name);
    return api(url('/api/imports', { commit: String(commit), province: req.province, commune: req.commune }), { method: 'POST', body });
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    invalidate();
    const req = { province: provinceSel.value, commune: communeInput.value.trim(), files: [...fileInput.files], mapping: corrections, unitChoices: choices };
    if (!req.province) return fail(status, provinceSel, 'Hãy chọn tỉnh, thành phố.');
    if (!req.files.length) return fail(status, fileInput, 'Hãy chọn ít nhất một tệp .csv hoặc .xlsx.');
    busy(true, 'Đang kiểm tra tệp…');
    try {
      const res = await send(false, req);
      fill(results, resultView(res, false, null, edits));
      const writable = res.summary.new + res.summary.updated + res.summary.unchanged;
      if (writable > 0) {
        checked = req;
        commitBtn.disabled = false;
        if (res.summary.invalid > 0) {
          skipNote.textContent = `${num(res.summary.invalid)} dòng lỗi sẽ bị bỏ qua; các dòng hợp lệ sẽ được ghi.`;
          skipNote.hidden = false;
          commitBtn.setAttribute('aria-describedby', skipNote.id);
        }
        status.textContent = `Chạy thử xong: ${num(writable)} dòng hợp lệ, ${num(res.summary.invalid)} dòng lỗi. Chưa ghi gì — bấm "Ghi vào sổ" để ghi.`;
      } else status.textContent = 'Chạy thử xong: không có dòng hợp lệ nào để ghi. Sửa tệp theo bảng vấn đề rồi thử lại.';
    } catch (err) {
      // a refused correction or choice keeps the tables on screen, so the officer can fix them
      if (err?.code === 'IMPORT_MAPPING_INVALID' && results.querySelector('.mapping-table, .unit-questions')) {
        results.querySelector('.edit-error')?.remove();
        results.prepend(h('div', { class: 'edit-error' }, errorView(err)));
        results.querySelector('.edit-error').scrollIntoView({ block: 'nearest' });
      } else fill(results, errorView(err));
      status.textContent = 'Kiểm tra không thành công.';
    } finally {
      busy(false);
    }
  });

  commitBtn.addEventListener('click', async () => {
    if (!checked) return;
    const req = checked;
    invalidate();
    busy(true, 'Đang ghi vào sổ…');
    try {
      const res = await send(true, req);
      fill(results, resultView(res, true, req.province));
      // the corrections are remembered by the server for files with the same header
      corrections = {};
      choices = {};
      showHistory(history);
      status.textContent = `Đã ghi vào sổ: ${num(res.summary.new)} mới, ${num(res.summary.updated)} cập nhật, ${num(res.summary.unchanged)} không đổi.`;
    } catch (err) {
      fill(results, errorView(err));
      status.textContent = 'Ghi vào sổ không thành công.';
    } finally {
      busy(false);
    }
  });

  function busy(on, text) {
    checkBtn.disabled = on;
    if (on) commitBtn.disabled = true;
    form.setAttribute('aria-busy', String(on));
    if (text) status.textContent = text;
  }

  const provs = await provinces();
  provinceSel.append(...provs.map((p) => h('option', { value: p.code }, p.name)));
  let saved = null;
  try { saved = localStorage.getItem(STORE); } catch { /* storage disabled */ }
  if (saved && provs.some((p) => p.code === saved)) {
    provinceSel.value = saved;
    provinceSel.dispatchEvent(new Event('change'));
  }
}

/** The last committed imports (GET /api/imports); the section stays hidden if the log is unavailable. */
async function showHistory(section) {
  try {
    const { imports } = await api(url('/api/imports', { limit: 10 }));
    if (!imports.length) return;
    fill(section,
      h('h3', { id: 'imp-history-h' }, 'Các lần ghi vào sổ gần đây'),
      table(null, ['Thời gian', 'Tệp', ...Object.values(OUTCOME).map((text) => ({ text, class: 'num' }))],
        imports.map((x) => h('tr', {}, h('td', { class: 'nowrap' }, nowInVietnam(x.importedAt)), h('td', {}, x.fileName), ...Object.keys(OUTCOME).map((k) => h('td', { class: 'num' }, num(x.counts?.[k]))))),
        { class: 'history stack' }),
    );
    section.hidden = false;
  } catch {
    section.hidden = true;
  }
}

function fail(status, field, message) {
  status.textContent = message;
  field.focus();
}

/** A failed request: the server's message; for a single file refused on commit, also its report. */
function errorView(err) {
  const msg = err instanceof ApiError ? err.message : String(err?.message ?? err);
  const out = [notice('error', h('strong', {}, err?.status ? `Lỗi ${err.status}: ` : 'Lỗi: '), msg)];
  if (err?.details?.counts) out.push(fileView(err.details, false));
  return h('div', {}, out);
}

function resultView(res, committed, province, edits = null) {
  const { summary } = res;
  return h(
    'section',
    { 'aria-labelledby': 'imp-res-h', class: committed ? 'result committed' : 'result' },
    h('h3', { id: 'imp-res-h' }, committed ? 'Kết quả ghi vào sổ' : 'Kết quả chạy thử (chưa ghi gì)'),
    committed
      ? notice('ok', `Đã ghi ${num(summary.files - summary.failed)}/${num(summary.files)} tệp vào sổ. `, province ? h('a', { href: `#/bao-cao/${province}` }, 'Xem báo cáo của tỉnh') : null)
      : null,
    summary.files > 1 ? h('p', {}, `Tổng ${num(summary.files)} tệp: `, countsText(summary), summary.failed ? `; ${num(summary.failed)} tệp không đọc được` : '') : null,
    res.files.map((f) => ('error' in f ? h('article', { class: 'file-report card' }, h('h4', {}, f.fileName), notice('error', f.error.message), f.error.details?.counts ? fileView(f.error.details, false, true) : null) : fileView(f, committed, false, edits, res.fields))),
  );
}

/** "A" for column 0, "AB" for column 27: the letter Excel shows above the column. */
function columnLetter(index) {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

let controlSeq = 0;

/**
 * One sheet's column mapping as a table: column letter, header cell, and the field it maps to —
 * a <select> after a dry run (changing it records a correction for the next run), text after a commit.
 */
function mappingTable(s, fields, edits) {
  const labels = Object.fromEntries((fields ?? Object.entries(FIELD).map(([field, label]) => ({ field, label }))).map((f) => [f.field, f.label]));
  const selects = [];
  const rows = s.columns.map((c) => {
    let control;
    if (edits) {
      const id = `map-${++controlSeq}`;
      control = h('select', { id, class: 'map-field', 'data-sheet': s.name, 'data-column': String(c.index), 'aria-label': `Cột ${columnLetter(c.index)} "${c.header || 'không có tiêu đề'}" ghép với` },
        h('option', { value: '' }, '— Bỏ qua cột này —'),
        Object.entries(labels).map(([field, label]) => h('option', { value: field }, label)),
      );
      control.value = c.field ?? '';
      selects.push(control);
      control.addEventListener('change', () => {
        // one field per column: choosing a field another column had takes it from that column
        if (control.value) for (const other of selects) if (other !== control && other.value === control.value) other.value = '';
        edits.setColumns(s.name, Object.fromEntries(selects.map((x) => [x.dataset.column, x.value || null])));
      });
    } else control = c.field ? h('strong', {}, labels[c.field] ?? c.field) : h('span', { class: 'muted' }, 'Bỏ qua');
    return h('tr', { class: c.field ? 'mapped' : 'unmapped' },
      h('td', { class: 'col-letter' }, columnLetter(c.index)),
      h('td', {}, c.header || h('span', { class: 'muted' }, '(trống)')),
      h('td', {}, control),
    );
  });
  return table(null, ['Cột', 'Tiêu đề trong tệp', 'Ghép với'], rows, { class: 'mapping mapping-table stack' });
}

/** Names of communes that did not resolve, each with a <select> of the units it may mean. */
function unitQuestions(r, edits) {
  return h('section', { class: 'unit-questions' },
    h('h5', {}, `Tên xã/phường cần chọn đơn vị (${num(r.unitQuestions.length)})`),
    h('p', { class: 'hint' }, 'Tên dưới đây ứng với nhiều đơn vị, hoặc không khớp đơn vị nào. Chọn đơn vị đúng rồi bấm "Chạy thử lại".'),
    r.unitQuestions.map((q) => {
      const id = `unit-${++controlSeq}`;
      const select = h('select', { id, class: 'unit-choice', 'data-name': q.name, disabled: !edits },
        h('option', { value: '' }, '— Chọn đơn vị —'),
        q.candidates.map((c) => h('option', { value: c.code }, `${c.name} (mã ${c.code})${c.note ? ` — ${c.note}` : ''}`)),
      );
      select.value = edits?.choices()[q.name] ?? q.chosen ?? '';
      select.addEventListener('change', () => edits?.setChoice(q.name, select.value));
      const split = q.name.includes(' › ');
      return h('div', { class: split ? 'field unit-question unit-question-village' : 'field unit-question' },
        h('label', { for: id }, questionLabel(q)),
        split ? h('p', { class: 'hint' }, 'Xã cũ này được chia cho nhiều xã mới: chọn xã mới mà thôn, bản này thuộc về.') : null,
        h('p', { class: 'hint' }, q.message),
        select,
      );
    }),
  );
}

/** Labels of the rows skipped as not members (report.skipped), in the order they are listed. */
const SKIPPED = { groupRows: 'dòng nhóm', numberingRows: 'dòng đánh số cột', totalsRows: 'dòng tổng', signatureRows: 'chữ ký', notes: 'ghi chú', hiddenRows: 'dòng ẩn' };
/** Beyond this many teams in a sheet, each commune's team list is folded under its commune line. */
const MAX_OPEN_TEAMS = 20;

/** The shape's totals over a file: distinct communes, teams by level, members to write, refused rows. */
function shapeTotals(shape) {
  const communes = new Set();
  const teams = new Map();
  for (const s of shape ?? []) for (const c of s.communes) {
    const ck = c.code ?? `?${c.name}`;
    communes.add(ck);
    for (const t of c.teams) {
      const k = `${ck}|${t.level}|${t.name}`;
      const prev = teams.get(k) ?? { level: t.level, members: 0, invalid: 0 };
      teams.set(k, { level: t.level, members: prev.members + t.members, invalid: prev.invalid + t.invalid });
    }
  }
  const list = [...teams.values()];
  return {
    communes: communes.size,
    teams: list.length,
    commune: list.filter((t) => t.level === 'commune').length,
    village: list.filter((t) => t.level === 'village').length,
    members: list.reduce((n, t) => n + t.members, 0),
    invalid: list.reduce((n, t) => n + t.invalid, 0),
  };
}

/** "3 xã · 41 tổ (3 cấp xã, 38 cấp thôn) · 256 thành viên · bỏ qua 12 dòng không phải thành viên (dòng nhóm 41, …)" */
function shapeSummaryText(r) {
  const t = shapeTotals(r.shape);
  const parts = [`${num(t.communes)} xã`, `${num(t.teams)} tổ (${num(t.commune)} cấp xã, ${num(t.village)} cấp thôn)`, `${num(t.members)} thành viên`];
  if (t.invalid) parts.push(`${num(t.invalid)} dòng bị từ chối`);
  const skipped = Object.entries(SKIPPED).filter(([k]) => r.skipped?.[k] > 0);
  const total = skipped.reduce((n, [k]) => n + r.skipped[k], 0);
  parts.push(total ? `bỏ qua ${num(total)} dòng không phải thành viên (${skipped.map(([k, label]) => `${label} ${num(r.skipped[k])}`).join(', ')})` : 'không bỏ qua dòng nào');
  return parts.join(' · ');
}

/** The file's spelling of a commune when it says more than the name without "Xã"/"Phường" (an old commune, another name). */
const bareName = (name) => fold(name).replace(/^(xa|phuong|thi tran|dac khu)\s+/, '').replace(/\s+/g, ' ').trim();
const writtenOtherwise = (c) => !!c.written && bareName(c.written) !== bareName(c.name);

/** "Xã Chiềng Mung (từ "Mường Bon" trong tệp) — 14 tổ, 87 thành viên" */
function communeLine(c) {
  const members = c.teams.reduce((n, t) => n + t.members, 0);
  const invalid = c.teams.reduce((n, t) => n + t.invalid, 0);
  return [
    h('strong', { class: 'shape-commune-name' }, c.name),
    c.code ? null : [' ', h('span', { class: 'badge badge-error' }, 'chưa xác định được xã')],
    writtenOtherwise(c) ? h('span', { class: 'shape-written' }, ` (từ "${c.written}" trong tệp)`) : null,
    ` — ${num(c.teams.length)} tổ, ${num(members)} thành viên`,
    invalid ? [', ', h('span', { class: 'shape-invalid' }, `${num(invalid)} dòng bị từ chối`)] : null,
  ];
}

/** One team of the shape: level, name, member count, "mới", refused rows in red. */
function teamItem(t) {
  return h('li', { class: `shape-team shape-team-${t.level}` },
    h('span', { class: 'shape-level' }, t.level === 'commune' ? 'Cấp xã' : 'Cấp thôn'), ' ',
    h('span', { class: 'shape-team-name' }, t.name),
    ` — ${num(t.members)} thành viên`,
    t.isNew ? [' ', h('span', { class: 'badge badge-new' }, 'mới')] : null,
    t.invalid ? [' · ', h('span', { class: 'shape-invalid' }, `${num(t.invalid)} dòng bị từ chối`)] : null,
  );
}

/**
 * The shape the server understood, before anything is written: a one-line summary, then per sheet
 * the communes with their teams (commune-level team first). Big sheets fold each commune's teams.
 */
function shapeView(r) {
  const sheets = (r.shape ?? []).filter((s) => s.communes.length);
  const named = r.sheets.length > 1 || r.format === 'xlsx';
  return h('section', { class: 'shape', 'aria-label': 'Cấu trúc danh sách đọc được' },
    h('p', { class: 'shape-summary' }, shapeSummaryText(r)),
    sheets.map((s) => {
      const fold = s.communes.reduce((n, c) => n + c.teams.length, 0) > MAX_OPEN_TEAMS;
      return h('div', { class: 'shape-sheet', 'data-sheet': s.sheet },
        named ? h('p', { class: 'shape-sheet-name' }, `Trang tính "${s.sheet}"`) : null,
        h('ul', { class: 'shape-tree' },
          s.communes.map((c) => {
            const teams = [...c.teams].sort((a, b) => (a.level === b.level ? 0 : a.level === 'commune' ? -1 : 1));
            const list = h('ul', { class: 'shape-teams' }, teams.map(teamItem));
            return h('li', { class: 'shape-commune', 'data-code': c.code ?? '' },
              fold ? h('details', {}, h('summary', {}, communeLine(c)), list) : [h('div', { class: 'shape-commune-line' }, communeLine(c)), list],
            );
          }),
        ),
      );
    }),
  );
}

/** A question's name: "Xã Chiềng Bôm › Bản Bó" (a village of a split old commune) shows commune and village apart. */
function questionLabel(q) {
  const [commune, village] = q.name.split(' › ');
  if (!village) return `"${q.name}" (${num(q.rowCount)} dòng, ${q.province})`;
  return [
    'Thôn, bản ', h('strong', { class: 'q-village' }, `"${village}"`),
    ' của ', h('strong', { class: 'q-commune' }, commune), ' (xã cũ)',
    ` (${num(q.rowCount)} dòng, ${q.province})`,
  ];
}

const countsText = (c) => Object.entries(OUTCOME).map(([k, label]) => `${label} ${num(c[k])}`).join(' · ');

/** One file's report: the shape understood (communes → teams), counts, column mapping (editable after a dry run), unit questions, what gets created, problems, row details. */
function fileView(r, committed, bare = false, edits = null, fields = null) {
  const parts = [
    r.shape ? shapeView(r) : null,
    h('div', { class: 'stats', role: 'group', 'aria-label': 'Số dòng theo kết quả' },
      Object.entries(OUTCOME).map(([k, label]) => h('div', { class: `stat stat-${k}`, 'data-count': k }, h('span', { class: 'stat-value' }, num(r.counts[k])), h('span', { class: 'stat-label' }, label))),
    ),
  ];
  const rerun = edits ? () => h('button', { type: 'button', class: 'rerun', hidden: true, onclick: edits.rerun }, 'Chạy thử lại với các chỉnh sửa') : () => null;
  for (const s of r.sheets) {
    const mapped = Object.entries(s.mapping);
    parts.push(
      h('h5', {}, r.sheets.length > 1 || r.format === 'xlsx' ? `Trang tính "${s.name}": ` : '', s.headerRow ? `Cột tìm thấy (hàng tiêu đề số ${s.headerRow})` : 'Không tìm thấy hàng tiêu đề'),
      s.mappingNote ? notice('info', s.mappingNote) : null,
      s.columns?.length
        ? h('div', { class: 'mapping-edit', 'data-sheet': s.name },
            edits ? h('p', { class: 'hint' }, 'Nếu cột nào ghép sai, chọn lại ở cột "Ghép với" rồi bấm "Chạy thử lại". Cách ghép đã chỉnh được lưu khi ghi vào sổ và tự dùng cho các tệp sau có cùng hàng tiêu đề.') : null,
            mappingTable(s, fields, edits),
            rerun(),
          )
        : mapped.length
          ? h('ul', { class: 'mapping' }, mapped.map(([f, col]) => h('li', {}, h('span', { class: 'col' }, `"${col}"`), ' → ', h('strong', {}, FIELD[f] ?? f))))
          : null,
      !s.columns?.length && s.ignored?.length ? h('p', { class: 'hint' }, 'Cột bỏ qua: ', s.ignored.join(', ')) : null,
    );
  }
  if (r.unitQuestions?.length) parts.push(unitQuestions(r, committed ? null : edits), rerun());
  const { villages, teams } = r.created;
  if (villages.length || teams.length) {
    parts.push(
      h('h5', {}, committed ? 'Đã tạo mới' : 'Sẽ tạo mới'),
      h('div', { class: 'created' },
        villages.length ? h('div', {}, h('p', { class: 'created-h' }, `Thôn, bản (${num(villages.length)})`), h('ul', {}, villages.map((v) => h('li', {}, v)))) : null,
        teams.length ? h('div', {}, h('p', { class: 'created-h' }, `Tổ (${num(teams.length)})`), h('ul', {}, teams.map((t) => h('li', {}, t)))) : null,
      ),
    );
  }
  if (r.problems.length) {
    const shown = r.problems.slice(0, MAX_PROBLEMS);
    parts.push(
      h('h5', {}, `Vấn đề cần xem (${num(r.problems.length)})`),
      table(
        r.problems.length > MAX_PROBLEMS ? `Hiện ${num(MAX_PROBLEMS)}/${num(r.problems.length)} vấn đề đầu tiên` : null,
        ['Trang tính', 'Dòng', 'Cột', 'Vấn đề', 'Gợi ý'],
        shown.map((p) =>
          h('tr', { class: `sev-${p.severity}` },
            h('td', {}, p.sheet),
            h('td', { class: 'num' }, p.row ? num(p.row) : 'cả tệp'),
            h('td', {}, p.column || '—'),
            h('td', {}, h('span', {}, h('span', { class: `badge badge-${p.severity}` }, p.severity === 'error' ? 'Lỗi' : 'Cảnh báo'), ' ', p.message)),
            h('td', {}, p.suggestion ?? ''),
          ),
        ),
        { class: 'problems stack' },
      ),
    );
  } else if (r.rows.length) parts.push(notice('ok', 'Không có vấn đề nào.'));
  if (r.rows.length) {
    parts.push(
      h('details', { class: 'rows' },
        h('summary', {}, `Chi tiết từng dòng (${num(r.rows.length)})`),
        table(null, ['Dòng', 'Họ và tên', 'Tổ', 'Kết quả', 'Thay đổi'],
          r.rows.slice(0, 1000).map((x) =>
            h('tr', { class: `out-${x.outcome}` },
              h('td', { class: 'num' }, num(x.row)),
              h('td', {}, x.fullName || '—'),
              h('td', {}, x.team ?? ''),
              h('td', {}, OUTCOME[x.outcome] ?? x.outcome),
              h('td', {}, (x.changes ?? []).join('; ')),
            ),
          ),
        ),
      ),
    );
  }
  if (bare) return h('div', {}, parts);
  return h('article', { class: 'file-report card', 'data-file': r.fileName },
    h('h4', {}, r.fileName, ' ', h('span', { class: 'badge' }, r.format.toUpperCase()), committed && r.committed ? h('span', { class: 'badge badge-ok' }, 'Đã ghi') : null),
    parts,
  );
}
