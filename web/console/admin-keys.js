import { api, el, localTime, renderHeader, requireLogin, showError } from './api.js';
import { WEBHOOK_EVENT_LABELS, check, confirmAction, isNational, keyApi, messageRow, showSecret, td } from './admin-common.js';

const user = requireLogin();
renderHeader('admin-keys');

const national = isNational(user);
const errorLine = document.getElementById('error');
const notice = document.getElementById('notice');
const keysBody = document.querySelector('#keys tbody');
const keyDialog = document.getElementById('key-dialog');
const keyForm = document.getElementById('new-key-form');
const keyError = document.getElementById('key-error');
let agencies = [];

function say(text) {
  notice.textContent = text;
  notice.hidden = false;
  errorLine.hidden = true;
}

const agenciesText = (codes) => (codes.includes('*') ? 'Tất cả cơ quan' : codes.map((c) => agencies.find((a) => a.code === c)?.name ?? c).join(', '));

function renderKey(k) {
  const revoked = k.revokedAt !== null;
  return el(
    'tr',
    { dataset: { key: k.name } },
    td('Tên', el('strong', {}, k.name), el('br'), el('span', { class: 'muted' }, `tạo bởi ${k.createdBy === 'seed' ? 'dữ liệu ban đầu' : k.createdBy}`)),
    td('Đầu khoá', el('code', {}, `${k.keyPrefix}…`)),
    td('Cơ quan', agenciesText(k.agencyCodes)),
    td('Tạo lúc', localTime(k.createdAt)),
    td('Dùng gần nhất', k.lastUsedAt ? localTime(k.lastUsedAt) : el('span', { class: 'muted' }, 'Chưa dùng')),
    td('Trạng thái', revoked ? el('span', { class: 'badge closed' }, `Đã thu hồi ${localTime(k.revokedAt)} (${k.revokedBy})`) : el('span', { class: 'badge ok' }, 'Đang hiệu lực')),
    el('td', { class: 'actions', 'data-label': 'Thao tác' }, revoked ? el('span', { class: 'muted' }, '—') : el('button', { type: 'button', class: 'danger', onclick: () => void revoke(k) }, 'Thu hồi')),
  );
}

async function loadKeys() {
  try {
    const { items } = await api.get('/admin/api-keys');
    if (items.length === 0) messageRow(keysBody, 7, 'Chưa có khoá API nào.');
    else keysBody.replaceChildren(...items.map(renderKey));
  } catch (err) {
    messageRow(keysBody, 7, 'Không tải được danh sách khoá.', 'error');
    showError(errorLine, err);
  }
}

async function revoke(k) {
  const ok = await confirmAction({
    title: `Thu hồi khoá ${k.name}?`,
    message: 'Khoá hết hiệu lực ngay ở lần gọi tiếp theo; hệ thống đang dùng khoá sẽ bị từ chối. Không hoàn tác được (cần tạo khoá mới với tên khác).',
    confirmLabel: 'Thu hồi khoá',
  });
  if (!ok) return;
  try {
    await api.post(`/admin/api-keys/${k.id}/revoke`);
    say(`Đã thu hồi khoá ${k.name}.`);
    void loadKeys();
  } catch (err) {
    showError(errorLine, err);
  }
}

function openCreate() {
  keyForm.reset();
  keyError.hidden = true;
  const holder = document.getElementById('key-agencies');
  if (national) {
    const all = check('Tất cả cơ quan (khoá toàn quốc)', { name: 'all', value: '*' });
    const list = el('fieldset', {}, el('legend', {}, 'Các cơ quan khoá được thay mặt'), all, ...agencies.map((a) => check(`${a.name} (${a.code})`, { name: 'agency', value: a.code })));
    list.addEventListener('change', () => {
      const isAll = all.querySelector('input').checked;
      for (const box of list.querySelectorAll('input[name="agency"]')) box.disabled = isAll;
    });
    holder.replaceChildren(list);
  } else {
    holder.replaceChildren(el('p', { class: 'muted' }, `Khoá chỉ thay mặt cơ quan của bạn: ${agencies[0]?.name ?? user.agencyCode} (${user.agencyCode}).`));
  }
  keyDialog.showModal();
}

keyForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(keyForm);
  const name = String(data.get('name') ?? '').trim();
  const agencyCodes = !national ? [user.agencyCode] : data.get('all') ? ['*'] : data.getAll('agency').map(String);
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(name)) return showError(keyError, new Error('tên khoá gồm 3 đến 64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.'));
  if (agencyCodes.length === 0) return showError(keyError, new Error('hãy chọn ít nhất một cơ quan.'));
  const button = document.getElementById('key-save');
  button.disabled = true;
  try {
    const created = await api.post('/admin/api-keys', { name, agencyCodes });
    keyDialog.close();
    say(`Đã tạo khoá ${created.name}.`);
    void loadKeys();
    await showSecret({
      title: `Khoá API ${created.name}`,
      rows: [{ label: 'Khoá (gửi trong tiêu đề X-API-Key)', value: created.key, key: 'api-key' }],
      note: 'Khoá chỉ hiện một lần này và không được lưu ở đâu; hãy trao cho bên tích hợp qua kênh an toàn. Mất khoá thì thu hồi và tạo khoá mới.',
    });
    // The key is still in hand: its webhook subscriptions can be set up now, before it leaves this page.
    document.getElementById('webhook-key').value = created.key;
  } catch (err) {
    showError(keyError, err);
  } finally {
    button.disabled = false;
  }
});
document.getElementById('key-cancel').addEventListener('click', () => keyDialog.close());
document.getElementById('create-key').addEventListener('click', openCreate);

