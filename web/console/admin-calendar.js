import { api, el, localTime, renderHeader, requireLogin, showError, today } from './api.js';
import { STATUS_LABELS } from './labels.js';
import { KIND_LABELS, field, isNational, messageRow, td } from './admin-common.js';

const user = requireLogin();
renderHeader('admin-calendar');

// The holiday table is the national admin's (api/routes/calendar.ts); a level-2 admin reads it and
// sets its own agency's office hours only.
const national = isNational(user);
const errorLine = document.getElementById('error');
const notice = document.getElementById('notice');
const MONTHS = ['Tháng Một', 'Tháng Hai', 'Tháng Ba', 'Tháng Tư', 'Tháng Năm', 'Tháng Sáu', 'Tháng Bảy', 'Tháng Tám', 'Tháng Chín', 'Tháng Mười', 'Tháng Mười Một', 'Tháng Mười Hai'];
/** Monday first, as Vietnamese calendars print it. */
const WEEKDAYS = ['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN'];
const WEEKDAY_NAMES = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
/** Each kind of day has a colour and a letter, so neither colour alone nor the letter alone tells it. */
const MARKS = { holiday: 'L', compensatory: 'B', bridge: 'HĐ', makeup_workday: 'LB', weekend: 'N' };
const number = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

let year = Number(new URLSearchParams(location.search).get('year')) || Number(today().slice(0, 4));
let entries = new Map();

function say(text) {
  notice.textContent = text;
  notice.hidden = false;
  errorLine.hidden = true;
}

const pad = (n) => String(n).padStart(2, '0');
const isoDate = (y, m, d) => `${y}-${pad(m + 1)}-${pad(d)}`;
const weekdayOf = (date) => new Date(`${date}T00:00:00Z`).getUTCDay();
const vnDate = (date) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

function describeDay(date) {
  const e = entries.get(date);
  const wd = weekdayOf(date);
  const what = e ? `${KIND_LABELS[e.kind]}: ${e.name}${e.provisional ? ' (tạm tính)' : ''}` : wd === 0 || wd === 6 ? 'Nghỉ cuối tuần' : 'Ngày làm việc';
  return `${WEEKDAY_NAMES[wd]}, ${vnDate(date)}: ${what}`;
}

// ---- the legend and the year view ----

document.getElementById('legend').replaceChildren(
  el('li', {}, el('span', { class: 'swatch' }, ''), 'Ngày làm việc'),
  el('li', {}, el('span', { class: 'swatch weekend' }, MARKS.weekend), 'N: nghỉ cuối tuần'),
  el('li', {}, el('span', { class: 'swatch holiday' }, MARKS.holiday), 'L: ngày lễ, Tết'),
  el('li', {}, el('span', { class: 'swatch compensatory' }, MARKS.compensatory), 'B: nghỉ bù'),
  el('li', {}, el('span', { class: 'swatch bridge' }, MARKS.bridge), 'HĐ: nghỉ hoán đổi (cầu nối)'),
  el('li', {}, el('span', { class: 'swatch makeup_workday' }, MARKS.makeup_workday), 'LB: thứ Bảy làm bù'),
  el('li', {}, el('span', { class: 'swatch provisional' }, '*'), '*: tạm tính, chờ công bố'),
);

function dayButton(date) {
  const e = entries.get(date);
  const wd = weekdayOf(date);
  const kind = e?.kind ?? (wd === 0 || wd === 6 ? 'weekend' : null);
  const classes = ['day', kind, e?.provisional ? 'provisional' : null, date === today() ? 'today' : null].filter(Boolean).join(' ');
  const label = describeDay(date);
  return el(
    'button',
    { type: 'button', class: classes, dataset: { date, kind: kind ?? 'workday' }, 'aria-label': label, title: label, onclick: () => openDay(date) },
    el('span', { class: 'num' }, String(Number(date.slice(8)))),
    el('span', { class: 'mark', 'aria-hidden': 'true' }, kind ? `${MARKS[kind]}${e?.provisional ? '*' : ''}` : ''),
  );
}

function monthGrid(m) {
  const days = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(year, m, 1)).getUTCDay() + 6) % 7;
  const rows = [];
  let cells = Array.from({ length: lead }, () => el('td', {}));
  for (let d = 1; d <= days; d++) {
    cells.push(el('td', {}, dayButton(isoDate(year, m, d))));
    if (cells.length === 7) {
      rows.push(el('tr', {}, ...cells));
      cells = [];
    }
  }
  if (cells.length) rows.push(el('tr', {}, ...cells, ...Array.from({ length: 7 - cells.length }, () => el('td', {}))));
  return el(
    'section',
    { class: 'month panel', dataset: { month: String(m + 1) } },
    el('h3', {}, `${MONTHS[m]} ${year}`),
    el('table', {}, el('thead', {}, el('tr', {}, ...WEEKDAYS.map((w) => el('th', { scope: 'col' }, w)))), el('tbody', {}, ...rows)),
  );
}

