// The public FAQ: the national questions, and the agency's own when the address names one (?agency=).

const list = document.getElementById('faq');
const loading = document.getElementById('loading');
const empty = document.getElementById('empty');
const errorLine = document.getElementById('error');

const AGENCY = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

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

async function load() {
  const asked = new URLSearchParams(location.search).get('agency');
  const agency = asked && AGENCY.test(asked) ? asked : null;
  let res;
  try {
    res = await fetch(`/api/v1/public/faq${agency ? `?agency=${encodeURIComponent(agency)}` : ''}`);
  } catch {
    res = null;
  }
  loading.hidden = true;
  if (!res?.ok) {
    // An agency that does not exist: the national questions still help.
    if (res?.status === 404 && agency) {
      history.replaceState(null, '', '/hoi-dap');
      loading.hidden = false;
      return load();
    }
    errorLine.textContent = res ? `Không tải được câu hỏi (lỗi ${res.status}). Vui lòng thử lại sau.` : 'Không kết nối được máy chủ. Vui lòng thử lại sau.';
    errorLine.hidden = false;
    return undefined;
  }
  const body = await res.json();
  if (body.agency) {
    document.getElementById('scope').textContent = `Các câu hỏi chung về thủ tục đổi giấy phép lái xe trực tuyến, và câu hỏi riêng của ${body.agency.name}.`;
  }
  if (body.items.length === 0) {
    empty.hidden = false;
    return undefined;
  }
  list.replaceChildren(
    ...body.items.map((item) =>
      node(
        'details',
        { dataset: { faq: String(item.id), scope: item.agencyCode ?? 'national' } },
        node('summary', {}, item.question, item.agencyCode && body.agency ? node('span', { class: 'scope' }, `(${body.agency.name})`) : null),
        node('p', { class: 'answer' }, item.answer),
      ),
    ),
  );
  list.hidden = false;
  return undefined;
}

void load();
