// The FAQ of the public page /hoi-dap (seed 000 art. 6.2c): national entries are the level-1 admin's,
// an agency's own are its admins'. The buttons offered are the API's rule, so none leads to a refusal.
import { api, el, localTime, renderHeader, requireLogin, showError } from './api.js';
import { check, confirmAction, field, isNational, messageRow, td } from './admin-common.js';

const user = requireLogin();
renderHeader('admin-faq');

const national = isNational(user);
const errorLine = document.getElementById('error');
const notice = document.getElementById('notice');
const filters = document.getElementById('filters');
const tbody = document.querySelector('#faq tbody');
const dialog = document.getElementById('faq-dialog');
const form = document.getElementById('faq-form');
const formError = document.getElementById('faq-error');
const COLUMNS = 6;

let agencies = [];
let editing = null;

function say(text) {
  notice.textContent = text;
  notice.hidden = false;
  errorLine.hidden = true;
}

const agencyName = (code) => agencies.find((a) => a.code === code)?.name ?? code;
const scopeText = (code) => (code === null ? 'Toàn quốc' : agencyName(code));
/** The API's rule (api/routes/faq.ts): national entries for a level-1 admin, an agency's for its own admins. */
const mayKeep = (code) => (code === null ? national : national || code === user.agencyCode);

/** The first words of an answer: the whole text is in the edit dialog. */
const preview = (text) => (text.length > 160 ? `${text.slice(0, 157)}…` : text);

function renderRow(entry) {
  const b = (label, onclick, cls) => el('button', { type: 'button', class: cls, dataset: { action: label }, onclick }, label);
  return el(
    'tr',
    { dataset: { faq: String(entry.id), scope: entry.agencyCode ?? 'national' } },
    td('Câu hỏi', el('strong', {}, entry.question), el('br'), el('span', { class: 'muted' }, preview(entry.answer))),
    td('Phạm vi', scopeText(entry.agencyCode)),
    td('Thứ tự', String(entry.sortOrder)),
    td('Hiển thị', entry.published ? el('span', { class: 'badge ok' }, 'Đang hiển thị') : el('span', { class: 'badge closed' }, 'Đang ẩn')),
    td('Cập nhật', el('span', { class: 'nowrap' }, localTime(entry.updatedAt)), el('br'), el('span', { class: 'muted' }, entry.updatedBy === 'seed' ? 'nội dung ban đầu' : entry.updatedBy)),
    entry.editable
      ? el('td', { class: 'actions', 'data-label': 'Thao tác' }, b('Sửa', () => openEdit(entry), 'secondary'), b('Xoá', () => void remove(entry), 'danger secondary'))
      : td('Thao tác', el('span', { class: 'muted' }, 'Do quản trị cấp 1 cập nhật')),
  );
}

async function load() {
  const agency = new FormData(filters).get('agency');
  try {
    const { items } = await api.get(`/admin/faq${agency ? `?agency=${encodeURIComponent(agency)}` : ''}`);
    if (items.length === 0) messageRow(tbody, COLUMNS, 'Chưa có câu hỏi nào. Bấm “Thêm câu hỏi” để thêm câu hỏi đầu tiên.');
    else tbody.replaceChildren(...items.map(renderRow));
  } catch (err) {
    messageRow(tbody, COLUMNS, 'Không tải được danh sách câu hỏi.', 'error');
    showError(errorLine, err);
  }
}

function scopeSelect(current) {
  const options = [];
  if (national) options.push(el('option', { value: '', selected: current === null }, 'Toàn quốc (mọi cơ quan)'));
  for (const a of national ? agencies : agencies.filter((x) => x.code === user.agencyCode)) {
    options.push(el('option', { value: a.code, selected: current === a.code }, `${a.name} (${a.code})`));
  }
  if (options.length === 0) options.push(el('option', { value: user.agencyCode, selected: true }, user.agencyCode));
  return el('select', { name: 'agencyCode', required: true }, ...options);
}

