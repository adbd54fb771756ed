// The console's only way to the server: the same JSON API every other client uses.

// The login itself is an HttpOnly cookie no script can read (api/auth/plugin.ts); the page keeps
// only who is logged in, for the header, and the login's CSRF token, which every request that
// changes something must carry (api/auth/csrf.ts).
const CSRF_KEY = 'gplx.csrf';
const USER_KEY = 'gplx.user';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
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

async function send(path, { method = 'GET', body, idempotencyKey, ifMatch, raw = false } = {}) {
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
  if (!res.ok) {
    let error = { code: 'HTTP_' + res.status, message: res.statusText };
    try {
      error = (await res.json()).error ?? error;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, error.code, error.message, error.field);
  }
  if (raw) return res;
  return res.status === 204 ? null : res.json();
}

export const api = {
  get: (path) => send(path),
  post: (path, body, idempotencyKey, ifMatch) => send(path, { method: 'POST', body, idempotencyKey, ifMatch }),
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

/** The header every console page shares: where you are, who you are, and the way out. */
export function renderHeader(active) {
  const user = session.user;
  const link = (href, label, key) => el('a', { href, class: key === active ? 'active' : undefined }, label);
  const header = el(
    'header',
    { class: 'topbar' },
    el('span', { class: 'brand' }, 'Đổi GPLX · Một cửa'),
    el(
      'nav',
      {},
      link('/console/', 'Bảng điều khiển', 'dashboard'),
      link('/console/queue.html', 'Việc cần xử lý', 'queue'),
      link('/tra-cuu', 'Tra cứu công khai', 'lookup'),
    ),
    user
      ? el(
          'span',
          { class: 'who' },
          `${user.username} · ${user.agencyCode}`,
          el('a', { href: '/console/login.html?change=1' }, 'Đổi mật khẩu'),
          el('button', { type: 'button', class: 'link', onclick: () => void logout() }, 'Đăng xuất'),
        )
      : null,
  );
  document.body.prepend(header);
}

/** A message line that says what went wrong, in the API's own words when it has some. */
export function showError(target, err) {
  target.textContent = err instanceof ApiError ? `Lỗi ${err.status}: ${err.message}` : `Lỗi: ${err.message ?? err}`;
  target.hidden = false;
}
