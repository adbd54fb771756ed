// What the administrators' and auditors' pages share: Vietnamese words for the API's codes, the
// confirm and one-time-secret dialogs, table cells that stack as cards on a phone.
import { apiErrorOf, el } from './api.js';

// Kept importable from here by the admin pages; defined once in api.js.
export { downloadBlob, vietnamInstant } from './api.js';

/** A level-1 (national) admin acts for every agency ('*'); a level-2 admin for its own only. */
export const isNational = (user) => user?.agencyCode === '*' || user?.adminLevel === 1;

export const SCOPE_LABELS = { agency: 'Toàn cơ quan', unit: 'Đơn vị của mình', own: 'Hồ sơ của mình' };

export const KIND_LABELS = {
  holiday: 'Ngày lễ, Tết',
  compensatory: 'Nghỉ bù',
  bridge: 'Nghỉ hoán đổi',
  makeup_workday: 'Làm bù (thứ Bảy)',
};

export const ACCESS_KIND_LABELS = {
  login: 'Đăng nhập',
  login_failed: 'Đăng nhập không thành công',
  logout: 'Đăng xuất',
  password_change: 'Đổi mật khẩu',
  lookup: 'Xem hồ sơ',
  search: 'Tìm kiếm',
  export: 'Xuất, tải tài liệu',
  submit: 'Nộp hồ sơ',
  action: 'Xử lý hồ sơ',
  audit: 'Kiểm tra, truy vết',
  admin: 'Thay đổi quản trị',
  admin_read: 'Xem cấu hình quản trị',
  callback: 'Dịch vụ bên ngoài gọi đến',
};

export const WEBHOOK_EVENT_LABELS = {
  'dossier.status_changed': 'Hồ sơ đổi trạng thái',
  'dossier.deadline_changed': 'Hồ sơ đổi ngày hẹn trả',
  'dossier.late': 'Hồ sơ quá hạn',
};

/** A table cell that carries its column's name, shown beside the value when rows stack as cards. */
export const td = (label, ...children) => el('td', { 'data-label': label }, el('span', { class: 'cell' }, ...children));

/** One row across the whole table: loading, empty, or an error in words. */
export function messageRow(tbody, colspan, text, cls = 'muted') {
  tbody.replaceChildren(el('tr', { class: 'message' }, el('td', { colspan, class: cls, 'data-label': '' }, text)));
}

/** A dialog built on the fly, removed once closed. */
function transientDialog(...children) {
  const dialog = el('dialog', { class: 'admin-dialog' }, ...children);
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
  return dialog;
}

/**
 * Asks before something that cannot be undone (or is hard to): the question, what will happen, and
 * a red button named for the action. Resolves true only when that button is pressed.
 */
export function confirmAction({ title, message, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = el('button', { type: 'button', class: danger ? 'danger' : undefined, onclick: () => { answer = true; dialog.close(); } }, confirmLabel);
    const no = el('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Huỷ');
    const dialog = transientDialog(
      el('h2', {}, title),
      el('p', {}, message),
      el('div', { class: 'actions' }, yes, no),
    );
    dialog.setAttribute('role', 'alertdialog');
    dialog.addEventListener('close', () => resolve(answer));
    // The safe choice has the focus: Enter does not destroy anything by accident.
    no.focus();
  });
}

/** Shows a secret the API gives once (a password, a key), large and copyable, with a warning. */
export function showSecret({ title, rows, note }) {
  return new Promise((resolve) => {
    const copyButton = (value) => {
      const b = el('button', { type: 'button', class: 'secondary', onclick: async () => {
        try {
          await navigator.clipboard.writeText(value);
          b.textContent = 'Đã sao chép';
        } catch {
          b.textContent = 'Hãy chọn và sao chép thủ công';
        }
      } }, 'Sao chép');
      return b;
    };
    const dialog = transientDialog(
      el('h2', {}, title),
      ...rows.map(({ label, value, key }) =>
        el('div', { class: 'secret-row' }, el('span', { class: 'secret-label' }, label), el('output', { class: 'secret', dataset: { secret: key } }, value), copyButton(value)),
      ),
      el('p', { class: 'warning' }, note),
      el('div', { class: 'actions' }, el('button', { type: 'button', onclick: () => dialog.close() }, 'Tôi đã lưu lại, đóng')),
    );
    dialog.addEventListener('close', () => resolve());
  });
}

/** A labelled field: every input has its label, and a hint under it when there is one. */
export function field(label, input, hint) {
  return el('label', {}, label, input, hint ? el('span', { class: 'hint' }, hint) : null);
}

/** A checkbox with its label beside it, big enough to touch. */
export function check(label, attrs) {
  return el('label', { class: 'check' }, el('input', { type: 'checkbox', ...attrs }), label);
}

/**
 * The API as an integrator's key sees it: webhook subscriptions belong to a key, not to an admin's
 * login. The key stays in this page's memory only; the session cookie is not sent with it.
 */
export function keyApi(key) {
  async function send(method, path, body) {
    const headers = { 'x-api-key': key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'omit', body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw await apiErrorOf(res);
    return res.status === 204 ? null : res.json();
  }
  return {
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    delete: (path) => send('DELETE', path),
  };
}
