// Sign-in pages: #/khoi-tao (first run: create the first admin), #/dang-nhap (sign in, or set a
// new password with a one-time code from an officer), #/doi-mat-khau (change one's password;
// required before anything else when the password was issued by an officer).
import { api, post } from './api.js';
import { field, flash, h, notice } from './dom.js';
import { homeOf, session, signedIn, signOut } from './session.js';

/** The page to return to (?tiep=path, a route inside this app) or the user's home. */
export function nextHash(query) {
  const tiep = query?.get('tiep');
  return tiep && /^[\w\-/.?=&%]*$/.test(tiep) && !/^(dang-nhap|khoi-tao|doi-mat-khau)/.test(tiep) ? `#/${tiep}` : homeOf();
}

/** "?tiep=…" carried over to the next sign-in step. */
const carry = (query) => (query?.get('tiep') ? `?tiep=${encodeURIComponent(query.get('tiep'))}` : '');

/** Client-side copy of the server's password rule, to answer before a round trip; the server decides. */
export function passwordProblem(pw, logins = []) {
  if (pw.length < 8 || pw.length > 128) return 'Mật khẩu cần từ 8 đến 128 ký tự.';
  if (/^\d+$/.test(pw)) return 'Mật khẩu không được chỉ gồm chữ số.';
  if (logins.some((l) => l && pw.toLowerCase().includes(l.toLowerCase()))) return 'Mật khẩu không được chứa tên đăng nhập hoặc số điện thoại.';
  return null;
}
export const PASSWORD_RULE = 'Từ 8 đến 128 ký tự, không chỉ gồm chữ số, không chứa tên đăng nhập hay số điện thoại. Nên ghép vài từ dễ nhớ bằng dấu gạch ngang; đừng dùng ngày sinh.';

const input = (id, attrs = {}) => h('input', { id, name: id, type: 'text', autocapitalize: 'none', spellcheck: 'false', ...attrs });
const passwordInput = (id, autocomplete) => input(id, { type: 'password', autocomplete, maxlength: '128', required: true });

/** "Hiện mật khẩu": shows the password fields of `form` as plain text (typing on a phone is hard). */
function showPasswords(form, id) {
  const box = h('input', { type: 'checkbox', id });
  box.addEventListener('change', () => {
    for (const el of form.querySelectorAll('input[data-password]')) el.type = box.checked ? 'text' : 'password';
  });
  return h('label', { class: 'check', for: id }, box, ' Hiện mật khẩu');
}

/**
 * Wires a form: on submit, `check()` may return a message to show instead of sending; otherwise
 * `send()` runs with the button disabled and its error (the server's message) is shown.
 */
function wire(form, button, out, busyText, check, send) {
  const label = button.textContent;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const problem = check();
    if (problem) {
      out.append(notice('error', problem));
      return;
    }
    button.disabled = true;
    button.textContent = busyText;
    form.setAttribute('aria-busy', 'true');
    try {
      await send();
    } catch (err) {
      out.append(notice('error', err.message));
    } finally {
      button.disabled = false;
      button.textContent = label;
      form.removeAttribute('aria-busy');
    }
  });
}

function markPasswords(...els) {
  for (const el of els) el.dataset.password = '1';
}

