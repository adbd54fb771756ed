// The public page: no login, no personal data; a code from the address, the box, or a form's QR text.

const form = document.getElementById('lookup');
const input = document.getElementById('code');
const errorLine = document.getElementById('error');

const timeFormat = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'full', timeStyle: 'short' });
const when = (iso) => (iso ? timeFormat.format(new Date(iso)) : '—');

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

function fact(label, value, key) {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dd.dataset.fact = key;
  return [dt, dd];
}

async function show(code) {
  errorLine.hidden = true;
  document.getElementById('result').hidden = true;
  const res = await fetch(`/api/v1/public/dossiers/${encodeURIComponent(code)}`);
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    errorLine.textContent =
      res.status === 404 ? `Không tìm thấy hồ sơ có mã ${code}.` : res.status === 400 ? `Mã hồ sơ không hợp lệ: ${body.error?.message ?? ''}` : `Không tra cứu được (lỗi ${res.status}). Vui lòng thử lại sau.`;
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