function openDialog(entry) {
  editing = entry;
  formError.hidden = true;
  document.getElementById('faq-title').textContent = entry ? 'Sửa câu hỏi' : 'Thêm câu hỏi';
  const question = el('textarea', { name: 'question', required: true, maxlength: 500, rows: 2 });
  question.value = entry?.question ?? '';
  const answer = el('textarea', { name: 'answer', required: true, maxlength: 5000, rows: 8 });
  answer.value = entry?.answer ?? '';
  const order = el('input', { name: 'sortOrder', type: 'number', step: 1, min: -100000, max: 100000, value: entry?.sortOrder ?? 0, inputmode: 'numeric' });
  document.getElementById('faq-fields').replaceChildren(
    el(
      'div',
      { class: 'two' },
      field('Câu hỏi', question, 'Tối đa 500 ký tự.'),
      field('Phạm vi', scopeSelect(entry ? entry.agencyCode : national ? null : user.agencyCode), national ? 'Câu hỏi toàn quốc hiện trên trang hỏi đáp của mọi cơ quan.' : 'Câu hỏi của cơ quan bạn.'),
    ),
    field('Câu trả lời', answer, 'Tối đa 5000 ký tự; xuống dòng được giữ nguyên.'),
    el('div', { class: 'two' }, field('Thứ tự', order, 'Số nhỏ hiện trước; câu hỏi toàn quốc luôn hiện trước câu hỏi của cơ quan.'), check('Hiển thị trên trang công khai', { name: 'published', checked: entry ? entry.published : true })),
  );
  dialog.showModal();
  question.focus();
}

const openEdit = (entry) => openDialog(entry);

function bodyOf() {
  const data = new FormData(form);
  const question = String(data.get('question') ?? '').trim();
  const answer = String(data.get('answer') ?? '').trim();
  const order = Number(data.get('sortOrder') ?? 0);
  if (!question) return { problem: 'Vui lòng nhập câu hỏi.' };
  if (!answer) return { problem: 'Vui lòng nhập câu trả lời.' };
  if (!Number.isInteger(order)) return { problem: 'Thứ tự phải là số nguyên.' };
  const agencyCode = String(data.get('agencyCode') ?? '') || null;
  return { body: { question, answer, agencyCode, sortOrder: order, published: data.get('published') !== null } };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  formError.hidden = true;
  const { body, problem } = bodyOf();
  if (problem) {
    formError.textContent = problem;
    formError.hidden = false;
    return;
  }
  if (!mayKeep(body.agencyCode)) {
    formError.textContent = 'Câu hỏi toàn quốc do quản trị cấp 1 cập nhật.';
    formError.hidden = false;
    return;
  }
  const save = document.getElementById('faq-save');
  save.disabled = true;
  try {
    if (editing) await api.patch(`/admin/faq/${editing.id}`, body);
    else await api.post('/admin/faq', body);
    dialog.close();
    say(editing ? 'Đã lưu thay đổi của câu hỏi.' : 'Đã thêm câu hỏi.');
    await load();
  } catch (err) {
    showError(formError, err);
  } finally {
    save.disabled = false;
  }
});

async function remove(entry) {
  const yes = await confirmAction({
    title: 'Xoá câu hỏi?',
    message: `“${entry.question}” sẽ bị xoá khỏi trang hỏi đáp công khai và không khôi phục được. Muốn tạm ẩn, hãy sửa và bỏ chọn “Hiển thị trên trang công khai”.`,
    confirmLabel: 'Xoá câu hỏi',
  });
  if (!yes) return;
  try {
    await api.delete(`/admin/faq/${entry.id}`);
    say('Đã xoá câu hỏi.');
    await load();
  } catch (err) {
    showError(errorLine, err);
  }
}

document.getElementById('faq-cancel').addEventListener('click', () => dialog.close());
document.getElementById('create').addEventListener('click', () => openDialog(null));
filters.addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});

async function start() {
  try {
    agencies = (await api.get('/admin/agencies')).items;
  } catch {
    agencies = [];
  }
  if (national) {
    const select = document.getElementById('agency-filter');
    select.append(...agencies.map((a) => el('option', { value: a.code }, `${a.name} (${a.code})`)));
    document.getElementById('agency-filter-label').hidden = false;
    document.getElementById('filter').hidden = false;
  }
  await load();
}

if (user) void start();