/** #/khoi-tao — the first run: create the first admin (only while there is none). */
export async function setupPage(view, _params, query) {
  document.title = 'Ngõ Số — Khởi tạo hệ thống';
  const { needed } = await api('/api/setup');
  session.setupNeeded = needed;
  if (!needed) {
    location.replace(session.user ? '#/' : '#/dang-nhap');
    return;
  }
  const fullName = input('setup-name', { autocomplete: 'name', autocapitalize: 'words', spellcheck: 'false', minlength: '2', maxlength: '100', required: true });
  const username = input('setup-username', { autocomplete: 'username', minlength: '3', maxlength: '40', required: true, placeholder: 'ví dụ: quantri.sonla' });
  const password = passwordInput('setup-password', 'new-password');
  const again = passwordInput('setup-password2', 'new-password');
  markPasswords(password, again);
  const button = h('button', { type: 'submit' }, 'Tạo tài khoản quản trị');
  const out = h('div', { class: 'form-out', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form narrow', id: 'setup-form', novalidate: true },
    field('Họ và tên', fullName),
    field('Tên đăng nhập', username, '3–40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang.'),
    field('Mật khẩu', password, PASSWORD_RULE),
    field('Nhập lại mật khẩu', again),
  );
  form.append(showPasswords(form, 'setup-show'), h('div', { class: 'actions' }, button), out);
  view.append(
    h('h2', { tabindex: '-1' }, 'Khởi tạo hệ thống'),
    h('p', { class: 'lead' }, 'Hệ thống chưa có quản trị viên. Tạo tài khoản quản trị đầu tiên; tài khoản này sẽ tạo tài khoản cho cán bộ tỉnh, xã. Trang này tự đóng lại khi đã có quản trị viên.'),
    form,
  );
  wire(form, button, out, 'Đang tạo…',
    () => {
      if (fullName.value.trim().length < 2) return 'Hãy nhập họ và tên.';
      if (!/^[a-z0-9._-]{3,40}$/.test(username.value.trim().toLowerCase())) return 'Tên đăng nhập: 3–40 ký tự a-z, 0-9, dấu chấm, gạch dưới, gạch ngang (không dấu, không khoảng trắng).';
      if (password.value !== again.value) return 'Hai lần nhập mật khẩu không khớp.';
      return passwordProblem(password.value, [username.value.trim()]);
    },
    async () => {
      const res = await post('/api/setup', { fullName: fullName.value.trim(), username: username.value.trim().toLowerCase(), password: password.value });
      await signedIn(res.user);
      flash('ok', `Đã khởi tạo hệ thống. Bạn đang đăng nhập là quản trị viên: ${res.user.fullName}.`);
      location.replace(nextHash(query));
    });
  fullName.focus();
}

/** #/dang-nhap — sign in; below it, the form to set a new password with a code from an officer. */
export async function signInPage(view, _params, query) {
  document.title = 'Ngõ Số — Đăng nhập';
  if (session.user) {
    view.append(
      h('h2', { tabindex: '-1' }, 'Đăng nhập'),
      notice('info', `Bạn đang đăng nhập là ${session.user.fullName} (${session.user.roleLabel}).`),
      h('div', { class: 'actions' },
        h('a', { class: 'btn', href: nextHash(query) }, 'Tiếp tục'),
        h('button', { type: 'button', class: 'btn-secondary', onclick: async () => { await signOut().catch(() => {}); location.reload(); } }, 'Đăng xuất để đổi tài khoản'),
      ),
    );
    return;
  }
  const login = input('login', { autocomplete: 'username', maxlength: '60', required: true });
  const password = passwordInput('password', 'current-password');
  markPasswords(password);
  const button = h('button', { type: 'submit' }, 'Đăng nhập');
  const out = h('div', { class: 'form-out', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form narrow', id: 'sign-in-form', novalidate: true },
    field('Tên đăng nhập hoặc số điện thoại', login),
    field('Mật khẩu', password),
  );
  form.append(showPasswords(form, 'show-password'), h('div', { class: 'actions' }, button), out);
  wire(form, button, out, 'Đang đăng nhập…',
    () => (!login.value.trim() ? 'Hãy nhập tên đăng nhập hoặc số điện thoại.' : !password.value ? 'Hãy nhập mật khẩu.' : null),
    async () => {
      const res = await post('/api/auth/login', { login: login.value.trim(), password: password.value });
      await signedIn(res.user);
      location.replace(res.user.mustChangePassword ? `#/doi-mat-khau${carry(query)}` : nextHash(query));
    });

  const reset = resetSection((name) => {
    login.value = name;
    password.value = '';
    password.focus();
  });
  view.append(
    h('h2', { tabindex: '-1' }, 'Đăng nhập'),
    h('p', { class: 'lead' }, 'Dành cho cán bộ và thành viên Tổ công nghệ số cộng đồng. Tài khoản do cán bộ xã, phường hoặc tỉnh cấp.'),
    query?.get('tiep') ? notice('info', 'Hãy đăng nhập để mở trang này; xong sẽ quay lại đúng trang.') : '',
    form,
    reset,
  );
  if (query?.get('ma')) reset.querySelector('.reset-toggle').click();
  else login.focus();
}

/** "Quên mật khẩu / Có mã đặt lại": login + one-time code + new password. */
function resetSection(done) {
  const panelId = 'reset-panel';
  const toggle = h('button', { type: 'button', class: 'btn-link reset-toggle', 'aria-expanded': 'false', 'aria-controls': panelId }, 'Quên mật khẩu / Có mã đặt lại');
  const login = input('reset-login', { autocomplete: 'username', maxlength: '60', required: true });
  const code = input('reset-code', { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '12', required: true, placeholder: '8 chữ số' });
  const pw = passwordInput('reset-password', 'new-password');
  const again = passwordInput('reset-password2', 'new-password');
  markPasswords(pw, again);
  const button = h('button', { type: 'submit' }, 'Đặt mật khẩu mới');
  const out = h('div', { class: 'form-out', 'aria-live': 'polite' });
  const form = h('form', { class: 'form', id: 'reset-form', novalidate: true },
    field('Tên đăng nhập hoặc số điện thoại', login),
    field('Mã đặt lại', code, 'Mã 8 chữ số cán bộ đưa cho bạn; dùng được một lần, trong 24 giờ.'),
    field('Mật khẩu mới', pw, PASSWORD_RULE),
    field('Nhập lại mật khẩu mới', again),
  );
  form.append(showPasswords(form, 'reset-show'), h('div', { class: 'actions' }, button), out);
  const panel = h('div', { id: panelId, hidden: true },
    h('p', {}, 'Quên mật khẩu hoặc tài khoản bị tạm khoá? Hãy gọi điện hoặc gặp cán bộ quản lý tài khoản của bạn (cán bộ xã, phường hoặc tỉnh) để được cấp ', h('strong', {}, 'mã đặt lại'), ' gồm 8 chữ số, rồi nhập vào đây cùng mật khẩu mới.'),
    form,
  );
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    panel.hidden = !open;
    if (open) login.focus();
  });
  wire(form, button, out, 'Đang đặt…',
    () => {
      if (!login.value.trim()) return 'Hãy nhập tên đăng nhập hoặc số điện thoại.';
      if (!/^\d{8}$/.test(code.value.replace(/\D/g, ''))) return 'Mã đặt lại gồm 8 chữ số.';
      if (pw.value !== again.value) return 'Hai lần nhập mật khẩu mới không khớp.';
      return passwordProblem(pw.value, [login.value.trim()]);
    },
    async () => {
      await post('/api/auth/reset', { login: login.value.trim(), code: code.value.replace(/\D/g, ''), newPassword: pw.value });
      const name = login.value.trim();
      form.reset();
      out.append(notice('ok', 'Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới ở khung phía trên.'));
      done(name);
    });
  return h('section', { class: 'card reset-box', 'aria-label': 'Đặt lại mật khẩu' }, toggle, panel);
}

