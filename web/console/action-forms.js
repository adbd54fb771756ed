import { el, vietnamInstant } from './api.js';

/**
 * What each action asks the officer for, and how the answers become the API's body. The server
 * validates every body again: these forms only save a round trip.
 */
const lines = (text) => String(text ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
const optional = (text) => (String(text ?? '').trim() ? String(text).trim() : undefined);
/** "Giấy khám sức khoẻ - hết hạn" → { name, reason }. */
const items = (text) =>
  lines(text).map((line) => {
    const [name, ...rest] = line.split(' - ');
    return { name: name.trim(), reason: rest.join(' - ').trim() || 'Theo yêu cầu của cơ quan giải quyết' };
  });

const field = (name, label, control = 'input', attrs = {}) => ({ name, label, control, attrs });
const NOTE = field('note', 'Ghi chú (không bắt buộc)', 'textarea');

export const ACTION_FORMS = {
  receive: { fields: [NOTE], body: (f) => ({ note: optional(f.note) }) },
  'request-supplement': {
    fields: [field('items', 'Giấy tờ cần bổ sung (mỗi dòng: tên giấy tờ - lý do)', 'textarea', { required: true })],
    body: (f) => ({ items: items(f.items) }),
  },
  refuse: {
    fields: [field('reasons', 'Lý do từ chối (mỗi dòng một lý do)', 'textarea', { required: true })],
    body: (f) => ({ reasons: lines(f.reasons) }),
  },
  // The options are the agency's appraisers with their load, filled in when the dialog opens.
  assign: { fields: [field('appraiser', 'Chuyên viên thẩm định', 'select', { required: true, options: [['', 'Đang tải danh sách…']] })], body: (f) => ({ appraiser: f.appraiser.trim() }) },
  appraise: {
    fields: [
      field('outcome', 'Kết quả thẩm định', 'select', { options: [['pass', 'Đạt'], ['supplement', 'Cần bổ sung'], ['refuse', 'Từ chối']] }),
      field('details', 'Bổ sung: mỗi dòng "tên giấy tờ - lý do"; từ chối: mỗi dòng một lý do', 'textarea'),
      NOTE,
    ],
    body: (f) => ({
      outcome: f.outcome,
      note: optional(f.note),
      items: f.outcome === 'supplement' ? items(f.details) : undefined,
      reasons: f.outcome === 'refuse' ? lines(f.details) : undefined,
    }),
  },
  approve: { fields: [NOTE], body: (f) => ({ note: optional(f.note) }) },
  'send-back': { fields: [field('reason', 'Lý do trả lại', 'textarea', { required: true })], body: (f) => ({ reason: f.reason }) },
  'record-payment': {
    fields: [field('amount', 'Số tiền (VND)', 'input', { type: 'number', required: true }), field('transactionRef', 'Số biên lai', 'input', { required: true })],
    body: (f) => ({ amount: Number(f.amount), method: 'counter', transactionRef: f.transactionRef.trim() }),
    defaults: (row) => ({ amount: row.fee }),
  },
  ship: { fields: [], body: () => ({}) },
  // Nothing to ask: the registries are asked again now, and the answer shows what they said.
  'recheck-verification': { fields: [], body: () => ({}) },
  'hand-over': { fields: [NOTE], body: (f) => ({ note: optional(f.note) }) },
  reschedule: {
    fields: [field('newDueAt', 'Ngày giờ hẹn mới (giờ Việt Nam)', 'input', { type: 'datetime-local', required: true }), field('reason', 'Lý do', 'textarea', { required: true })],
    // The office's clock, whatever zone the browser is in.
    body: (f) => ({ newDueAt: vietnamInstant(f.newDueAt), reason: f.reason }),
  },
};

export function renderFields(action, row) {
  const spec = ACTION_FORMS[action];
  const defaults = spec.defaults ? spec.defaults(row) : {};
  return spec.fields.map(({ name, label, control, attrs }) => {
    const { options, ...rest } = attrs;
    let input;
    if (control === 'select') input = el('select', { name, ...rest }, ...options.map(([value, text]) => el('option', { value }, text)));
    else if (control === 'textarea') input = el('textarea', { name, rows: 3, ...rest });
    else input = el('input', { name, ...rest, value: defaults[name] });
    return el('label', {}, label, input);
  });
}

export function bodyOf(action, form) {
  return ACTION_FORMS[action].body(Object.fromEntries(new FormData(form).entries()));
}
