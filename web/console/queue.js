import { ACTION_FORMS, bodyOf, renderFields } from './action-forms.js';
import { api, el, localTime, renderHeader, requireLogin, showError } from './api.js';
import { ACTION_LABELS, STATUS_LABELS } from './labels.js';

const user = requireLogin();
renderHeader('queue');

const errorLine = document.getElementById('error');
const notice = document.getElementById('notice');
const dialog = document.getElementById('action-dialog');
const form = document.getElementById('action-form');
const actionError = document.getElementById('action-error');
let pending = null;

function openAction(row, action) {
  pending = { row, action, key: crypto.randomUUID() };
  document.getElementById('action-title').textContent = `${ACTION_LABELS[action]} · ${row.code ?? row.reference}`;
  document.getElementById('action-fields').replaceChildren(...renderFields(action, row));
  actionError.hidden = true;
  dialog.showModal();
}

document.getElementById('action-cancel').addEventListener('click', () => dialog.close());

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!pending) return;
  const { row, action, key } = pending;
  const button = document.getElementById('action-confirm');
  button.disabled = true;
  try {
    // The key is fixed when the dialog opens: pressing again after a lost answer applies the action once.
    const state = await api.post(`/dossiers/${encodeURIComponent(row.code ?? row.reference)}/actions/${action}`, bodyOf(action, form), key, row.etag);
    dialog.close();
    notice.textContent = `Đã thực hiện "${ACTION_LABELS[action]}" với hồ sơ ${state.code ?? state.reference}: ${STATUS_LABELS[state.status]}.`;
    document.querySelector(`tr[data-reference="${row.reference}"]`)?.remove();
    // The list is read from the record, which follows the workflow a moment later.
    setTimeout(() => void load(), 800);
  } catch (err) {
    if (err.status === 412) {
      // Someone else acted on it meanwhile: the officer decides again on the dossier as it is now.
      dialog.close();
      notice.textContent = `Hồ sơ ${row.code ?? row.reference} vừa được người khác cập nhật nên thao tác "${ACTION_LABELS[action]}" chưa được thực hiện. Danh sách đã được tải lại; vui lòng xem lại hồ sơ.`;
      void load();
    } else {
      showError(actionError, err);
    }
  } finally {
    button.disabled = false;
  }
});

function renderRow(row) {
  return el(
    'tr',
    { class: row.late ? 'late' : undefined, dataset: { reference: row.reference, code: row.code ?? '' } },
    el('td', {}, row.code ? el('a', { href: `/console/dossier.html?code=${encodeURIComponent(row.code)}` }, row.code) : el('span', { class: 'muted' }, row.reference)),
    el('td', {}, row.applicantName ?? '—'),
    el(
      'td',
      {},
      STATUS_LABELS[row.status],
      row.apologyDue ? el('span', { class: 'badge late' }, ' Cần xin lỗi, hẹn lại') : null,
      // Why approval is refused for now: a registry has not answered, and is asked again in the background.
      row.verificationPending ? el('span', { class: 'badge late', title: 'Cơ sở dữ liệu sức khoẻ hoặc vi phạm giao thông chưa phản hồi; hệ thống tự kiểm tra lại. Chưa thể phê duyệt cho đến khi có kết quả.' }, ' Chưa xác minh xong') : null,
    ),
    el('td', {}, row.dueAt ? localTime(row.dueAt) : el('span', { class: 'muted' }, 'chưa tiếp nhận'), row.late ? el('span', { class: 'badge late' }, ' Trễ hạn') : null),
    el(
      'td',
      { class: 'actions' },
      ...row.actions.filter((a) => ACTION_FORMS[a]).map((a) => el('button', { type: 'button', dataset: { action: a }, onclick: () => openAction(row, a) }, ACTION_LABELS[a])),
    ),
  );
}

async function load() {
  try {
    const { items } = await api.get('/work-queue');
    const body = document.querySelector('#queue tbody');
    if (items.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'Không có hồ sơ nào đang chờ bạn.')));
    else body.replaceChildren(...items.map(renderRow));
    errorLine.hidden = true;
  } catch (err) {
    showError(errorLine, err);
  }
}

if (user) {
  void load();
  setInterval(() => { if (!dialog.open) void load(); }, 10_000);
}