function renderYear() {
  document.getElementById('year-title').textContent = `Năm ${year}`;
  const prev = document.getElementById('prev-year');
  const next = document.getElementById('next-year');
  prev.textContent = `← ${year - 1}`;
  prev.setAttribute('aria-label', `Năm trước (${year - 1})`);
  next.textContent = `${year + 1} →`;
  next.setAttribute('aria-label', `Năm sau (${year + 1})`);
  const box = document.getElementById('year');
  box.replaceChildren(...Array.from({ length: 12 }, (_, m) => monthGrid(m)));
  box.setAttribute('aria-busy', 'false');
  document.getElementById('entries-title').textContent = `Ngày nghỉ và ngày làm bù năm ${year}`;
  const body = document.querySelector('#entries tbody');
  const list = [...entries.values()].sort((a, b) => a.date.localeCompare(b.date));
  if (list.length === 0) messageRow(body, 5, `Năm ${year} chưa có ngày nghỉ hay ngày làm bù nào trong lịch.`);
  else {
    body.replaceChildren(
      ...list.map((e) =>
        el(
          'tr',
          { dataset: { date: e.date } },
          td('Ngày', `${WEEKDAY_NAMES[weekdayOf(e.date)]}, ${vnDate(e.date)}`),
          td('Loại', el('span', { class: `badge ${e.kind}` }, `${MARKS[e.kind]} · ${KIND_LABELS[e.kind]}`), e.provisional ? ' (tạm tính)' : ''),
          td('Tên', e.name),
          td('Văn bản công bố', e.source ?? '—'),
          td('Cập nhật', `${localTime(e.updatedAt)} · ${e.updatedBy === 'seed' ? 'dữ liệu ban đầu' : e.updatedBy}`),
        ),
      ),
    );
  }
}

async function loadYear() {
  try {
    const res = await api.get(`/calendar/entries?from=${year}-01-01&to=${year}-12-31`);
    entries = new Map(res.entries.map((e) => [e.date, e]));
    renderYear();
  } catch (err) {
    showError(errorLine, err);
  }
}

document.getElementById('prev-year').addEventListener('click', () => {
  year--;
  history.replaceState(null, '', `?year=${year}`);
  void loadYear();
});
document.getElementById('next-year').addEventListener('click', () => {
  year++;
  history.replaceState(null, '', `?year=${year}`);
  void loadYear();
});

// ---- a day: add, change or delete its entry, after a preview ----

const dayDialog = document.getElementById('day-dialog');
const dayForm = document.getElementById('day-form');
const dayError = document.getElementById('day-error');
const previewBox = document.getElementById('preview');
const saveButton = document.getElementById('day-save');
const deleteButton = document.getElementById('day-delete');
const previewButton = document.getElementById('day-preview');
let current = null;
/** The change the admin has seen the preview of: only that one can be saved. */
let previewed = null;

function resetPreview() {
  previewed = null;
  previewBox.hidden = true;
  previewBox.replaceChildren();
  saveButton.disabled = true;
  saveButton.textContent = 'Lưu';
  saveButton.className = '';
}

function openDay(date) {
  current = { date, entry: entries.get(date) ?? null };
  dayError.hidden = true;
  resetPreview();
  const e = current.entry;
  document.getElementById('day-title').textContent = `${WEEKDAY_NAMES[weekdayOf(date)]}, ${vnDate(date)}`;
  document.getElementById('day-current').textContent = e
    ? `Hiện là: ${KIND_LABELS[e.kind]} (${MARKS[e.kind]}) – ${e.name}${e.source ? `; theo ${e.source}` : ''}${e.provisional ? '; tạm tính' : ''}.`
    : weekdayOf(date) === 0 || weekdayOf(date) === 6
      ? 'Hiện là: nghỉ cuối tuần (chưa có trong lịch).'
      : 'Hiện là: ngày làm việc (chưa có trong lịch).';
  const kinds = Object.keys(KIND_LABELS).filter((k) => k !== 'makeup_workday' || weekdayOf(date) === 6);
  document.getElementById('day-kind').replaceChildren(...kinds.map((k) => el('option', { value: k, selected: (e?.kind ?? 'holiday') === k }, `${KIND_LABELS[k]} (${MARKS[k]})`)));
  document.getElementById('day-name').value = e?.name ?? '';
  document.getElementById('day-source').value = e?.source ?? '';
  document.getElementById('day-provisional').checked = e?.provisional ?? false;
  document.getElementById('day-fields').hidden = !national;
  document.getElementById('day-readonly').hidden = national;
  previewButton.hidden = !national;
  saveButton.hidden = !national;
  deleteButton.hidden = !national || !e;
  dayDialog.showModal();
}

