import { api, el, localTime, renderHeader, requireLogin, showError, today } from './api.js';
import { STATUS_LABELS } from './labels.js';

/** Figures refresh on their own: a supervisor leaves the dashboard open and watches it move. */
const REFRESH_MS = 5000;

const user = requireLogin();
renderHeader('dashboard');

const filters = document.getElementById('filters');
const errorLine = document.getElementById('error');
filters.from.value = `${today().slice(0, 8)}01`;
filters.to.value = today();

const percent = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);

const KPIS = [
  ['received', 'Đã tiếp nhận'],
  ['inProgress', 'Đang giải quyết'],
  ['finished', 'Đã giải quyết'],
  ['lateInProgress', 'Trễ hạn đang giải quyết', 'late'],
  ['lateFinished', 'Giải quyết trễ hạn', 'late'],
  ['onTimeRate', 'Tỷ lệ đúng hạn', null, percent],
  ['averageProcessingWorkingDays', 'Thời gian xử lý TB (ngày làm việc)', null, (x) => (x ?? '—')],
  ['online', 'Nộp trực tuyến', null, null, (s) => s.byChannel.online],
  ['direct', 'Nộp trực tiếp', null, null, (s) => s.byChannel.direct],
  ['post', 'Nộp qua bưu chính', null, null, (s) => s.byChannel.post],
  ['paidOnline', 'Thanh toán trực tuyến'],
  ['supplemented', 'Yêu cầu bổ sung'],
  // Counts received dossiers, as QĐ 766 does: a refusal at intake was never received, and shows in the chart instead.
  ['refused', 'Từ chối sau khi tiếp nhận'],
  // Citizens' ratings after delivery (seed 004 art. 3.2b), given in the period.
  ['feedbackCount', 'Lượt đánh giá của người dân', null, null, (s) => s.feedback.count],
  ['feedbackAverage', 'Mức hài lòng trung bình (1–5)', null, (x) => (x === null ? '—' : x.toLocaleString('vi-VN', { maximumFractionDigits: 1 })), (s) => s.feedback.averageRating],
];

function renderKpis(stats) {
  const box = document.getElementById('kpis');
  box.replaceChildren(
    ...KPIS.map(([key, label, kind, format, pick]) => {
      const raw = pick ? pick(stats) : stats[key];
      return el('div', { class: `kpi ${kind ?? ''}`, dataset: { kpi: key } }, el('div', { class: 'value' }, format ? format(raw) : raw), el('div', { class: 'label' }, label));
    }),
  );
}

const COLORS = ['#a11d21', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037'];

const statusChart = new Chart(document.getElementById('by-status'), {
  type: 'bar',
  data: { labels: [], datasets: [{ label: 'Số hồ sơ', data: [], backgroundColor: '#a11d21' }] },
  options: { animation: false, maintainAspectRatio: false, indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
});

const onTimeChart = new Chart(document.getElementById('on-time'), {
  type: 'line',
  data: { labels: [], datasets: [] },
  options: {
    animation: false,
    maintainAspectRatio: false,
    scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v} %` } } },
    plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.parsed.y.toFixed(1)} %` } } },
  },
});

function renderByStatus(byStatus) {
  statusChart.data.labels = byStatus.map((r) => STATUS_LABELS[r.status]);
  statusChart.data.datasets[0].data = byStatus.map((r) => r.count);
  statusChart.update();
  // The numbers behind the bars, for screen readers and for tests that read the page.
  document.getElementById('by-status').dataset.counts = JSON.stringify(Object.fromEntries(byStatus.map((r) => [r.status, r.count])));
}

function renderOnTime(series) {
  const months = [...new Set(series.map((r) => r.bucket))].sort();
  const agencies = [...new Set(series.map((r) => r.agencyCode))].sort();
  onTimeChart.data.labels = months.map((m) => `${m.slice(5, 7)}/${m.slice(0, 4)}`);
  onTimeChart.data.datasets = agencies.map((agency, i) => ({
    label: agency,
    borderColor: COLORS[i % COLORS.length],
    backgroundColor: COLORS[i % COLORS.length],
    spanGaps: true,
    data: months.map((m) => {
      const row = series.find((r) => r.agencyCode === agency && r.bucket === m);
      return row && row.onTimeRate !== null ? row.onTimeRate * 100 : null;
    }),
  }));
  onTimeChart.update();
}

function renderLateList(lateList) {
  const body = document.querySelector('#late-list tbody');
  if (lateList.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'Không có hồ sơ trễ hạn.')));
    return;
  }
  body.replaceChildren(
    ...lateList.map((d) =>
      el(
        'tr',
        { class: 'late' },
        el('td', { 'data-label': 'Mã hồ sơ' }, el('a', { href: `/console/dossier.html?code=${encodeURIComponent(d.code ?? d.reference)}` }, d.code ?? d.reference)),
        el('td', { 'data-label': 'Trạng thái' }, STATUS_LABELS[d.status] ?? d.status),
        el('td', { 'data-label': 'Hạn trả' }, localTime(d.dueAt)),
        el('td', { 'data-label': 'Quá hạn (ngày làm việc)' }, d.workingDaysOverdue),
        el('td', { 'data-label': 'Người thụ lý' }, d.assignee ?? '—'),
      ),
    ),
  );
}

async function refresh() {
  const q = new URLSearchParams();
  for (const name of ['agency', 'from', 'to']) if (filters[name].value) q.set(name, filters[name].value);
  const year = new URLSearchParams(q);
  year.set('from', `${(filters.to.value || today()).slice(0, 4)}-01-01`);
  try {
    const [stats, byStatus, onTime] = await Promise.all([api.get(`/stats?${q}`), api.get(`/stats/by-status?${q}`), api.get(`/stats/on-time?${year}`)]);
    renderKpis(stats);
    renderByStatus(byStatus.byStatus);
    renderOnTime(onTime.series);
    renderLateList(stats.lateList);
    errorLine.hidden = true;
    document.getElementById('updated').textContent = `Cập nhật lúc ${localTime(new Date().toISOString())}`;
  } catch (err) {
    showError(errorLine, err);
  }
}

if (user) {
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void refresh();
  });
  document.getElementById('find').addEventListener('submit', (event) => {
    event.preventDefault();
    const code = document.getElementById('find-code').value.trim();
    location.assign(`/console/dossier.html?code=${encodeURIComponent(code)}`);
  });
  void refresh();
  setInterval(() => void refresh(), REFRESH_MS);
}
