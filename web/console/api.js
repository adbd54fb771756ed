// The console's only way to the server: the same JSON API every other client uses.

// The login itself is an HttpOnly cookie no script can read (api/auth/plugin.ts); the page keeps
// only who is logged in, for the header, and the login's CSRF token, which every request that
// changes something must carry (api/auth/csrf.ts).
const CSRF_KEY = 'gplx.csrf';
const USER_KEY = 'gplx.user';

export class ApiError extends Error {
  /** message: the API's English, for the console's log; messageVi: what the officer reads. */
  constructor(status, code, message, field, messageVi) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.messageVi = messageVi;
  }
}

export const session = {
  get loggedIn() {
    return sessionStorage.getItem(USER_KEY) !== null;
  },
  get user() {
    const raw = sessionStorage.getItem(USER_KEY);
    return raw ? JSON.parse(raw) : null;
  },
  save(csrfToken, user) {
    sessionStorage.setItem(CSRF_KEY, csrfToken);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(CSRF_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

/** Sends to the console's login page, coming back here afterwards. */
export function requireLogin() {
  if (session.loggedIn) return session.user;
  location.assign(`/console/login.html?next=${encodeURIComponent(location.pathname + location.search)}`);
  return null;
}

/** A refused answer as an ApiError: the API's error body when it sent one, the status line otherwise. */
export async function apiErrorOf(res) {
  let error = { code: 'HTTP_' + res.status, message: res.statusText, messageVi: res.status === 503 ? 'Hệ thống tạm thời gián đoạn; vui lòng thử lại sau ít phút.' : `Máy chủ trả lời lỗi ${res.status}.` };
  try {
    error = (await res.json()).error ?? error;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, error.code, error.message, error.field, error.messageVi);
}

/** A thin bar at the top of the page while any request is on its way: the officer sees the console working. */
let inFlight = 0;
function busy(delta) {
  inFlight += delta;
  document.documentElement.toggleAttribute('data-busy', inFlight > 0);
}

async function send(path, options = {}) {
  busy(1);
  try {
    return await sendNow(path, options);
  } finally {
    busy(-1);
  }
}

async function sendNow(path, { method = 'GET', body, idempotencyKey, ifMatch, raw = false, tagged = false } = {}) {
  const headers = {};
  // The revision the officer decided on: the API refuses (412) an action on a dossier changed since.
  if (ifMatch) headers['if-match'] = ifMatch;
  if (method !== 'GET') headers['x-csrf-token'] = sessionStorage.getItem(CSRF_KEY) ?? '';
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && session.loggedIn) {
    session.clear();
    requireLogin();
  }
  if (!res.ok) throw await apiErrorOf(res);
  if (raw) return res;
  if (tagged) return { body: await res.json(), etag: res.headers.get('etag') ?? undefined };
  return res.status === 204 ? null : res.json();
}

export const api = {
  get: (path) => send(path),
  /** The body and its ETag: the revision an action taken from this page must still find (If-Match). */
  tagged: (path) => send(path, { tagged: true }),
  post: (path, body, idempotencyKey, ifMatch) => send(path, { method: 'POST', body, idempotencyKey, ifMatch }),
  put: (path, body) => send(path, { method: 'PUT', body }),
  patch: (path, body) => send(path, { method: 'PATCH', body }),
  delete: (path) => send(path, { method: 'DELETE' }),
  blob: async (path) => (await send(path, { raw: true })).blob(),
};

const timeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  hour: '2-digit',
  minute: '2-digit',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/** "09:00 27/02/2026": office time, whatever the browser's own zone. */
export function localTime(iso) {
  if (!iso) return '—';
  const parts = Object.fromEntries(timeFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year}`;
}

/** "2026-03-05T09:00" from a datetime-local input, read as Vietnam time whatever the browser's zone. */
export const vietnamInstant = (local) => (local ? `${local.length === 16 ? `${local}:00` : local}+07:00` : undefined);

/** Saves a blob under a name, as a download. */
export function downloadBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Today in Vietnam as YYYY-MM-DD. */
export function today() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

/** Builds an element: el('a', { href: '#', class: 'x' }, 'text', child). Text is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Ends the session on the server too (a copied token stops working), then forgets it here. */
async function logout() {
  try {
    await send('/auth/logout', { method: 'POST' });
  } catch {
    // Already ended or expired: nothing left to revoke.
  }
  session.clear();
  location.assign('/console/login.html');
}

/**
 * Where each role works, in the order a person with several roles would look: the header shows
 * only what the account's roles may open (the API would answer 403 to the rest), and the first
 * entry is the role's landing page after login.
 */
const PAGES = [
  { key: 'queue', href: '/console/queue.html', label: 'Việc cần xử lý', roles: ['one_stop_officer', 'appraiser', 'leader'] },
  { key: 'payments', href: '/console/queue.html?view=payments', label: 'Lệ phí chờ xác nhận', roles: ['accountant'] },
  { key: 'audit', href: '/console/audit.html', label: 'Lịch sử và chạy lại', roles: ['auditor'] },
  { key: 'dashboard', href: '/console/', label: 'Bảng điều khiển', roles: ['supervisor', 'leader', 'one_stop_officer', 'auditor', 'admin'] },
  { key: 'admin-accounts', href: '/console/admin-accounts.html', label: 'Tài khoản', roles: ['admin'] },
  { key: 'admin-calendar', href: '/console/admin-calendar.html', label: 'Lịch làm việc', roles: ['admin'] },
  { key: 'admin-agencies', href: '/console/admin-agencies.html', label: 'Cơ quan', roles: ['admin'] },
  { key: 'admin-keys', href: '/console/admin-keys.html', label: 'Khóa API và webhook', roles: ['admin'] },
  { key: 'admin-access-log', href: '/console/admin-access-log.html', label: 'Nhật ký truy cập', roles: ['admin'] },
  { key: 'admin-faq', href: '/console/admin-faq.html', label: 'Hỏi đáp', roles: ['admin'] },
];

export const pagesOf = (user) => PAGES.filter((p) => p.roles.some((r) => user?.roles?.includes(r)));

/** The page a role starts its day on: the accountant's payments, the auditor's histories, the admin's accounts. */
export function landingOf(user) {
  const roles = user?.roles ?? [];
  if (roles.includes('supervisor')) return '/console/';
  return pagesOf(user)[0]?.href ?? '/console/';
}

export function hasRole(...roles) {
  return roles.some((r) => session.user?.roles?.includes(r));
}

/** The header every console page shares: where you are, who you are, and the way out. */
export function renderHeader(active) {
  const user = session.user;
  const link = (p) => el('a', { href: p.href, class: p.key === active ? 'active' : undefined, 'aria-current': p.key === active ? 'page' : undefined }, p.label);
  const header = el(
    'header',
    { class: 'topbar' },
    el('span', { class: 'brand' }, 'Đổi GPLX · Một cửa'),
    el('nav', { 'aria-label': 'Trang của bạn' }, ...pagesOf(user).map(link), el('a', { href: '/tra-cuu' }, 'Tra cứu công khai')),
    user
      ? el(
          'span',
          { class: 'who' },
          `${user.username} · ${user.agencyName ?? user.agencyCode}`,
          el('a', { href: '/console/login.html?change=1' }, 'Đổi mật khẩu'),
          el('button', { type: 'button', class: 'link', onclick: () => void logout() }, 'Đăng xuất'),
        )
      : null,
  );
  document.body.prepend(header);
}

/** A message line that says what went wrong, in Vietnamese: the API's own text for the officer, never its English. */
export function showError(target, err) {
  // Not from the API: the network failed (the browser's own words are English), or the page's own check.
  const own = err instanceof TypeError ? 'Không kết nối được máy chủ; vui lòng kiểm tra mạng và thử lại.' : `Lỗi: ${err.message ?? err}`;
  target.textContent = err instanceof ApiError ? (err.messageVi ?? `Lỗi ${err.status}.`) : own;
  target.hidden = false;
}

/** "còn 1 ngày 3 giờ làm việc" / "quá hạn 2 giờ làm việc", from a count of working minutes. */
export function workingLeft(minutes, dayMinutes = 480) {
  if (minutes === null || minutes === undefined) return '';
  const abs = Math.abs(minutes);
  const days = Math.floor(abs / dayMinutes);
  const hours = Math.floor((abs % dayMinutes) / 60);
  const mins = abs % 60;
  const parts = [days ? `${days} ngày` : '', hours ? `${hours} giờ` : '', !days && !hours ? `${mins} phút` : ''].filter(Boolean).join(' ');
  return minutes >= 0 ? `còn ${parts} làm việc` : `quá hạn ${parts} làm việc`;
}
