import { api, el, localTime, renderHeader, requireLogin, showError } from './api.js';
import { ACTION_LABELS, ROLE_LABELS, STATUS_LABELS } from './labels.js';
import { downloadBlob } from './admin-common.js';

const user = requireLogin();
renderHeader('audit');

const errorLine = document.getElementById('error');
const input = document.getElementById('code');
const resultPanel = document.getElementById('replay-result');
let current = null;

const SOURCES = { temporal: 'Máy chủ Temporal (quy trình còn lưu)', archive: 'Kho lưu trữ lịch sử', request: 'Tệp tải lên' };

/**
 * One step: when, what, who, the state it led to, and its line in Vietnamese (the record's `textVi`,
 * also for the same step of a replayed timeline); a system note without one is the machine's
 * English, shown only as the step's name.
 */
function step(t, i) {
  const system = t.actor.role === 'system';
  const recorded = current?.dossier?.transitions?.[i];
  const same = recorded && recorded.action === t.action && recorded.at === t.at ? recorded : undefined;
  const note = t.textVi ?? same?.textVi ?? (system ? undefined : t.note);
  return el(
    'li',
    { class: system ? 'system' : undefined, dataset: { action: t.action, seq: String(t.seq ?? i) } },
    el('div', { class: 'when' }, el('time', { datetime: t.at }, localTime(t.at))),
    el('div', { class: 'what' }, ACTION_LABELS[t.action] ?? t.action),
    el('div', {}, `${ROLE_LABELS[t.actor.role] ?? t.actor.role}${system ? '' : ` · ${t.actor.username}`}`),
    t.from !== t.to ? el('div', { class: 'muted' }, `${t.from ? `${STATUS_LABELS[t.from] ?? t.from} → ` : ''}${STATUS_LABELS[t.to] ?? t.to}`) : null,
    note && note !== ACTION_LABELS[t.action] ? el('div', { class: 'note' }, note) : null,
  );
}

function showTimeline(transitions, title, note) {
  document.getElementById('timeline-title').textContent = title;
  document.getElementById('timeline-note').textContent = note;
  const list = document.getElementById('timeline');
  list.replaceChildren(...(transitions.length ? transitions.map(step) : [el('li', { class: 'system' }, 'Chưa có bước xử lý nào.')]));
  document.getElementById('timeline-panel').hidden = false;
}