/** #/doi-mat-khau — change one's own password (required first when an officer issued it). */
export async function changePasswordPage(view, _params, query) {
  document.title = 'Ngõ Số — Đổi mật khẩu';
  const forced = !!session.user?.mustChangePassword;
  const current = passwordInput('current-password', 'current-password');
  const pw = passwordInput('new-password', 'new-password');
  const again = passwordInput('new-password2', 'new-password');
  markPasswords(current, pw, again);
  const button = h('button', { type: 'submit' }, 'Đổi mật khẩu');
  const out = h('div', { class: 'form-out', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form narrow', id: 'password-form', novalidate: true },
    // hidden user name field: lets password managers store the new password under the right account
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: session.user.username ?? '', hidden: true, readonly: true }),
    field(forced ? 'Mật khẩu được cấp' : 'Mật khẩu hiện tại', current),
    field('Mật khẩu mới', pw, PASSWORD_RULE),
    field('Nhập lại mật khẩu mới', again),
  );
  form.append(showPasswords(form, 'password-show'), h('div', { class: 'actions' }, button), out);
  view.append(
    h('h2', { tabindex: '-1' }, 'Đổi mật khẩu'),
    forced
      ? notice('info', h('strong', {}, 'Cần đổi mật khẩu trước khi tiếp tục. '), 'Mật khẩu bạn đang dùng do cán bộ cấp; hãy đặt mật khẩu mới chỉ riêng bạn biết.')
      : h('p', { class: 'lead' }, `Tài khoản: ${session.user.fullName} (${session.user.username ?? session.user.phone ?? ''}).`),
    form,
  );
  wire(form, button, out, 'Đang đổi…',
    () => {
      if (!current.value) return forced ? 'Hãy nhập mật khẩu được cấp.' : 'Hãy nhập mật khẩu hiện tại.';
      if (pw.value !== again.value) return 'Hai lần nhập mật khẩu mới không khớp.';
      if (pw.value === current.value) return 'Mật khẩu mới phải khác mật khẩu cũ.';
      return passwordProblem(pw.value, [session.user.username]);
    },
    async () => {
      await post('/api/auth/password', { currentPassword: current.value, newPassword: pw.value });
      await signedIn({ ...session.user, mustChangePassword: false });
      flash('ok', 'Đã đổi mật khẩu. Lần sau hãy đăng nhập bằng mật khẩu mới.');
      location.replace(nextHash(query));
    });
  current.focus();
}
