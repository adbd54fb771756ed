import { api, session, showError } from './api.js';

const form = document.getElementById('login');
const error = document.getElementById('error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const data = new FormData(form);
  try {
    const res = await api.post('/auth/login', { username: data.get('username'), password: data.get('password') });
    session.save(res.token, res.user);
    const next = new URLSearchParams(location.search).get('next');
    // Only a path on this server: a crafted ?next= must not send the officer elsewhere.
    location.assign(next && next.startsWith('/') && !next.startsWith('//') ? next : '/console/');
  } catch (err) {
    showError(error, err);
  }
});