/** The edit the form describes: an addition, a change of what differs, or nothing. */
function changeFromForm() {
  const kind = document.getElementById('day-kind').value;
  const name = document.getElementById('day-name').value.trim();
  const source = document.getElementById('day-source').value.trim();
  const provisional = document.getElementById('day-provisional').checked;
  if (!name) throw new Error('hãy nhập tên gọi của ngày (ví dụ “Tết Nguyên đán”).');
  const e = current.entry;
  if (!e) return { action: 'add', entry: { date: current.date, kind, name, ...(source ? { source } : {}), provisional } };
  const patch = {};
  if (kind !== e.kind) patch.kind = kind;
  if (name !== e.name) patch.name = name;
  if ((source || null) !== (e.source ?? null)) patch.source = source || null;
  if (provisional !== e.provisional) patch.provisional = provisional;
  if (Object.keys(patch).length === 0) throw new Error('chưa có gì thay đổi so với lịch hiện tại.');
  return { action: 'change', date: current.date, patch };
}

const days = (n) => `${number.format(Math.abs(n))} ngày làm việc`;
const hours = (minutes) => `${number.format(Math.abs(minutes) / 60)} giờ làm việc`;

function shiftText(min, max) {
  const part = (m) => `${m.days > 0 ? 'muộn hơn' : 'sớm hơn'} ${days(m.days)} (${hours(m.minutes)})`;
  const a = { days: min.days, minutes: min.minutes };
  const b = { days: max.days, minutes: max.minutes };
  return a.minutes === b.minutes ? part(a) : `từ ${part(a)} đến ${part(b)}`;
}

function renderPreview(p) {
  const items = [];
  const what = p.change.action === 'delete' ? 'Nếu xoá ngày này' : p.change.action === 'add' ? 'Nếu thêm ngày này' : 'Nếu lưu thay đổi này';
  if (p.moved === 0) {
    items.push(el('p', { dataset: { previewMoved: '0' } }, `${what}: không hồ sơ đang mở nào phải đổi ngày hẹn trả kết quả (đã xét ${p.openDossiers} hồ sơ đang mở).`));
  } else {
    items.push(
      el(
        'p',
        { dataset: { previewMoved: String(p.moved) } },
        el('strong', {}, `${what}: ${p.moved} hồ sơ đang mở sẽ đổi ngày hẹn trả kết quả`),
        ` (${p.later} hồ sơ muộn hơn, ${p.earlier} hồ sơ sớm hơn; đã xét ${p.openDossiers} hồ sơ đang mở).`,
      ),
      el('p', {}, `Mức dịch chuyển: ${shiftText({ days: p.shift.minWorkingDays, minutes: p.shift.minWorkingMinutes }, { days: p.shift.maxWorkingDays, minutes: p.shift.maxWorkingMinutes })}.`),
    );
  }
  if (p.becomeLate.length) {
    items.push(el('p', { class: 'late-list', dataset: { becomeLate: p.becomeLate.join(' ') } }, `${p.becomeLate.length} hồ sơ sẽ trễ hạn ngay: ${p.becomeLate.join(', ')}.`));
  }
  if (p.noLongerLate.length) items.push(el('p', {}, `${p.noLongerLate.length} hồ sơ đang trễ hạn sẽ trở lại trong hạn: ${p.noLongerLate.join(', ')}.`));
  if (p.paused) items.push(el('p', { class: 'muted' }, `${p.paused} hồ sơ đang tạm dừng chờ công dân bổ sung: ngày hẹn được tính lại khi hồ sơ được bổ sung.`));
  if (p.dossiers.length) {
    const shown = p.dossiers.slice(0, 25);
    items.push(
      el(
        'ul',
        { class: 'preview-list' },
        ...shown.map((d) =>
          el(
            'li',
            { dataset: { code: d.code ?? d.reference } },
            d.code ? el('a', { href: `/console/dossier.html?code=${encodeURIComponent(d.code)}`, target: '_blank' }, d.code) : d.reference,
            ` (${STATUS_LABELS[d.status] ?? d.status}): hẹn ${localTime(d.dueAt)} → ${localTime(d.newDueAt)}`,
            d.becomesLate ? el('span', { class: 'badge late' }, ' Sẽ trễ hạn') : null,
            d.noLongerLate ? el('span', { class: 'badge ok' }, ' Hết trễ hạn') : null,
          ),
        ),
      ),
    );
    const more = p.moved - shown.length;
    if (more > 0) items.push(el('p', { class: 'muted' }, `… và ${more} hồ sơ khác.`));
  }
  previewBox.replaceChildren(el('h3', {}, 'Ảnh hưởng đến hồ sơ đang mở'), ...items);
  previewBox.hidden = false;
}

