import { api, el, localTime, renderHeader, requireLogin, showError } from './api.js';
import { ROLE_LABELS } from './labels.js';
import { SCOPE_LABELS, check, confirmAction, field, isNational, messageRow, showSecret, td } from './admin-common.js';

const user = requireLogin();
renderHeader('admin-accounts');

const national = isNational(user);
const errorLine = document.getElementById('error');
const notice = document.getElementById('notice');
const filters = document.getElementById('filters');
const tbody = document.querySelector('#accounts tbody');
const dialog = document.getElementById('account-dialog');
const form = document.getElementById('account-form');
const formError = document.getElementById('account-error');
/** Roles a staff account may hold; a level-2 admin makes no admins (the API refuses it). */
const ROLES = ['one_stop_officer', 'appraiser', 'leader', 'accountant', 'supervisor', 'auditor', 'admin'].filter((r) => national || r !== 'admin');

let agencies = [];
let accounts = [];
let dormantDays = 90;
let editing = null;

function say(text) {
  notice.textContent = text;
  notice.hidden = false;
  errorLine.hidden = true;
}

const agencyName = (code) => agencies.find((a) => a.code === code)?.name;
const unitsOf = (code) => agencies.find((a) => a.code === code)?.units ?? [];

/** Whether this admin may manage that account: the API's rule (domain/account-admin.ts), so no button leads to a refusal. */
const manages = (a) => national || (a.agencyCode === user.agencyCode && !a.adminLevel);
const isSelf = (a) => a.username === user.username;

function rolesText(a) {
  return a.roles.map((r) => (r === 'admin' && a.adminLevel ? `${ROLE_LABELS.admin} cấp ${a.adminLevel}` : ROLE_LABELS[r] ?? r)).join(', ');
}

function statusCell(a) {
  return td(
    'Trạng thái',
    a.status === 'active' ? el('span', { class: 'badge ok' }, 'Đang hoạt động') : el('span', { class: 'badge closed' }, `Đã đóng${a.closedAt ? ` ${localTime(a.closedAt)}` : ''}`),
    a.dormant && a.status === 'active' ? el('span', { class: 'badge warn', dataset: { dormant: '' }, title: `Không đăng nhập từ ${dormantDays} ngày trở lên: cần rà soát và đóng nếu không còn dùng` }, ` Lâu không dùng (từ ${dormantDays} ngày)`) : null,
    a.locked ? el('span', { class: 'badge late' }, ` Tạm khoá đến ${localTime(a.lockedUntil)}`) : null,
    a.mustChangePassword ? el('span', { class: 'badge' }, ' Phải đổi mật khẩu') : null,
  );
}

function actionsCell(a) {
  if (!manages(a)) return td('Thao tác', el('span', { class: 'muted' }, 'Do quản trị cấp 1 quản lý'));
  const b = (label, onclick, cls) => el('button', { type: 'button', class: cls, dataset: { action: label }, onclick }, label);
  const self = isSelf(a);
  return el(
    'td',
    { class: 'actions', 'data-label': 'Thao tác' },
    b('Sửa', () => openEdit(a), 'secondary'),
    b('Phiên đăng nhập', () => void openSessions(a), 'secondary'),
    a.locked ? b('Mở khoá đăng nhập', () => void act(a, 'unlock', `Đã mở khoá đăng nhập cho ${a.username}.`), 'secondary') : null,
    !self ? b('Cấp lại mật khẩu', () => void resetPassword(a), 'secondary') : null,
    a.status === 'closed' ? b('Mở lại', () => void act(a, 'reopen', `Đã mở lại tài khoản ${a.username}.`), 'secondary') : null,
    a.status === 'active' && !self ? b('Đóng tài khoản', () => void closeAccount(a), 'danger') : null,
    !self ? b('Xoá', () => void deleteAccount(a), 'danger secondary') : null,
  );
}

function renderRow(a) {
  const unit = a.unit ? unitsOf(a.agencyCode).find((u) => u.code === a.unit)?.name ?? a.unit : null;
  return el(
    'tr',
    { dataset: { username: a.username }, class: a.status === 'closed' ? 'closed' : undefined },
    td('Tài khoản', el('strong', {}, a.username), el('br'), a.fullName, isSelf(a) ? el('span', { class: 'muted' }, ' (bạn)') : null),
    td('Vai trò', rolesText(a)),
    td('Cơ quan, đơn vị', agencyName(a.agencyCode) ?? a.agencyCode, el('br'), el('span', { class: 'muted' }, [a.agencyCode, unit].filter(Boolean).join(' · '))),
    td('Phạm vi dữ liệu', SCOPE_LABELS[a.scope] ?? a.scope),
    statusCell(a),
    td('Đăng nhập gần nhất', a.lastLoginAt ? localTime(a.lastLoginAt) : el('span', { class: 'muted' }, 'Chưa đăng nhập lần nào')),
    actionsCell(a),
  );
}

