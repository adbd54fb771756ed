import { actionButton, createActionDialog, doneText, downloadForm, hasForm, printReceiptButton } from './action-dialog.js';
import { api, el, landingOf, localTime, renderHeader, requireLogin, session, showError } from './api.js';
import { clockText, dateText, findingList, roleName, violationList } from './dossier-panel.js';
import { OUTCOME_LABELS, STATUS_LABELS, STEP_LABELS } from './labels.js';

const user = requireLogin();
renderHeader('');
const code = new URLSearchParams(location.search).get('code') ?? '';
const errorLine = document.getElementById('error');
const notice = document.getElementById('notice');

const dialog = createActionDialog({
  onDone(_row, action, state) {
    notice.replaceChildren(
      doneText(action, state),
      action === 'receive' && state.code ? printReceiptButton(state.code, 'In giấy tiếp nhận (mẫu 01)', errorLine) : null,
    );
    setTimeout(() => void load(), 800);
  },
  onStale() {
    notice.textContent = 'Hồ sơ vừa được người khác cập nhật nên thao tác chưa được thực hiện. Trang đã được tải lại; vui lòng xem lại hồ sơ.';
    void load();
  },
});

const deliveryText = (d) => (d.delivery.method === 'post' ? `Qua bưu chính: ${d.delivery.address ?? '—'}` : 'Tại bộ phận một cửa');

async function load() {
  try {
    const { body: d, etag } = await api.tagged(`/dossiers/${encodeURIComponent(code)}`);
    document.title = `${d.code ?? d.reference} · Đổi GPLX một cửa`;
    document.getElementById('title').textContent = `Hồ sơ ${d.code ?? d.reference}`;
    const facts = [
      ['Mã hồ sơ', d.code ?? 'chưa cấp (chưa tiếp nhận)'],
      ['Mã tiếp nhận trực tuyến', d.reference],
      ['Cơ quan', d.agencyCode],
      ['Trạng thái', STATUS_LABELS[d.status] + (d.paused ? ' (tạm dừng tính thời gian)' : '')],
      ['Người nộp', d.applicant.fullName],
      ['Số định danh', d.applicant.citizenId],
      ['Ngày sinh', dateText(d.applicant.dateOfBirth)],
      ['Điện thoại', d.applicant.phone],
      ['Giấy phép', `${d.licence.number} · hạng ${d.licence.class}`],
      ['Nộp lúc', localTime(d.submittedAt)],
      ['Tiếp nhận lúc', localTime(d.receivedAt)],
      // The appointment stays in view in every state, closed or not, as on the citizen's page.
      ['Hẹn trả kết quả', d.dueAt ? `${localTime(d.dueAt)}${clockText(d) ? ` (${clockText(d)})` : ''}` : 'chưa có (hồ sơ chưa tiếp nhận)'],
      ['Trễ hạn', d.late ? 'Có' : 'Không'],
      ['Người thụ lý', d.assignee ?? '—'],
      ['Nhận kết quả', deliveryText(d)],
      ['Lệ phí', `${new Intl.NumberFormat('vi-VN').format(d.payment.amount)} đồng · ${{ paid: 'đã nộp', due: 'chờ nộp', not_due: 'chưa đến hạn nộp' }[d.payment.status]}`],
    ];
    if (d.appraisal) facts.push(['Kết luận thẩm định', `${{ pass: 'Đạt', supplement: 'Cần bổ sung', refuse: 'Từ chối' }[d.appraisal.outcome]} — ${d.appraisal.by}${d.appraisal.note ? `: ${d.appraisal.note}` : ''}`]);
    if (d.refusal) facts.push(['Lý do từ chối', d.refusal.reasons.join('; ')]);
    if (d.closedAt) facts.push(['Kết thúc lúc', localTime(d.closedAt)]);
    document.getElementById('facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { dataset: { fact: k } }, v)]));
    document.getElementById('findings').replaceChildren(findingList(d.findings), violationList(d) ?? '');

    const offered = d.availableActions.filter(hasForm);
    const row = { reference: d.reference, code: d.code, assignee: d.assignee, etag, fee: d.payment.amount };
    document.getElementById('actions-panel').hidden = offered.length === 0;
    document.getElementById('actions').replaceChildren(...offered.map((a) => actionButton(row, a, () => void dialog.open(row, a))));

    document.getElementById('documents').replaceChildren(
      ...d.documents.map((doc) =>
        el(
          'li',
          {},
          `Mẫu ${doc.form}: ${doc.title} `,
          doc.unavailable
            ? el('span', { class: 'muted' }, `(${doc.unavailable})`)
            : el('button', { type: 'button', class: 'secondary', dataset: { form: doc.form }, onclick: () => void downloadForm(d.code ?? d.reference, doc.form).catch((e) => showError(errorLine, e)) }, 'Tải PDF'),
        ),
      ),
    );
    document.querySelector('#steps tbody').replaceChildren(
      ...(d.steps.length
        ? d.steps.map((s) =>
            el(
              'tr',
              { class: s.outcome === 'late' ? 'late' : undefined },
              el('td', { 'data-label': 'Bước' }, STEP_LABELS[s.step]),
              el('td', { 'data-label': 'Bắt đầu' }, localTime(s.startedAt)),
              el('td', { 'data-label': 'Hạn' }, localTime(s.dueAt)),
              el('td', { 'data-label': 'Hoàn thành' }, s.completedAt ? localTime(s.completedAt) : 'đang thực hiện'),
              el('td', { 'data-label': 'Kết quả' }, s.outcome ? OUTCOME_LABELS[s.outcome] : '—'),
            ),
          )
        : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'Thời hạn từng bước bắt đầu tính từ khi tiếp nhận.'))]),
    );
    document.querySelector('#transitions tbody').replaceChildren(
      ...d.transitions.map((t) =>
        el(
          'tr',
          {},
          el('td', { 'data-label': 'Thời gian' }, localTime(t.at)),
          el('td', { 'data-label': 'Nội dung' }, t.textVi),
          el('td', { 'data-label': 'Từ' }, t.from ? STATUS_LABELS[t.from] : '—'),
          el('td', { 'data-label': 'Đến' }, STATUS_LABELS[t.to]),
          el('td', { 'data-label': 'Người thực hiện' }, `${t.actor.role === 'system' ? 'Hệ thống' : t.actor.username} (${roleName(t.actor.role)})`),
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

if (user) {
  if (!code) location.assign(landingOf(session.user));
  else void load();
}
