import { api, el, localTime, renderHeader, requireLogin, showError } from './api.js';
import { ACCESS_KIND_LABELS, check, isNational, messageRow, td, vietnamInstant } from './admin-common.js';

const user = requireLogin();
renderHeader('admin-access-log');

const errorLine = document.getElementById('error');
const filters = document.getElementById('filters');
const tbody = document.querySelector('#log tbody');
const older = document.getElementById('older');
const newer = document.getElementById('newer');
/** The `before` of each page shown so far: page 1 has none. Going back pops it. */
let pages = [undefined];
let next = null;
/** Bowser's platform types, as people say them. */
const DEVICE_LABELS = { desktop: 'máy tính', mobile: 'điện thoại', tablet: 'máy tính bảng', tv: 'tivi', bot: 'chương trình tự động' };

document.getElementById('kinds').append(...Object.entries(ACCESS_KIND_LABELS).map(([value, label]) => check(label, { name: 'kind', value })));

function query(before) {
  const data = new FormData(filters);
  const params = new URLSearchParams();
  for (const name of ['username', 'target', 'ip']) {
    const v = String(data.get(name) ?? '').trim();
    if (v) params.set(name, v);
  }
  const from = vietnamInstant(String(data.get('from') ?? ''));
  const to = vietnamInstant(String(data.get('to') ?? ''));
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  const kinds = data.getAll('kind').map(String);
  if (kinds.length) params.set('kind', kinds.join(','));
  document.getElementById('kind-summary').textContent = kinds.length ? `(${kinds.map((k) => ACCESS_KIND_LABELS[k]).join(', ')})` : '(tất cả)';
  params.set('limit', String(data.get('limit') ?? '100'));
  if (before) params.set('before', String(before));
  return params;
}

function resultCell(status) {
  const ok = status < 400;
  return td('Kết quả', el('span', { class: `badge ${ok ? 'ok' : 'late'}`, title: `Mã trả lời HTTP ${status}` }, ok ? `Thành công (${status})` : `Bị từ chối hoặc lỗi (${status})`));
}

function renderRow(e) {
  const device = [e.browser, e.os, DEVICE_LABELS[e.device] ?? e.device].filter(Boolean).join(' · ');
  return el(
    'tr',
    { dataset: { id: String(e.id), kind: e.kind }, class: e.status >= 400 ? 'late' : undefined },
    td('Thời điểm', localTime(e.at)),
    td('Tài khoản', e.username ?? el('span', { class: 'muted' }, 'không rõ'), e.agencyCode ? el('span', { class: 'muted' }, ` · ${e.agencyCode === '*' ? 'toàn quốc' : e.agencyCode}`) : null),
    td('Loại', ACCESS_KIND_LABELS[e.kind] ?? e.kind),
    td('Yêu cầu', el('code', {}, e.what)),
    td('Đối tượng', e.target ?? '—'),
    resultCell(e.status),
    td('Địa chỉ, thiết bị', e.ip, device ? el('br') : null, device ? el('span', { class: 'muted' }, device) : null),
  );
}

async function load() {
  const page = pages.length;
  messageRow(tbody, 7, 'Đang tải nhật ký…');
  older.disabled = true;
  newer.disabled = true;
  try {
    const res = await api.get(`/admin/access-log?${query(pages.at(-1))}`);
    next = res.next;
    errorLine.hidden = true;
    if (res.items.length === 0) messageRow(tbody, 7, page === 1 ? 'Không có mục nào khớp với bộ lọc.' : 'Không còn mục nào cũ hơn.');
    else tbody.replaceChildren(...res.items.map(renderRow));
    document.getElementById('page-info').textContent = res.items.length
      ? `Trang ${page}: ${res.items.length} mục, từ ${localTime(res.items.at(-1).at)} đến ${localTime(res.items[0].at)}.`
      : `Trang ${page}.`;
    older.disabled = next === null;
    newer.disabled = page === 1;
  } catch (err) {
    messageRow(tbody, 7, 'Không tải được nhật ký.', 'error');
    showError(errorLine, err);
    newer.disabled = page === 1;
  }
}

filters.addEventListener('submit', (event) => {
  event.preventDefault();
  pages = [undefined];
  void load();
});
document.getElementById('clear').addEventListener('click', () => {
  filters.reset();
  pages = [undefined];
  void load();
});
older.addEventListener('click', () => {
  if (next === null) return;
  pages.push(next);
  void load();
});
newer.addEventListener('click', () => {
  if (pages.length <= 1) return;
  pages.pop();
  void load();
});

if (user) {
  if (!isNational(user)) document.getElementById('intro').textContent += ' Bạn xem nhật ký của các tài khoản thuộc cơ quan mình.';
  void load();
}