function render() {
  const q = String(new FormData(filters).get('q') ?? '').trim().toLowerCase();
  const shown = q ? accounts.filter((a) => a.username.toLowerCase().includes(q) || a.fullName.toLowerCase().includes(q)) : accounts;
  if (shown.length === 0) messageRow(tbody, 7, accounts.length ? 'Không có tài khoản nào khớp với tên đã nhập.' : 'Không có tài khoản nào theo bộ lọc này.');
  else tbody.replaceChildren(...shown.map(renderRow));
}

async function load() {
  const data = new FormData(filters);
  const params = new URLSearchParams();
  if (national && data.get('agency')) params.set('agency', String(data.get('agency')));
  if (data.get('status')) params.set('status', String(data.get('status')));
  if (data.get('dormant')) params.set('dormant', 'true');
  try {
    const res = await api.get(`/admin/accounts${params.size ? `?${params}` : ''}`);
    accounts = res.items;
    dormantDays = res.dormantDays;
    const dormant = accounts.filter((a) => a.dormant && a.status === 'active').length;
    document.getElementById('dormant-note').textContent =
      `Tài khoản “lâu không dùng”: không đăng nhập từ ${dormantDays} ngày trở lên (hoặc chưa đăng nhập lần nào từ khi tạo). ` +
      (dormant ? `Có ${dormant} tài khoản cần rà soát.` : 'Không có tài khoản nào cần rà soát.');
    render();
  } catch (err) {
    messageRow(tbody, 7, 'Không tải được danh sách tài khoản.', 'error');
    showError(errorLine, err);
  }
}

async function loadAgencies() {
  try {
    if (national) {
      agencies = (await api.get('/admin/agencies')).items;
      const select = document.getElementById('agency-filter');
      select.append(...agencies.map((a) => el('option', { value: a.code }, `${a.name} (${a.code})`)));
      document.getElementById('agency-filter-label').hidden = false;
    } else {
      agencies = [await api.get(`/admin/agencies/${encodeURIComponent(user.agencyCode)}`)];
      document.getElementById('intro').textContent += ` Bạn quản lý tài khoản của ${agencies[0].name}.`;
    }
  } catch (err) {
    showError(errorLine, err);
  }
}

// ---- the account form: create and edit ----

function unitSelect(agencyCode, current) {
  const select = el('select', { name: 'unit' }, el('option', { value: '' }, 'Không thuộc đơn vị nào'));
  for (const u of unitsOf(agencyCode)) select.append(el('option', { value: u.code, selected: u.code === current }, `${u.name} (${u.code})`));
  return select;
}

function renderForm(a) {
  const creating = !a;
  const fields = document.getElementById('account-fields');
  const agencyCode = a?.agencyCode ?? (national ? agencies[0]?.code : user.agencyCode);
  const unitHolder = el('div', {}, field('Đơn vị', unitSelect(agencyCode, a?.unit)));
  const parts = [field('Họ và tên', el('input', { name: 'fullName', required: true, maxlength: 200, value: a?.fullName ?? '', autocomplete: 'off' }), creating ? 'Tên đăng nhập được tạo tự động từ họ tên (ví dụ nguyenvana, nguyenvana01…).' : `Tên đăng nhập: ${a.username} (không đổi được).`)];
  if (creating && national) {
    const agency = el('select', { name: 'agencyCode', required: true }, ...agencies.map((x) => el('option', { value: x.code }, `${x.name} (${x.code})`)));
    agency.addEventListener('change', () => unitHolder.replaceChildren(field('Đơn vị', unitSelect(agency.value))));
    parts.push(field('Cơ quan', agency));
  } else {
    parts.push(el('p', { class: 'muted' }, `Cơ quan: ${agencyName(agencyCode) ?? agencyCode} (${agencyCode})`));
  }
  parts.push(unitHolder);
  // An admin does not change its own roles (the API answers 409 OWN_ACCOUNT).
  if (!a || !isSelf(a)) {
    const level = el(
      'select',
      { name: 'adminLevel' },
      el('option', { value: '2', selected: a?.adminLevel !== 1 }, 'Cấp 2: quản trị một cơ quan'),
      el('option', { value: '1', selected: a?.adminLevel === 1 }, 'Cấp 1: quản trị toàn quốc'),
    );
    const levelField = field('Cấp quản trị', level);
    const roles = el('fieldset', {}, el('legend', {}, 'Vai trò (chọn một hoặc nhiều)'), ...ROLES.map((r) => check(ROLE_LABELS[r], { name: 'roles', value: r, checked: a?.roles.includes(r) })));
    const syncLevel = () => {
      levelField.hidden = !national || !roles.querySelector('input[value="admin"]')?.checked;
    };
    roles.addEventListener('change', syncLevel);
    parts.push(roles, levelField);
    queueMicrotask(syncLevel);
  } else {
    parts.push(el('p', { class: 'muted' }, `Vai trò: ${rolesText(a)} (bạn không tự đổi vai trò của mình).`));
  }
  parts.push(
    field('Phạm vi dữ liệu', el('select', { name: 'scope' }, ...Object.entries(SCOPE_LABELS).map(([v, l]) => el('option', { value: v, selected: (a?.scope ?? 'own') === v }, l))), 'Những hồ sơ tài khoản được xem khi tìm kiếm hoặc tra cứu.'),
    field('Địa chỉ IP được phép dùng', el('textarea', { name: 'ipAllowList', rows: 2, placeholder: 'ví dụ 10.0.0.0/8' }, (a?.ipAllowList ?? []).join('\n')), 'Mỗi dòng một địa chỉ hoặc dải CIDR; để trống: dùng được ở mọi nơi.'),
  );
  fields.replaceChildren(...parts);
}

