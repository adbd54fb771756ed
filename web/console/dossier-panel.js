import { api, el, localTime, workingLeft } from './api.js';
import { FINDINGS, ROLE_LABELS } from './labels.js';

/** What the registries found, as badges whose colour and first word say how serious it is. */
export function findingBadges(codes = []) {
  return codes.map((code) => {
    const f = FINDINGS[code];
    return el('span', { class: `badge finding ${f.severity}`, title: f.advice, dataset: { finding: code } }, f.label);
  });
}

/** The findings with what each means for the officer: shown where the decision is taken. */
export function findingList(codes = []) {
  if (codes.length === 0) return el('p', { class: 'ok-line', dataset: { findings: 'none' } }, 'Đã xác minh: giấy khám sức khỏe hợp lệ, không có vi phạm giao thông chưa chấp hành.');
  return el(
    'ul',
    { class: 'findings' },
    ...codes.map((code) => el('li', { class: FINDINGS[code].severity, dataset: { finding: code } }, el('strong', {}, FINDINGS[code].label), ': ', FINDINGS[code].advice)),
  );
}

/** The remaining working time as words, or the appointment's state when the clock does not run. */
export function clockText(d) {
  if (d.paused) return 'tạm dừng (chờ bổ sung)';
  if (d.remainingWorkingMinutes === null || d.remainingWorkingMinutes === undefined) return d.dueAt ? '' : 'chưa tiếp nhận';
  return workingLeft(d.remainingWorkingMinutes);
}

const fact = (label, value, key) => (value === undefined || value === null || value === '' ? [] : [el('dt', {}, label), el('dd', { dataset: { fact: key ?? label } }, value)]);

const vnd = (n) => `${new Intl.NumberFormat('vi-VN').format(n)} đồng`;

/** "1988-04-12" → "12/04/1988"; a masked "1988-**-**" → "năm 1988". */
export function dateText(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return m === '**' ? `năm ${y}` : `${d}/${m}/${y}`;
}

/** The violation decisions behind an UNRESOLVED_VIOLATION finding: what a refusal must cite. */
export function violationList(d) {
  const decisions = d.verification?.licence?.unresolvedViolations ?? [];
  if (decisions.length === 0) return null;
  return el(
    'ul',
    { class: 'plain', dataset: { violations: String(decisions.length) } },
    ...decisions.map((v) => el('li', {}, `Quyết định xử phạt số ${v.decisionNumber} ngày ${dateText(v.decidedOn)}: ${v.description}`)),
  );
}

/**
 * What the officer would write anyway, offered in the form: the refusal's reasons and the
 * supplement's items from the findings that call for them. The officer reads and may change them.
 */
export function suggestedText(d, action) {
  const wanted = action === 'refuse' ? 'refuse' : action === 'request-supplement' ? 'supplement' : null;
  if (!wanted) return '';
  const decisions = d.verification?.licence?.unresolvedViolations ?? [];
  return (d.findings ?? [])
    .filter((code) => FINDINGS[code].severity === wanted)
    .map((code) => {
      const label = FINDINGS[code].label;
      if (code === 'UNRESOLVED_VIOLATION' && decisions.length) return `${label}: quyết định xử phạt số ${decisions.map((v) => v.decisionNumber).join(', ')}`;
      return wanted === 'supplement' ? `${code.includes('CERTIFICATE') || code === 'CLASS_NOT_COVERED' ? 'Giấy khám sức khỏe' : 'Giấy phép lái xe'} - ${label}` : label;
    })
    .join('\n');
}

/**
 * The part of a dossier a decision needs, for one action: who applies (masked as the role
 * requires, by the API), what the registries found, the documents and supplements, the
 * appraiser's conclusion for the leader, the address for the post, the fee for the accountant.
 */
export function decisionContext(d, action) {
  const a = d.applicant;
  const parts = [
    el(
      'dl',
      { class: 'facts compact' },
      ...fact('Người nộp', a.fullName, 'applicant'),
      ...fact('Số định danh', a.citizenId, 'citizenId'),
      ...fact('Ngày sinh', dateText(a.dateOfBirth), 'dateOfBirth'),
      ...fact('Điện thoại', a.phone, 'phone'),
      ...fact('Giấy phép', d.licence ? `${d.licence.number} · hạng ${d.licence.class}` : undefined, 'licence'),
      ...fact('Nộp lúc', localTime(d.submittedAt), 'submittedAt'),
      ...fact('Hẹn trả', d.dueAt ? `${localTime(d.dueAt)} (${clockText(d)})` : undefined, 'dueAt'),
    ),
    el('h3', {}, 'Kết quả xác minh'),
    findingList(d.findings),
    violationList(d),
  ].filter(Boolean);
  const docs = [
    d.healthCertificateId ? `Giấy khám sức khỏe điện tử ${d.healthCertificateId}` : undefined,
    ...(d.supplement?.items ?? []).map((i) => `Yêu cầu bổ sung: ${i.name} (${i.reason})${d.supplement.completedAt ? ' — đã bổ sung' : ''}`),
    ...(d.supplement?.documents ?? []).map((doc) => `Đã nộp bổ sung: ${doc.name}`),
  ].filter(Boolean);
  if (docs.length) parts.push(el('h3', {}, 'Giấy tờ'), el('ul', { class: 'plain' }, ...docs.map((t) => el('li', {}, t))));
  if (['approve', 'send-back'].includes(action) && d.appraisal) {
    const outcome = { pass: 'Đạt', supplement: 'Cần bổ sung', refuse: 'Từ chối' }[d.appraisal.outcome];
    parts.push(
      el('h3', {}, 'Kết luận thẩm định'),
      el('p', { dataset: { appraisal: d.appraisal.outcome } }, `${outcome} — ${d.appraisal.by}, ${localTime(d.appraisal.at)}${d.appraisal.note ? `: ${d.appraisal.note}` : ''}`),
    );
  }
  if (['ship', 'hand-over'].includes(action)) {
    parts.push(
      el('h3', {}, 'Trả kết quả'),
      el('p', { dataset: { delivery: d.delivery.method } }, d.delivery.method === 'post' ? `Chuyển phát đến: ${d.delivery.address ?? '—'}` : 'Công dân nhận tại bộ phận một cửa'),
    );
  }
  if (action === 'record-payment') parts.push(el('p', {}, `Lệ phí phải nộp: ${vnd(d.payment.amount)}`));
  if (action === 'assign' && d.assignee) parts.push(el('p', { class: 'muted' }, `Đang phân công cho ${d.assignee}.`));
  return el('section', { class: 'context', 'aria-label': 'Thông tin hồ sơ để quyết định' }, ...parts);
}

/** The leader's list to assign from: the agency's appraisers, least loaded first. */
export async function appraiserOptions(current) {
  const { items } = await api.get('/appraisers');
  return items
    .filter((p) => p.username !== current)
    .map((p) => el('option', { value: p.username }, `${p.fullName} (${p.username}) — ${p.inAppraisal} hồ sơ đang thẩm định`));
}

export const roleName = (role) => ROLE_LABELS[role] ?? role;
