import { api, el, localTime, renderHeader, requireLogin, showError } from './api.js';
import { confirmAction, field, isNational, messageRow, td } from './admin-common.js';

const user = requireLogin();
renderHeader('admin-agencies');

// Only a level-1 admin creates, edits and deletes agencies (api/routes/admin-agencies.ts); a
// level-2 admin sees its own agency, read-only.
const national = isNational(user);
const errorLine = document.getElementById('error');
const notice = document.getElementById('notice');
const tbody = document.querySelector('#agencies tbody');
const dialog = document.getElementById('agency-dialog');
const form = document.getElementById('agency-form');
const formError = document.getElementById('agency-error');
const unitsBox = document.getElementById('units');
let editing = null;

function say(text) {
  notice.textContent = text;
  notice.hidden = false;
  errorLine.hidden = true;
}

function renderRow(a) {
  const bank = a.bankAccount;
  return el(
    'tr',
    { dataset: { agency: a.code } },
    td('Mã', el('code', {}, a.code)),
    td('Tên cơ quan', el('strong', {}, a.name)),
    td('Tài khoản thụ hưởng', bank ? [bank.accountNumber, el('br'), el('span', { class: 'muted' }, `${bank.bankName} · ${bank.holder}`)] : el('span', { class: 'muted' }, 'Chưa khai báo')),
    td('Địa điểm tiếp nhận', a.receivingAddress ?? el('span', { class: 'muted' }, 'Chưa khai báo')),
    td('Đơn vị', a.units.length ? a.units.map((u) => `${u.name} (${u.code})`).join('; ') : el('span', { class: 'muted' }, 'Không có')),
    td('Cập nhật', a.updatedAt ? `${localTime(a.updatedAt)} · ${a.updatedBy}` : '—'),
    national
      ? el(
          'td',
          { class: 'actions', 'data-label': 'Thao tác' },
          el('button', { type: 'button', class: 'secondary', onclick: () => openEdit(a) }, 'Sửa'),
          el('button', { type: 'button', class: 'danger', onclick: () => void remove(a) }, 'Xoá'),
        )
      : td('Thao tác', el('span', { class: 'muted' }, 'Chỉ quản trị cấp 1 được sửa')),
  );
}

async function load() {
  try {
    const items = national ? (await api.get('/admin/agencies')).items : [await api.get(`/admin/agencies/${encodeURIComponent(user.agencyCode)}`)];
    if (items.length === 0) messageRow(tbody, 7, 'Chưa có cơ quan nào.');
    else tbody.replaceChildren(...items.map(renderRow));
  } catch (err) {
    messageRow(tbody, 7, 'Không tải được danh sách cơ quan.', 'error');
    showError(errorLine, err);
  }
}

function unitRow(u = { code: '', name: '' }) {
  const row = el(
    'div',
    { class: 'unit-row' },
    field('Mã đơn vị', el('input', { name: 'unitCode', value: u.code, maxlength: 16, autocomplete: 'off', placeholder: 'MC' })),
    field('Tên đơn vị', el('input', { name: 'unitName', value: u.name, maxlength: 200, autocomplete: 'off', placeholder: 'Bộ phận một cửa' })),
    el('button', { type: 'button', class: 'danger secondary', onclick: () => row.remove() }, 'Bỏ đơn vị'),
  );
  return row;
}

function fill(a) {
  form.reset();
  formError.hidden = true;
  const creating = !a;
  document.getElementById('agency-title').textContent = creating ? 'Thêm cơ quan' : `Sửa cơ quan ${a.code}`;
  document.getElementById('code-label').hidden = !creating;
  form.elements.code.value = a?.code ?? '';
  form.elements.name.value = a?.name ?? '';
  form.elements.receivingAddress.value = a?.receivingAddress ?? '';
  form.elements.bankName.value = a?.bankAccount?.bankName ?? '';
  form.elements.accountNumber.value = a?.bankAccount?.accountNumber ?? '';
  form.elements.holder.value = a?.bankAccount?.holder ?? '';
  unitsBox.replaceChildren(...(a?.units ?? []).map(unitRow));
}

function openCreate() {
  editing = null;
  fill(null);
  dialog.showModal();
}

function openEdit(a) {
  editing = a;
  fill(a);
  dialog.showModal();
}

function bodyOf() {
  const f = form.elements;
  const bank = { bankName: f.bankName.value.trim(), accountNumber: f.accountNumber.value.trim(), holder: f.holder.value.trim() };
  const someBank = bank.bankName || bank.accountNumber || bank.holder;
  if (someBank && !(bank.bankName && bank.accountNumber && bank.holder)) throw new Error('tài khoản thụ hưởng cần đủ ngân hàng, số tài khoản và chủ tài khoản (hoặc để trống cả ba).');
  const units = [...unitsBox.querySelectorAll('.unit-row')]
    .map((row) => ({ code: row.querySelector('[name=unitCode]').value.trim().toUpperCase(), name: row.querySelector('[name=unitName]').value.trim() }))
    .filter((u) => u.code || u.name);
  if (!f.name.value.trim()) throw new Error('hãy nhập tên cơ quan.');
  return {
    ...(editing ? {} : { code: f.code.value.trim() }),
    name: f.name.value.trim(),
    receivingAddress: f.receivingAddress.value.trim() || null,
    bankAccount: someBank ? bank : null,
    units,
  };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  let body;
  try {
    body = bodyOf();
  } catch (err) {
    return showError(formError, err);
  }
  const button = document.getElementById('agency-save');
  button.disabled = true;
  try {
    if (editing) {
      await api.patch(`/admin/agencies/${encodeURIComponent(editing.code)}`, body);
      say(`Đã lưu thay đổi của cơ quan ${editing.code}.`);
    } else {
      const created = await api.post('/admin/agencies', body);
      say(`Đã thêm cơ quan ${created.name} (${created.code}), với giờ làm việc mặc định.`);
    }
    dialog.close();
    void load();
  } catch (err) {
    showError(formError, err);
  } finally {
    button.disabled = false;
  }
});

async function remove(a) {
  const ok = await confirmAction({
    title: `Xoá cơ quan ${a.code}?`,
    message: `${a.name} sẽ bị xoá hẳn. Chỉ xoá được cơ quan chưa có tài khoản, hồ sơ hay khoá API nào. Không hoàn tác được.`,
    confirmLabel: 'Xoá cơ quan',
  });
  if (!ok) return;
  try {
    await api.delete(`/admin/agencies/${encodeURIComponent(a.code)}`);
    say(`Đã xoá cơ quan ${a.code}.`);
    void load();
  } catch (err) {
    showError(errorLine, err);
  }
}

document.getElementById('add-unit').addEventListener('click', () => {
  const row = unitRow();
  unitsBox.append(row);
  row.querySelector('input').focus();
});
document.getElementById('agency-cancel').addEventListener('click', () => dialog.close());
document.getElementById('create').addEventListener('click', openCreate);

if (user) {
  if (national) document.getElementById('page-actions').hidden = false;
  else document.getElementById('intro').textContent = 'Thông tin cơ quan của bạn. Chỉ quản trị cấp 1 (toàn quốc) được thêm, sửa hoặc xoá cơ quan.';
  void load();
}