function bodyOf(a) {
  const data = new FormData(form);
  const body = {
    fullName: String(data.get('fullName') ?? '').trim(),
    unit: data.get('unit') ? String(data.get('unit')) : null,
    scope: String(data.get('scope')),
    ipAllowList: String(data.get('ipAllowList') ?? '').split(/\s+/).filter(Boolean),
  };
  if (!a && national) body.agencyCode = String(data.get('agencyCode'));
  if (!a || !isSelf(a)) {
    body.roles = data.getAll('roles').map(String);
    if (body.roles.includes('admin')) body.adminLevel = national ? Number(data.get('adminLevel')) : 2;
    else if (a) body.adminLevel = null;
  }
  if (!a && body.unit === null) delete body.unit;
  return body;
}

function openCreate() {
  editing = null;
  document.getElementById('account-title').textContent = 'Tạo tài khoản mới';
  document.getElementById('account-save').textContent = 'Tạo tài khoản';
  renderForm(null);
  formError.hidden = true;
  dialog.showModal();
}

function openEdit(a) {
  editing = a;
  document.getElementById('account-title').textContent = `Sửa tài khoản ${a.username}`;
  document.getElementById('account-save').textContent = 'Lưu thay đổi';
  renderForm(a);
  formError.hidden = true;
  dialog.showModal();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = bodyOf(editing);
  if (!body.fullName) return showError(formError, new Error('hãy nhập họ và tên.'));
  if (body.roles && body.roles.length === 0) return showError(formError, new Error('hãy chọn ít nhất một vai trò.'));
  const button = document.getElementById('account-save');
  button.disabled = true;
  try {
    if (editing) {
      const saved = await api.patch(`/admin/accounts/${encodeURIComponent(editing.username)}`, body);
      dialog.close();
      say(`Đã lưu thay đổi của tài khoản ${saved.username}.`);
    } else {
      const { account, initialPassword } = await api.post('/admin/accounts', body);
      dialog.close();
      say(`Đã tạo tài khoản ${account.username}.`);
      await showSecret({
        title: `Tài khoản ${account.username} đã được tạo`,
        rows: [
          { label: 'Tên đăng nhập', value: account.username, key: 'username' },
          { label: 'Mật khẩu dùng một lần', value: initialPassword, key: 'password' },
        ],
        note: 'Mật khẩu chỉ hiện một lần này. Hãy trao cho người dùng qua kênh an toàn; họ phải đổi mật khẩu ở lần đăng nhập đầu tiên.',
      });
    }
    void load();
  } catch (err) {
    showError(formError, err);
  } finally {
    button.disabled = false;
  }
});
document.getElementById('account-cancel').addEventListener('click', () => dialog.close());

// ---- one-click actions, the destructive ones confirmed ----

async function act(a, what, done) {
  try {
    await api.post(`/admin/accounts/${encodeURIComponent(a.username)}/${what}`);
    say(done);
    void load();
  } catch (err) {
    showError(errorLine, err);
  }
}