async function runPreview(change) {
  dayError.hidden = true;
  previewButton.disabled = true;
  previewBox.hidden = false;
  previewBox.replaceChildren(el('p', { class: 'muted' }, 'Đang tính ảnh hưởng đến các hồ sơ đang mở…'));
  try {
    const p = await api.post('/calendar/preview', change);
    renderPreview(p);
    previewed = change;
    saveButton.disabled = false;
    if (change.action === 'delete') {
      saveButton.textContent = 'Xác nhận xoá';
      saveButton.className = 'danger';
    } else {
      saveButton.textContent = change.action === 'add' ? 'Xác nhận thêm vào lịch' : 'Xác nhận lưu thay đổi';
      saveButton.className = '';
    }
    saveButton.focus();
  } catch (err) {
    previewBox.hidden = true;
    showError(dayError, err);
  } finally {
    previewButton.disabled = false;
  }
}

previewButton.addEventListener('click', () => {
  let change;
  try {
    change = changeFromForm();
  } catch (err) {
    return showError(dayError, err);
  }
  void runPreview(change);
});
deleteButton.addEventListener('click', () => void runPreview({ action: 'delete', date: current.date }));
// Whatever is changed after the preview has not been previewed: it must be looked at again.
dayForm.addEventListener('input', resetPreview);
document.getElementById('day-close').addEventListener('click', () => dayDialog.close());

dayForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!previewed) return;
  const change = previewed;
  const date = change.action === 'add' ? change.entry.date : change.date;
  saveButton.disabled = true;
  try {
    let res;
    if (change.action === 'add') res = await api.post('/calendar/entries', change.entry);
    else if (change.action === 'change') res = await api.put(`/calendar/entries/${change.date}`, change.patch);
    else res = await api.delete(`/calendar/entries/${change.date}`);
    dayDialog.close();
    const label = change.action === 'add' ? 'Đã thêm' : change.action === 'change' ? 'Đã lưu thay đổi' : 'Đã xoá';
    say(`${label} ngày ${vnDate(date)} trong lịch.`);
    await loadYear();
    watchPropagation(res.propagation);
  } catch (err) {
    showError(dayError, err);
    saveButton.disabled = false;
  }
});

// ---- how far a change has reached the open dossiers ----

const propagationPanel = document.getElementById('propagation');
const propagationText = document.getElementById('propagation-text');
const propagationBar = document.getElementById('propagation-bar');
let watching = 0;

function watchPropagation(propagation) {
  const run = ++watching;
  propagationPanel.hidden = false;
  document.getElementById('propagation-retry').hidden = true;
  if (!propagation?.id) {
    propagationPanel.dataset.state = 'not-started';
    propagationText.textContent = 'Thay đổi đã được lưu nhưng chưa báo được cho các hồ sơ đang mở (dịch vụ xử lý quy trình đang gián đoạn).';
    document.getElementById('propagation-retry').hidden = !national;
    return;
  }
  propagationPanel.dataset.state = 'running';
  propagationText.textContent = 'Đang báo thay đổi cho các hồ sơ đang mở…';
  propagationBar.removeAttribute('value');
  const tick = async () => {
    if (run !== watching) return;
    try {
      const p = await api.get(`/calendar/propagations/${encodeURIComponent(propagation.id)}`);
      const done = p.completed + p.skipped + p.failed;
      propagationBar.max = Math.max(1, p.total);
      propagationBar.value = p.total === 0 && p.state === 'completed' ? 1 : done;
      propagationPanel.dataset.state = p.state;
      if (p.state === 'running') {
        propagationText.textContent = `Đang cập nhật: ${done}/${p.total} hồ sơ đang mở${p.skipped ? ` (${p.skipped} hồ sơ đã kết thúc, bỏ qua)` : ''}.`;
        setTimeout(() => void tick(), 700);
      } else if (p.state === 'completed') {
        propagationText.textContent =
          `Đã cập nhật xong: ${p.completed} hồ sơ đang mở đã tính lại ngày hẹn` +
          `${p.skipped ? `, ${p.skipped} hồ sơ đã kết thúc trước khi được báo` : ''}${p.failed ? `, ${p.failed} hồ sơ lỗi` : ''}` +
          `${p.closedAt ? ` (lúc ${localTime(p.closedAt)})` : ''}.`;
      } else {
        propagationText.textContent = 'Việc cập nhật các hồ sơ đang mở bị dừng giữa chừng. Hãy cập nhật lại.';
        document.getElementById('propagation-retry').hidden = !national;
      }
    } catch (err) {
      showError(errorLine, err);
      setTimeout(() => void tick(), 2000);
    }
  };
  void tick();
}

