import { actionButton, createActionDialog, doneText, hasForm, printReceiptButton } from './action-dialog.js';
import { api, el, hasRole, localTime, renderHeader, requireLogin, showError } from './api.js';
import { appraiserOptions, clockText, findingBadges } from './dossier-panel.js';
import { ACTION_LABELS, FINDINGS, ON_REQUEST, STATUS_LABELS, TURN } from './labels.js';

const user = requireLogin();
const params = new URLSearchParams(location.search);
const payments = params.get('view') === 'payments' || (user && user.roles.length === 1 && user.roles[0] === 'accountant');
renderHeader(payments ? 'payments' : 'queue');
if (payments) {
  document.getElementById('title').textContent = 'Lệ phí chờ xác nhận';
  document.getElementById('lead').textContent = 'Hồ sơ đã được phê duyệt, chờ ghi nhận lệ phí nộp tại quầy: đối chiếu biên lai rồi ghi nhận.';
  document.title = 'Lệ phí chờ xác nhận · Đổi GPLX một cửa';
}

const PAGE = 50;
const errorLine = document.getElementById('error');
const notice = document.getElementById('notice');
const filters = document.getElementById('filters');
const body = document.querySelector('#queue tbody');
const selected = new Map();
let rows = [];
let offset = 0;

// Only the states this person works in, and those they may step into on request (the leader's re-assignment).
const statusSelect = document.getElementById('f-status');
for (const [status, role] of [...Object.entries(TURN), ...Object.entries(ON_REQUEST)]) {
  if (user?.roles.includes(role) && !statusSelect.querySelector(`option[value="${status}"]`)) {
    statusSelect.append(el('option', { value: status }, STATUS_LABELS[status] + (ON_REQUEST[status] === role && TURN[status] !== role ? ' (phân công lại)' : '')));
  }
}
const findingSelect = document.getElementById('f-finding');
for (const [code, f] of Object.entries(FINDINGS)) findingSelect.append(el('option', { value: code }, f.label));
document.getElementById('f-assignee-box').hidden = !hasRole('leader');
// A name or citizen ID is personal data: only roles that see it are told they may search by it.
const personal = hasRole('one_stop_officer', 'leader', 'appraiser');
document.getElementById('q').setAttribute('placeholder', personal ? 'Mã hồ sơ, họ tên hoặc số định danh' : 'Mã hồ sơ');

const dialog = createActionDialog({
  onDone(row, action, state) {
    showDone(action, [state]);
    document.querySelector(`tr[data-reference="${row.reference}"]`)?.remove();
    // The list is read from the record, which follows the workflow a moment later.
    setTimeout(() => void load(), 800);
  },
  onStale(row, action) {
    // Someone else acted on it meanwhile: the officer decides again on the dossier as it is now.
    notice.textContent = `Hồ sơ ${row.code ?? row.reference} vừa được người khác cập nhật nên thao tác “${ACTION_LABELS[action]}” chưa được thực hiện. Danh sách đã được tải lại; vui lòng xem lại hồ sơ.`;
    void load();
  },
});

/** What was done, and for receipts the form 01 to hand over at once. */
function showDone(action, states) {
  const lines = states.map((state) =>
    el(
      'span',
      { class: 'done-line' },
      doneText(action, state),
      action === 'receive' && state.code ? printReceiptButton(state.code, `In giấy tiếp nhận (mẫu 01) ${state.code}`, errorLine) : null,
    ),
  );
  notice.replaceChildren(...lines);
}

function renderRow(row) {
  const id = row.code ?? row.reference;
  const check = el('input', {
    type: 'checkbox',
    'aria-label': `Chọn hồ sơ ${id}`,
    checked: selected.has(row.reference),
    onchange: (e) => {
      if (e.target.checked) selected.set(row.reference, row);
      else selected.delete(row.reference);
      updateBulk();
    },
  });
  return el(
    'tr',
    { class: row.late ? 'late' : undefined, dataset: { reference: row.reference, code: row.code ?? '' } },
    el('td', { 'data-label': 'Chọn' }, check),
    el('td', { 'data-label': 'Mã hồ sơ' }, el('a', { href: `/console/dossier.html?code=${encodeURIComponent(id)}` }, id)),
    el('td', { 'data-label': 'Người nộp' }, row.applicantName ?? '—'),
    el(
      'td',
      { 'data-label': 'Trạng thái' },
      el('span', {}, STATUS_LABELS[row.status]),
      row.assignee && row.status === 'IN_APPRAISAL' ? el('span', { class: 'muted' }, ` · ${row.assignee}`) : null,
      el('span', { class: 'badges' }, row.apologyDue ? el('span', { class: 'badge late' }, 'Cần xin lỗi, hẹn lại') : null, ...findingBadges(row.findings)),
    ),
    el('td', { 'data-label': 'Nộp lúc' }, localTime(row.submittedAt)),
    el(
      'td',
      { 'data-label': 'Hạn trả' },
      row.dueAt ? localTime(row.dueAt) : el('span', { class: 'muted' }, 'chưa tiếp nhận'),
      row.dueAt ? el('span', { class: row.late ? 'remaining late' : 'remaining' }, clockText(row)) : null,
      row.late ? el('span', { class: 'badge late' }, 'Trễ hạn') : null,
    ),
    el('td', { class: 'actions', 'data-label': 'Thao tác' }, ...row.actions.filter(hasForm).map((a) => actionButton(row, a, () => void dialog.open(row, a)))),
  );
}

