import { api, landingOf, session, showError } from './api.js';

const login = document.getElementById('login');
const change = document.getElementById('change');
const error = document.getElementById('error');
const changeError = document.getElementById('change-error');
const params = new URLSearchParams(location.search);

function goOn(user = session.user) {
  const next = params.get('next');
  // Only a page of this server: a crafted ?next= (`//evil`, `/\evil`, `https://…`) must not send the officer elsewhere.
  let target = landingOf(user);
  try {
    const url = next ? new URL(next, location.origin) : null;
    if (url && url.origin === location.origin) target = url.pathname + url.search;
  } catch {
    // not a URL: the landing page
  }
  location.assign(target);
}

/** A first login reaches nothing but this form until the password is changed (api/routes/auth.ts). */
function askForNewPassword(currentPassword, why) {
  login.hidden = true;
  change.hidden = false;
  if (why) document.getElementById('change-why').textContent = why;
  if (currentPassword) change.elements.currentPassword.value = currentPassword;
  change.elements[currentPassword ? 'newPassword' : 'currentPassword'].focus();
}

login.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const data = new FormData(login);
  try {
    const res = await api.post('/auth/login', { username: data.get('username'), password: data.get('password') });
    session.save(res.csrfToken, res.user);
    if (res.mustChangePassword) askForNewPassword(String(data.get('password')));
    else goOn(res.user);
  } catch (err) {
    showError(error, err);
  }
});

change.addEventListener('submit', async (event) => {
  event.preventDefault();
  changeError.hidden = true;
  const data = new FormData(change);
  if (data.get('newPassword') !== data.get('confirm')) {
    showError(changeError, new Error('hai lần nhập mật khẩu mới không khớp'));
    return;
  }
  try {
    await api.post('/auth/password', { currentPassword: data.get('currentPassword'), newPassword: data.get('newPassword') });
    goOn();
  } catch (err) {
    showError(changeError, err);
  }
});

// From the header's "Đổi mật khẩu": a logged-in officer changing the password by choice.
if (params.has('change') && session.loggedIn) askForNewPassword(undefined, 'Đổi mật khẩu của bạn. Các phiên đăng nhập khác của tài khoản sẽ kết thúc.');