async function closeAccount(a) {
  const ok = await confirmAction({
    title: `Đóng tài khoản ${a.username}?`,
    message: `${a.fullName} sẽ không đăng nhập được nữa và mọi phiên đăng nhập đang mở kết thúc ngay. Có thể mở lại sau.`,
    confirmLabel: 'Đóng tài khoản',
  });
  if (ok) await act(a, 'close', `Đã đóng tài khoản ${a.username}.`);
}

async function resetPassword(a) {
  const ok = await confirmAction({
    title: `Cấp lại mật khẩu cho ${a.username}?`,
    message: 'Mật khẩu hiện tại hết hiệu lực, các phiên đăng nhập kết thúc; người dùng phải đổi mật khẩu mới ở lần đăng nhập tới.',
    confirmLabel: 'Cấp lại mật khẩu',
  });
  if (!ok) return;
  try {
    const { account, initialPassword } = await api.post(`/admin/accounts/${encodeURIComponent(a.username)}/reset-password`);
    say(`Đã cấp lại mật khẩu cho ${account.username}.`);
    await showSecret({
      title: `Mật khẩu mới của ${account.username}`,
      rows: [{ label: 'Mật khẩu dùng một lần', value: initialPassword, key: 'password' }],
      note: 'Mật khẩu chỉ hiện một lần này; người dùng phải đổi ở lần đăng nhập tới.',
    });
    void load();
  } catch (err) {
    showError(errorLine, err);
  }
}

async function deleteAccount(a) {
  const ok = await confirmAction({
    title: `Xoá hẳn tài khoản ${a.username}?`,
    message: 'Chỉ xoá được tài khoản chưa để lại dấu vết nào (chưa xử lý hồ sơ, chưa đăng nhập). Việc xoá không hoàn tác được; nếu tài khoản đã dùng, hãy đóng tài khoản.',
    confirmLabel: 'Xoá tài khoản',
  });
  if (!ok) return;
  try {
    await api.delete(`/admin/accounts/${encodeURIComponent(a.username)}`);
    say(`Đã xoá tài khoản ${a.username}.`);
    void load();
  } catch (err) {
    showError(errorLine, err);
  }
}

// ---- logins ----

const sessionsDialog = document.getElementById('sessions-dialog');
let sessionsOf = null;

async function openSessions(a) {
  sessionsOf = a;
  document.getElementById('sessions-title').textContent = `Phiên đăng nhập của ${a.username}`;
  const body = document.querySelector('#sessions tbody');
  const errorBox = document.getElementById('sessions-error');
  errorBox.hidden = true;
  messageRow(body, 4, 'Đang tải…');
  sessionsDialog.showModal();
  try {
    const { items } = await api.get(`/admin/accounts/${encodeURIComponent(a.username)}/sessions`);
    if (items.length === 0) messageRow(body, 4, 'Tài khoản chưa đăng nhập lần nào.');
    else {
      body.replaceChildren(
        ...items.map((s) =>
          el(
            'tr',
            {},
            td('Bắt đầu', localTime(s.createdAt)),
            td('Hết hạn', localTime(s.expiresAt)),
            td('Địa chỉ IP', s.ip ?? '—'),
            td('Trạng thái', s.active ? el('span', { class: 'badge ok' }, 'Đang mở') : `Đã kết thúc${s.revokedAt ? ` ${localTime(s.revokedAt)}` : ''}`),
          ),
        ),
      );
    }
  } catch (err) {
    showError(errorBox, err);
  }
}

document.getElementById('sessions-close').addEventListener('click', () => sessionsDialog.close());
document.getElementById('sessions-revoke').addEventListener('click', async () => {
  if (!sessionsOf) return;
  const a = sessionsOf;
  sessionsDialog.close();
  const ok = await confirmAction({
    title: `Kết thúc mọi phiên đăng nhập của ${a.username}?`,
    message: isSelf(a) ? 'Các phiên khác của bạn kết thúc; phiên đang dùng được giữ lại.' : 'Người dùng phải đăng nhập lại trên mọi thiết bị.',
    confirmLabel: 'Kết thúc phiên',
  });
  if (!ok) return;
  try {
    const { revoked } = await api.post(`/admin/accounts/${encodeURIComponent(a.username)}/sessions/revoke`);
    say(`Đã kết thúc ${revoked} phiên đăng nhập của ${a.username}.`);
  } catch (err) {
    showError(errorLine, err);
  }
});

filters.addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
filters.elements.q.addEventListener('input', render);
document.getElementById('create').addEventListener('click', openCreate);

if (user) {
  await loadAgencies();
  await load();
}
