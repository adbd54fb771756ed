// The public page: no login, no personal data; a code from the address, the box, or a form's QR text.

const form = document.getElementById('lookup');
const input = document.getElementById('code');
const errorLine = document.getElementById('error');
const emptyLine = document.getElementById('empty');
const loadingLine = document.getElementById('loading');


/** The printed forms' QR codes carry JSON with MaHoSo; the dossier's own QR carries this page's address. */
function codeFrom(text) {
  const t = text.trim();
  try {
    const parsed = JSON.parse(t);
    if (parsed && typeof parsed.MaHoSo === 'string') return parsed.MaHoSo;
  } catch {
    // not JSON
  }
  const inUrl = /\/tra-cuu\/([^/?#]+)/.exec(t);
  return inUrl ? decodeURIComponent(inUrl[1]) : t;
}

function node(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(n.dataset, v);
    else n.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return n;
}

function fact(label, value, key) {
  return [node('dt', {}, label), node('dd', { dataset: { fact: key } }, value)];
}

// — Why the appointment falls on its day: dates as dd/mm/yyyy, names as the holiday table has them. —

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
/** "2026-02-13" → "13/02/2026". */
const dmy = (date) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
const weekdayOf = (date) => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
const dayName = (date) => `${weekdayOf(date)}, ${dmy(date)}`;
/** A local time as the API gives it (…+07:00) → "10:00 thứ Sáu, 13/02/2026"; read off the text, whatever the browser's zone. */
const moment = (iso) => `${iso.slice(11, 16)} ${dayName(iso.slice(0, 10))}`;
const capitalised = (s) => s.charAt(0).toUpperCase() + s.slice(1);
/** The facts' times, the same way: "10:00 thứ Sáu, 27/02/2026". */
const when = (iso) => (iso ? moment(iso) : '—');

function duration(minutes) {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  return [h ? `${h} giờ` : '', m ? `${m} phút` : ''].filter(Boolean).join(' ') || '0 phút';
}
const daysText = (n) => `${String(n).replace('.', ',')} ngày làm việc`;

const SKIPPED = {
  saturday: () => 'Thứ Bảy: không tính',
  sunday: () => 'Chủ nhật: không tính',
  holiday: (d) => `Nghỉ lễ, Tết: không tính${d.name ? ` (${d.name})` : ''}`,
  compensatory: (d) => `Nghỉ bù: không tính${d.name ? ` (${d.name})` : ''}`,
  bridge: (d) => `Nghỉ hoán đổi: không tính${d.name ? ` (${d.name})` : ''}`,
};

function dayText(d, fullDay) {
  if (!d.counted) return (SKIPPED[d.reason] ?? (() => 'Ngày nghỉ: không tính'))(d);
  const part = d.workingMinutes === 0 ? 'ngoài giờ làm việc, không tính' : d.workingMinutes >= fullDay ? 'tính cả ngày' : `tính ${duration(d.workingMinutes)}`;
  if (d.reason === 'makeup_workday') return `Thứ Bảy làm bù: ${part}${d.name ? ` (${d.name})` : ''}`;
  return `Ngày làm việc: ${part}`;
}

function renderExplanation(x) {
  const body = [];
  const days = x.periods.flatMap((p) => p.days);
  const fullDay = x.workingDayMinutes;
  body.push(
    node('p', {}, `Thời hạn giải quyết hồ sơ là ${daysText(x.workingDays)}, tính từ khi hồ sơ được tiếp nhận. Mỗi ngày làm việc có ${duration(fullDay)} làm việc theo giờ hành chính của cơ quan.`),
  );
  if (x.countingStartsAt !== x.receivedAt) {
    body.push(node('p', { dataset: { explain: 'start' } }, `Hồ sơ được tiếp nhận lúc ${moment(x.receivedAt)}, ngoài giờ làm việc, nên thời hạn được tính từ ${moment(x.countingStartsAt)}.`));
  } else {
    body.push(node('p', { dataset: { explain: 'start' } }, `Hồ sơ được tiếp nhận lúc ${moment(x.receivedAt)}; thời hạn được tính ngay từ lúc đó.`));
  }
  const saturdays = days.filter((d) => d.reason === 'saturday').length;
  const sundays = days.filter((d) => d.reason === 'sunday').length;
  const off = days.filter((d) => ['holiday', 'compensatory', 'bridge'].includes(d.reason));
  const makeup = days.filter((d) => d.reason === 'makeup_workday');
  const skipped = [];
  const weekend = [saturdays ? `${saturdays} ngày thứ Bảy` : '', sundays ? `${sundays} ngày Chủ nhật` : ''].filter(Boolean).join(', ');
  if (weekend) skipped.push(weekend);
  if (off.length) skipped.push(`${off.length} ngày nghỉ lễ, Tết, nghỉ bù (${[...new Set(off.map((d) => d.name).filter(Boolean))].join('; ')})`);
  body.push(node('p', { dataset: { explain: 'skipped' } }, skipped.length ? `Không tính: ${skipped.join('; ')}.` : 'Trong thời gian này không có ngày nghỉ nào.'));
  if (makeup.length) body.push(node('p', { dataset: { explain: 'makeup' } }, `Được tính như ngày làm việc: ${makeup.map((d) => `${dayName(d.date)} (${d.name ?? 'thứ Bảy làm bù'})`).join('; ')}.`));

  // Each pause where it happened: before any counting (requested at once), or after the period it ended.
  const pauseLine = (pause) =>
    node(
      'p',
      { class: 'pause', dataset: { explain: 'pause' } },
      pause.to
        ? `Tạm dừng tính thời hạn từ ${moment(pause.from)} đến ${moment(pause.to)} để chờ bổ sung hồ sơ: thời gian này không được tính.`
        : `Hồ sơ đang tạm dừng tính thời hạn từ ${moment(pause.from)} để chờ bổ sung hồ sơ. Còn ${daysText(x.remainingWorkingDays)} sẽ được tính tiếp khi hồ sơ được bổ sung đầy đủ.`,
    );
  for (const pause of x.pauses.filter((q) => q.afterPeriods === 0)) body.push(pauseLine(pause));
  x.periods.forEach((p, i) => {
    if (x.periods.length > 1) body.push(node('h3', {}, `Giai đoạn ${i + 1}: từ ${moment(p.from)} đến ${moment(p.to)}`));
    body.push(
      node(
        'ol',
        { class: 'days', 'aria-label': x.periods.length > 1 ? `Các ngày của giai đoạn ${i + 1}` : 'Các ngày từ khi tiếp nhận đến ngày hẹn' },
        p.days.map((d) =>
          node(
            'li',
            { class: d.counted ? (d.reason === 'makeup_workday' ? 'makeup' : 'counted') : 'skipped', dataset: { date: d.date, counted: String(d.counted), reason: d.reason } },
            node('span', { class: 'date' }, capitalised(dayName(d.date))),
            node('span', { class: 'what' }, dayText(d, fullDay)),
          ),
        ),
      ),
    );
    for (const pause of x.pauses.filter((q) => q.afterPeriods === i + 1)) body.push(pauseLine(pause));
  });
  if (x.dueAt) {
    body.push(node('p', { class: 'conclusion', dataset: { explain: 'due' } }, `Vì vậy, ngày hẹn trả kết quả là ${moment(x.dueAt)}.`));
  }
  if (x.rescheduledTo) {
    body.push(node('p', { class: 'conclusion', dataset: { explain: 'rescheduled' } }, `Sau đó cơ quan đã xin lỗi và hẹn lại ngày trả kết quả: ${moment(x.rescheduledTo)}.`));
  }
  document.getElementById('explanation-body').replaceChildren(...body);
  document.getElementById('explanation').hidden = false;
}

// — The rating of a delivered dossier: once, nothing about who gave it. —

const feedbackSection = document.getElementById('feedback');
const feedbackForm = document.getElementById('feedback-form');
const feedbackError = document.getElementById('feedback-error');
const comment = document.getElementById('comment');
const commentCount = document.getElementById('comment-count');
const last4 = document.getElementById('citizen-id-last4');
// A message about the digits goes once they are being corrected.
last4.addEventListener('input', () => {
  feedbackError.hidden = true;
});
let ratingCode = null;

function showFeedback(d) {
  ratingCode = d.code;
  feedbackSection.hidden = d.status !== 'DELIVERED';
  feedbackForm.hidden = !d.feedback.canRate;
  document.getElementById('feedback-done').hidden = d.feedback.canRate;
  document.getElementById('feedback-thanks').hidden = true;
  feedbackError.hidden = true;
}

comment.addEventListener('input', () => {
  commentCount.textContent = `${comment.value.length}/1000`;
});

const FEEDBACK_ERRORS = {
  FEEDBACK_ALREADY_GIVEN: 'Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.',
  FEEDBACK_BEFORE_DELIVERY: 'Hồ sơ chỉ được đánh giá sau khi bạn đã nhận kết quả.',
  RATE_LIMITED: 'Bạn gửi quá nhiều yêu cầu; vui lòng chờ một lát rồi thử lại.',
  VALIDATION_FAILED: 'Nội dung đánh giá chưa hợp lệ; vui lòng kiểm tra lại.',
  FEEDBACK_NOT_YOURS: 'Bốn số cuối số định danh không khớp với hồ sơ.',
  FEEDBACK_LOCKED: 'Nhập sai quá nhiều lần; vui lòng thử lại sau một giờ.',
};
/** The check of the citizen ID's last digits (403, 429): the API's own Vietnamese words first, these above if it sent none. */
const SAID_BY_API = new Set(['FEEDBACK_NOT_YOURS', 'FEEDBACK_LOCKED']);
const feedbackErrorText = (error, otherwise) =>
  SAID_BY_API.has(error?.code) ? (error.messageVi ?? FEEDBACK_ERRORS[error.code]) : (FEEDBACK_ERRORS[error?.code] ?? error?.messageVi ?? otherwise);

feedbackForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  feedbackError.hidden = true;
  const rating = Number(new FormData(feedbackForm).get('rating'));
  if (!rating) {
    feedbackError.textContent = 'Vui lòng chọn một mức đánh giá từ 1 đến 5.';
    feedbackError.hidden = false;
    feedbackForm.querySelector('input[name="rating"]').focus();
    return;
  }
  const digits = last4.value.trim();
  if (!/^\d{4}$/.test(digits)) {
    feedbackError.textContent = 'Vui lòng nhập đúng 4 chữ số cuối của số định danh cá nhân (CCCD) của người nộp hồ sơ.';
    feedbackError.hidden = false;
    last4.focus();
    return;
  }
  const text = comment.value.trim();
  const button = document.getElementById('feedback-send');
  button.disabled = true;
  button.textContent = 'Đang gửi…';
  try {
    const res = await fetch(`/api/v1/public/dossiers/${encodeURIComponent(ratingCode)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rating, ...(text ? { comment: text } : {}), citizenIdLast4: digits }),
    });
    if (res.ok || res.status === 409) {
      const error = res.ok ? null : (await res.json().catch(() => ({}))).error;
      if (res.ok || error?.code === 'FEEDBACK_ALREADY_GIVEN') {
        last4.value = '';
        feedbackForm.hidden = true;
        const done = document.getElementById(res.ok ? 'feedback-thanks' : 'feedback-done');
        done.hidden = false;
        done.setAttribute('tabindex', '-1');
        done.focus();
        return;
      }
      feedbackError.textContent = feedbackErrorText(error, 'Chưa gửi được đánh giá.');
    } else {
      const error = (await res.json().catch(() => ({}))).error;
      feedbackError.textContent = feedbackErrorText(error, `Chưa gửi được đánh giá (lỗi ${res.status}). Vui lòng thử lại sau.`);
      if (error?.field === 'citizenIdLast4') {
        feedbackError.hidden = false;
        last4.focus();
        last4.select();
        return;
      }
    }
    feedbackError.hidden = false;
  } catch {
    feedbackError.textContent = 'Không kết nối được máy chủ. Vui lòng thử lại sau.';
    feedbackError.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = 'Gửi đánh giá';
  }
});

// — The lookup itself. —

function linkFaq(agencyCode) {
  for (const id of ['faq-link', 'faq-link-bottom']) document.getElementById(id).href = agencyCode ? `/hoi-dap?agency=${encodeURIComponent(agencyCode)}` : '/hoi-dap';
}

async function show(code) {
  errorLine.hidden = true;
  emptyLine.hidden = true;
  document.getElementById('result').hidden = true;
  document.getElementById('explanation').hidden = true;
  feedbackSection.hidden = true;
  loadingLine.hidden = false;
  let res;
  try {
    res = await fetch(`/api/v1/public/dossiers/${encodeURIComponent(code)}`);
  } catch {
    res = null;
  } finally {
    loadingLine.hidden = true;
  }
  if (!res?.ok) {
    const body = res ? await res.json().catch(() => ({})) : {};
    errorLine.textContent = !res
      ? 'Không kết nối được máy chủ. Vui lòng thử lại sau.'
      : res.status === 404
        ? `Không tìm thấy hồ sơ có mã ${code}.`
        : res.status === 400
          ? 'Mã hồ sơ không hợp lệ. Mã hồ sơ có dạng 000.00.01.H22-260312-0001, in trên giấy tiếp nhận và hẹn trả kết quả.'
          : res.status === 429
            ? 'Bạn tra cứu quá nhiều lần; vui lòng chờ một lát rồi thử lại.'
            : (body.error?.messageVi ?? `Không tra cứu được (lỗi ${res.status}). Vui lòng thử lại sau.`);
    errorLine.hidden = false;
    return;
  }
  const d = await res.json();
  document.getElementById('facts').replaceChildren(
    ...fact('Mã hồ sơ', d.code, 'code'),
    ...fact('Thủ tục', d.procedure.name, 'procedure'),
    ...fact('Cơ quan giải quyết', d.agency.name ?? d.agency.code, 'agency'),
    ...fact('Tình trạng', d.statusLabel + (d.paused ? ' (tạm dừng tính thời gian)' : ''), 'status'),
    ...fact('Ngày tiếp nhận', when(d.receivedAt), 'receivedAt'),
    ...fact(d.rescheduled ? 'Ngày hẹn trả kết quả (đã hẹn lại)' : 'Ngày hẹn trả kết quả', when(d.appointment), 'appointment'),
    ...(d.late ? fact('Ghi chú', 'Hồ sơ đã quá hạn hẹn trả', 'late') : []),
  );
  document.getElementById('qr').src = `/api/v1/public/dossiers/${encodeURIComponent(d.code)}/qr.svg`;
  document.getElementById('result').hidden = false;
  if (d.appointmentExplanation) renderExplanation(d.appointmentExplanation);
  showFeedback(d);
  linkFaq(d.agency.code);
  if (location.pathname !== `/tra-cuu/${encodeURIComponent(d.code)}`) history.replaceState(null, '', `/tra-cuu/${encodeURIComponent(d.code)}`);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void show(codeFrom(input.value));
});

const fromPath = /^\/tra-cuu\/([^/]+)$/.exec(location.pathname);
if (fromPath) {
  input.value = decodeURIComponent(fromPath[1]);
  void show(input.value);
}