async function open(code) {
  errorLine.hidden = true;
  resultPanel.hidden = true;
  delete resultPanel.dataset.verdict;
  document.getElementById('export-status').textContent = '';
  document.getElementById('dossier').hidden = true;
  document.getElementById('timeline-panel').hidden = true;
  showLoading('Đang tải hồ sơ…');
  try {
    const d = await api.get(`/dossiers/${encodeURIComponent(code)}`);
    current = { id: d.code ?? d.reference, dossier: d };
    history.replaceState(null, '', `?code=${encodeURIComponent(current.id)}`);
    document.getElementById('dossier-title').textContent = `Hồ sơ ${current.id}`;
    const facts = [
      ['Mã hồ sơ', d.code ?? 'chưa cấp'],
      ['Mã tiếp nhận trực tuyến', d.reference],
      ['Cơ quan', d.agencyCode],
      ['Trạng thái', STATUS_LABELS[d.status] ?? d.status],
      ['Tiếp nhận lúc', localTime(d.receivedAt)],
      ['Hẹn trả kết quả', localTime(d.dueAt)],
    ];
    document.getElementById('facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { dataset: { fact: k } }, v)]));
    document.getElementById('dossier').hidden = false;
    showTimeline(d.transitions ?? [], `Dòng thời gian (${(d.transitions ?? []).length} bước)`, 'Theo hồ sơ đã lưu. Chạy lại lịch sử để dựng lại dòng thời gian từ chính lịch sử của quy trình.');
  } catch (err) {
    current = null;
    showError(errorLine, err);
  } finally {
    hideLoading();
  }
}

function showLoading(text) {
  resultPanel.hidden = false;
  resultPanel.replaceChildren(el('p', { class: 'muted' }, text));
}
function hideLoading() {
  if (resultPanel.dataset.verdict === undefined) resultPanel.hidden = true;
}

function renderReport(r) {
  const ok = r.verdict === 'deterministic';
  const verdictText = {
    deterministic: 'Khớp hoàn toàn: mã xử lý hiện tại tạo lại đúng từng lệnh đã ghi trong lịch sử.',
    nondeterministic: 'Không khớp: mã xử lý hiện tại đi theo đường khác với lịch sử đã ghi.',
    failed: 'Không chạy lại được lịch sử này.',
  }[r.verdict];
  const facts = [
    ['Nguồn lịch sử', SOURCES[r.source] ?? r.source],
    ['Số sự kiện', String(r.events)],
    ['Mã băm SHA-256', el('code', {}, r.sha256)],
    ['Quy trình đã kết thúc', r.closed ? 'Có' : 'Chưa'],
    ['Bản dựng đã xử lý hồ sơ', r.workerBuildId ?? '—'],
    ['Bản dựng dùng để chạy lại', r.replayedWith],
    ['Thời gian chạy lại', `${Math.round(r.durationMs)} mili giây`],
    ...(r.archivedAt ? [['Lưu trữ lúc', localTime(r.archivedAt)]] : []),
  ];
  const parts = [
    el('h2', {}, 'Kết quả chạy lại'),
    el('p', { class: `verdict ${ok ? 'ok' : 'bad'}`, dataset: { verdict: r.verdict } }, verdictText),
  ];
  if (r.divergence) {
    const d = r.divergence;
    parts.push(
      el('h3', {}, r.verdict === 'nondeterministic' ? 'Chỗ lệch' : 'Lý do'),
      el(
        'dl',
        { class: 'facts', id: 'divergence' },
        ...(d.eventId !== undefined ? [el('dt', {}, 'Tại sự kiện số'), el('dd', {}, String(d.eventId))] : []),
        ...(d.eventType ? [el('dt', {}, 'Loại sự kiện'), el('dd', {}, el('code', {}, d.eventType))] : []),
        ...(d.eventTime ? [el('dt', {}, 'Thời điểm sự kiện'), el('dd', {}, localTime(d.eventTime))] : []),
        ...(d.command ? [el('dt', {}, 'Mã hiện tại tạo lệnh'), el('dd', {}, el('code', {}, d.command))] : []),
        ...(d.eventDetail ? [el('dt', {}, 'Chi tiết sự kiện'), el('dd', {}, el('code', {}, d.eventDetail))] : []),
      ),
      el('details', {}, el('summary', {}, 'Thông báo kỹ thuật của Temporal'), el('pre', { class: 'technical', lang: 'en' }, d.message)),
    );
  }
  parts.push(el('dl', { class: 'facts spaced' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
  resultPanel.replaceChildren(...parts);
  resultPanel.dataset.verdict = r.verdict;
  resultPanel.hidden = false;

  const recorded = current?.dossier?.transitions;
  let note = 'Dựng lại từ lịch sử của quy trình trong lúc chạy lại.';
  if (recorded && r.source !== 'request') {
    const differs = r.timeline.findIndex((t, i) => recorded[i]?.action !== t.action || recorded[i]?.at !== t.at);
    note += differs === -1 && recorded.length === r.timeline.length ? ' Khớp với hồ sơ đã lưu.' : ` Khác hồ sơ đã lưu từ bước ${differs === -1 ? r.timeline.length + 1 : differs + 1}; lịch sử là căn cứ.`;
  }
  if (r.timeline.length) showTimeline(r.timeline, `Dòng thời gian dựng lại (${r.timeline.length} bước)`, note);
}

async function replay(body, button) {
  button.disabled = true;
  delete resultPanel.dataset.verdict;
  showLoading('Đang chạy lại lịch sử… (có thể mất vài giây với hồ sơ dài)');
  try {
    renderReport(await api.post('/audit/replay', body));
  } catch (err) {
    resultPanel.hidden = true;
    showError(errorLine, err);
  } finally {
    button.disabled = false;
  }
}

document.getElementById('lookup').addEventListener('submit', (event) => {
  event.preventDefault();
  const code = input.value.trim();
  if (code) void open(code);
});

document.getElementById('replay').addEventListener('click', (event) => {
  if (current) void replay({ code: current.id }, event.currentTarget);
});

document.getElementById('export').addEventListener('click', async (event) => {
  if (!current) return;
  const button = event.currentTarget;
  const status = document.getElementById('export-status');
  button.disabled = true;
  status.textContent = 'Đang chuẩn bị tệp lịch sử…';
  try {
    const blob = await api.blob(`/dossiers/${encodeURIComponent(current.id)}/history`);
    const filename = `${current.id.replace(/[^\w.-]/g, '_')}.history.json`;
    downloadBlob(blob, filename);
    status.textContent = `Đã tải tệp ${filename} (${Math.ceil(blob.size / 1024)} KB).`;
  } catch (err) {
    status.textContent = '';
    showError(errorLine, err);
  } finally {
    button.disabled = false;
  }
});

document.getElementById('file-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = document.getElementById('history-file').files?.[0];
  if (!file) return;
  let history;
  try {
    history = JSON.parse(await file.text());
  } catch {
    return showError(errorLine, new Error('tệp không phải JSON hợp lệ.'));
  }
  current = null;
  document.getElementById('dossier').hidden = true;
  await replay({ history }, event.submitter ?? event.target.querySelector('button'));
});

if (user) {
  const code = new URLSearchParams(location.search).get('code');
  if (code) {
    input.value = code;
    void open(code);
  }
}