document.getElementById('repropagate').addEventListener('click', async () => {
  try {
    watchPropagation(await api.post('/calendar/propagations'));
  } catch (err) {
    showError(errorLine, err);
  }
});

// ---- office hours of an agency ----

const hoursForm = document.getElementById('hours-form');
const windowsBox = document.getElementById('windows');
const hoursError = document.getElementById('hours-error');
let hoursAgency = national ? null : user?.agencyCode;

function windowRow(w = { start: '', end: '' }) {
  const row = el(
    'div',
    { class: 'window-row' },
    field('Từ', el('input', { type: 'time', name: 'start', value: w.start, required: true })),
    field('Đến', el('input', { type: 'time', name: 'end', value: w.end, required: true })),
    el('button', { type: 'button', class: 'danger secondary', onclick: () => row.remove() }, 'Bỏ khung giờ'),
  );
  return row;
}

async function loadHours() {
  if (!hoursAgency) return;
  hoursError.hidden = true;
  windowsBox.replaceChildren(el('p', { class: 'muted' }, 'Đang tải giờ làm việc…'));
  try {
    const { windows } = await api.get(`/calendar/office-hours/${encodeURIComponent(hoursAgency)}`);
    windowsBox.replaceChildren(...windows.map(windowRow));
  } catch (err) {
    windowsBox.replaceChildren();
    showError(hoursError, err);
  }
}

document.getElementById('add-window').addEventListener('click', () => {
  const row = windowRow();
  windowsBox.append(row);
  row.querySelector('input').focus();
});

hoursForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const windows = [...windowsBox.querySelectorAll('.window-row')].map((row) => ({ start: row.querySelector('[name=start]').value, end: row.querySelector('[name=end]').value }));
  if (windows.length === 0 || windows.some((w) => !w.start || !w.end)) return showError(hoursError, new Error('mỗi khung giờ cần đủ giờ bắt đầu và giờ kết thúc.'));
  const button = document.getElementById('save-hours');
  button.disabled = true;
  try {
    const res = await api.put(`/calendar/office-hours/${encodeURIComponent(hoursAgency)}`, { windows });
    hoursError.hidden = true;
    say(`Đã lưu giờ làm việc của ${hoursAgency}: ${res.windows.map((w) => `${w.start}–${w.end}`).join(', ')}.`);
    windowsBox.replaceChildren(...res.windows.map(windowRow));
    watchPropagation(res.propagation);
  } catch (err) {
    showError(hoursError, err);
  } finally {
    button.disabled = false;
  }
});

async function setUpHours() {
  if (national) {
    try {
      const { items } = await api.get('/admin/agencies');
      const select = document.getElementById('hours-agency');
      select.replaceChildren(...items.map((a) => el('option', { value: a.code }, `${a.name} (${a.code})`)));
      document.getElementById('hours-agency-label').hidden = false;
      hoursAgency = items[0]?.code ?? null;
      select.addEventListener('change', () => {
        hoursAgency = select.value;
        void loadHours();
      });
    } catch (err) {
      showError(hoursError, err);
    }
  } else {
    const text = document.getElementById('hours-agency-text');
    text.textContent = `Cơ quan: ${user.agencyName ?? user.agencyCode}`;
    text.hidden = false;
  }
  await loadHours();
}

if (user) {
  if (!national) document.getElementById('intro').textContent = 'Lịch ngày nghỉ dùng chung toàn quốc do quản trị cấp 1 quản lý; bạn xem được lịch và sửa giờ làm việc của cơ quan mình.';
  await loadYear();
  await setUpHours();
}
