import { api, el, localTime, renderHeader, requireLogin, showError } from './api.js';
import { ACTION_LABELS, ROLE_LABELS, STATUS_LABELS } from './labels.js';

const user = requireLogin();
renderHeader('dashboard');
const code = new URLSearchParams(location.search).get('code') ?? '';
const errorLine = document.getElementById('error');

async function download(form) {
  try {
    const blob = await api.blob(`/dossiers/${encodeURIComponent(code)}/documents/${form}`);
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: `${code}-mau-${form}.pdf` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    showError(errorLine, err);
  }
}

async function load() {
  try {
    const d = await api.get(`/dossiers/${encodeURIComponent(code)}`);
    document.title = `${d.code ?? d.reference} · Đổi GPLX một cửa`;
    document.getElementById('title').textContent = `Hồ sơ ${d.code ?? d.reference}`;
    const facts = [
      ['Mã hồ sơ', d.code ?? '—'],
      ['Mã tiếp nhận trực tuyến', d.reference],
      ['Cơ quan', d.agencyCode],
      ['Trạng thái', STATUS_LABELS[d.status]],
      ['Người nộp', d.applicant.fullName],
      ['Số định danh', d.applicant.citizenId],
      ['Tiếp nhận lúc', localTime(d.receivedAt)],
      ['Hẹn trả kết quả', localTime(d.dueAt)],
      ['Trễ hạn', d.late ? 'Có' : 'Không'],
      ['Người thụ lý', d.assignee ?? '—'],
      ['Hình thức nhận kết quả', d.delivery.method === 'post' ? 'Qua bưu chính' : 'Tại bộ phận một cửa'],
    ];
    document.getElementById('facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { dataset: { fact: k } }, v)]));
    document.getElementById('documents').replaceChildren(
      ...d.documents.map((doc) =>
        el(
          'li',
          {},
          `Mẫu ${doc.form}: ${doc.title} `,
          doc.unavailable
            ? el('span', { class: 'muted' }, `(chưa có: ${doc.unavailable})`)
            : el('button', { type: 'button', class: 'secondary', dataset: { form: doc.form }, onclick: () => void download(doc.form) }, 'Tải PDF'),
        ),
      ),
    );
    document.querySelector('#transitions tbody').replaceChildren(
      ...d.transitions.map((t) =>
        el(
          'tr',
          {},
          el('td', {}, localTime(t.at)),
          el('td', {}, ACTION_LABELS[t.action] ?? t.action),
          el('td', {}, t.from ? STATUS_LABELS[t.from] : '—'),
          el('td', {}, STATUS_LABELS[t.to]),
          el('td', {}, `${t.actor.username} (${ROLE_LABELS[t.actor.role] ?? t.actor.role})`),
          el('td', {}, t.note ?? ''),
        ),
      ),
    );
    if (d.code) {
      const qr = document.getElementById('qr');
      qr.src = `/api/v1/public/dossiers/${encodeURIComponent(d.code)}/qr.svg`;
      qr.hidden = false;
      const link = document.getElementById('public-link');
      link.href = `/tra-cuu/${encodeURIComponent(d.code)}`;
      link.hidden = false;
    }
  } catch (err) {
    showError(errorLine, err);
  }
}

if (user) void load();