/** The filters as last submitted: the refresh every 10 s must not apply what is still being typed. */
let applied = new FormData(filters);

function queryOf() {
  const q = new URLSearchParams();
  for (const [k, raw] of applied.entries()) {
    const v = String(raw).trim();
    if (!v) continue;
    // The office's day: "before 12/03" means before midnight starting the 12th, Vietnam time.
    q.set(k, k === 'dueBefore' ? `${v}T00:00:00+07:00` : String(v));
  }
  q.set('limit', String(PAGE));
  q.set('offset', String(offset));
  return q;
}

async function load() {
  try {
    const res = await api.get(`/work-queue?${queryOf()}`);
    rows = res.items;
    // A page emptied meanwhile (its dossiers were taken): the one before it.
    if (res.items.length === 0 && offset > 0) {
      offset = Math.max(0, offset - PAGE);
      return load();
    }
    const filtered = [...applied.values()].some((v) => v && v !== 'urgency');
    if (rows.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: 7, class: 'muted empty' }, filtered ? 'Không có hồ sơ nào khớp bộ lọc.' : payments ? 'Không có khoản lệ phí nào chờ xác nhận.' : 'Không có hồ sơ nào đang chờ bạn.')));
    else body.replaceChildren(...rows.map(renderRow));
    const end = offset + rows.length;
    document.getElementById('page-info').textContent = res.total ? `${offset + 1}–${end} trong ${res.total} hồ sơ` : '';
    document.getElementById('prev').disabled = offset === 0;
    document.getElementById('next').disabled = end >= res.total;
    // A selection survives a refresh only for rows still waiting.
    for (const ref of [...selected.keys()]) if (!rows.some((r) => r.reference === ref)) selected.delete(ref);
    updateBulk();
    errorLine.hidden = true;
  } catch (err) {
    showError(errorLine, err);
  }
}

const chosen = (action) => [...selected.values()].filter((r) => r.actions.includes(action));

function updateBulk() {
  const receivable = chosen('receive');
  const assignable = chosen('assign');
  document.getElementById('bulk').hidden = selected.size === 0;
  document.getElementById('bulk-count').textContent = `Đã chọn ${selected.size} hồ sơ`;
  document.getElementById('bulk-receive').hidden = receivable.length === 0;
  document.getElementById('bulk-receive').textContent = `Tiếp nhận ${receivable.length} hồ sơ đã chọn`;
  document.getElementById('bulk-assign-box').hidden = assignable.length === 0;
  document.getElementById('select-all').checked = rows.length > 0 && rows.every((r) => selected.has(r.reference));
}

/** One action on many dossiers: each with its own key and revision, so each is applied once or refused on its own. */
async function bulk(action, body) {
  const targets = chosen(action);
  const done = [];
  const failed = [];
  for (const row of targets) {
    try {
      done.push(await api.post(`/dossiers/${encodeURIComponent(row.code ?? row.reference)}/actions/${action}`, body, crypto.randomUUID(), row.etag));
    } catch (err) {
      failed.push(`${row.code ?? row.reference}: ${err.messageVi ?? err.message}`);
    }
  }
  selected.clear();
  showDone(action, done);
  if (failed.length) {
    errorLine.textContent = `Không thực hiện được với ${failed.length} hồ sơ — ${failed.join('; ')}`;
    errorLine.hidden = false;
  }
  setTimeout(() => void load(), 800);
}

document.getElementById('bulk-receive').addEventListener('click', () => void bulk('receive', {}));
document.getElementById('bulk-assign').addEventListener('click', () => {
  const appraiser = document.getElementById('bulk-appraiser').value;
  if (!appraiser) return showError(errorLine, new Error('chọn chuyên viên thẩm định trước khi phân công'));
  void bulk('assign', { appraiser });
});
document.getElementById('select-all').addEventListener('change', (e) => {
  for (const r of rows) if (e.target.checked) selected.set(r.reference, r);
  else selected.delete(r.reference);
  body.querySelectorAll('input[type="checkbox"]').forEach((c) => (c.checked = e.target.checked));
  updateBulk();
});
document.getElementById('prev').addEventListener('click', () => {
  offset = Math.max(0, offset - PAGE);
  void load();
});
document.getElementById('next').addEventListener('click', () => {
  offset += PAGE;
  void load();
});
filters.addEventListener('submit', (e) => {
  e.preventDefault();
  applied = new FormData(filters);
  offset = 0;
  void load();
});
filters.addEventListener('reset', () => {
  offset = 0;
  setTimeout(() => {
    applied = new FormData(filters);
    void load();
  });
});

if (user) {
  if (hasRole('leader')) {
    appraiserOptions()
      .then((options) => document.getElementById('bulk-appraiser').replaceChildren(el('option', { value: '' }, '— Chọn chuyên viên —'), ...options))
      .catch((err) => showError(errorLine, err));
  }
  void load();
  setInterval(() => {
    if (!dialog.isOpen() && selected.size === 0) void load();
  }, 10_000);
}