// ---- webhook subscriptions, through the integrator's own key ----

const webhookError = document.getElementById('webhook-error');
const webhooksBody = document.querySelector('#webhooks tbody');
let integrator = null;

document.getElementById('webhook-events').append(...Object.entries(WEBHOOK_EVENT_LABELS).map(([value, label]) => check(label, { name: 'events', value, checked: true })));

function renderWebhook(w) {
  return el(
    'tr',
    { dataset: { webhook: w.id } },
    td('Địa chỉ nhận', el('code', {}, w.url)),
    td('Sự kiện', w.events.map((e) => WEBHOOK_EVENT_LABELS[e] ?? e).join(', ')),
    td(
      'Trạng thái',
      w.status === 'active'
        ? el('span', { class: 'badge ok' }, 'Đang gửi')
        : el('span', { class: 'badge late' }, `Đã tạm dừng${w.failingSince ? ` (gửi lỗi liên tục từ ${localTime(w.failingSince)})` : ''}`),
      w.status === 'active' && w.failingSince ? el('span', { class: 'badge warn' }, ` Đang gửi lỗi từ ${localTime(w.failingSince)}`) : null,
    ),
    td('Tạo lúc', localTime(w.createdAt)),
    el(
      'td',
      { class: 'actions', 'data-label': 'Thao tác' },
      el('button', { type: 'button', class: 'secondary', onclick: () => void rotate(w) }, 'Đổi khoá ký'),
      el('button', { type: 'button', class: 'danger', onclick: () => void unsubscribe(w) }, 'Huỷ đăng ký'),
    ),
  );
}

async function loadWebhooks() {
  if (!integrator) return;
  webhookError.hidden = true;
  messageRow(webhooksBody, 5, 'Đang tải…');
  try {
    const me = await integrator.get('/auth/me');
    document.getElementById('webhooks-owner').textContent = `Khoá “${me.username}” · ${me.agencyCode === '*' ? 'tất cả cơ quan' : me.agencyCode}`;
    const { webhooks } = await integrator.get('/webhooks');
    document.getElementById('webhooks-area').hidden = false;
    if (webhooks.length === 0) messageRow(webhooksBody, 5, 'Khoá này chưa đăng ký webhook nào.');
    else webhooksBody.replaceChildren(...webhooks.map(renderWebhook));
  } catch (err) {
    document.getElementById('webhooks-area').hidden = true;
    showError(webhookError, err);
  }
}

document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = document.getElementById('webhook-key').value.trim();
  if (!key) return;
  integrator = keyApi(key);
  void loadWebhooks();
});

document.getElementById('webhook-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!integrator) return;
  const data = new FormData(event.target);
  const events = data.getAll('events').map(String);
  if (events.length === 0) return showError(webhookError, new Error('hãy chọn ít nhất một sự kiện.'));
  try {
    const created = await integrator.post('/webhooks', { url: String(data.get('url')), events });
    event.target.reset();
    void loadWebhooks();
    await showSecret({
      title: 'Đã đăng ký webhook',
      rows: [{ label: 'Khoá ký (kiểm tra tiêu đề webhook-signature)', value: created.secret, key: 'webhook-secret' }],
      note: 'Khoá ký chỉ hiện một lần này; hãy trao cho bên nhận qua kênh an toàn.',
    });
  } catch (err) {
    showError(webhookError, err);
  }
});

async function rotate(w) {
  const ok = await confirmAction({
    title: 'Đổi khoá ký của webhook?',
    message: 'Khoá ký mới có hiệu lực ngay; khoá cũ vẫn ký kèm trong 24 giờ để bên nhận kịp đổi.',
    confirmLabel: 'Đổi khoá ký',
    danger: false,
  });
  if (!ok) return;
  try {
    const { secret, previousSecretValidUntil } = await integrator.post(`/webhooks/${w.id}/rotate-secret`);
    await showSecret({
      title: 'Khoá ký mới',
      rows: [{ label: 'Khoá ký', value: secret, key: 'webhook-secret' }],
      note: `Khoá chỉ hiện một lần này. Khoá cũ còn ký kèm đến ${localTime(previousSecretValidUntil)}.`,
    });
  } catch (err) {
    showError(webhookError, err);
  }
}

async function unsubscribe(w) {
  const ok = await confirmAction({
    title: 'Huỷ đăng ký webhook?',
    message: `Không gửi thêm gì đến ${w.url}. Không hoàn tác được (có thể đăng ký lại, với khoá ký mới).`,
    confirmLabel: 'Huỷ đăng ký',
  });
  if (!ok) return;
  try {
    await integrator.delete(`/webhooks/${w.id}`);
    void loadWebhooks();
  } catch (err) {
    showError(webhookError, err);
  }
}

if (user) {
  try {
    agencies = national ? (await api.get('/admin/agencies')).items : [await api.get(`/admin/agencies/${encodeURIComponent(user.agencyCode)}`)];
  } catch (err) {
    showError(errorLine, err);
  }
  if (!national) document.getElementById('intro').textContent += ` Bạn quản lý các khoá của ${agencies[0]?.name ?? user.agencyCode}.`;
  await loadKeys();
}
