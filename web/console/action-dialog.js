import { ACTION_FORMS, bodyOf, renderFields } from './action-forms.js';
import { ApiError, api, downloadBlob, el, showError } from './api.js';
import { appraiserOptions, decisionContext, suggestedText } from './dossier-panel.js';
import { ACTION_LABELS, STATUS_LABELS } from './labels.js';

/** Actions that end a dossier or turn it away: drawn in the danger colour, so they never look like the way forward. */
export const DESTRUCTIVE = new Set(['refuse', 'send-back']);

export const actionLabel = (action, row) => (action === 'assign' && row?.assignee ? 'Phân công lại' : ACTION_LABELS[action]);

export function actionButton(row, action, onClick) {
  return el(
    'button',
    { type: 'button', class: DESTRUCTIVE.has(action) ? 'danger' : undefined, dataset: { action }, onclick: onClick },
    actionLabel(action, row),
  );
}

/**
 * The dialog every action goes through, on the queue and on the dossier's page: it shows what
 * the decision needs (read from the dossier as it is now) beside the fields the action asks for,
 * and sends them with an Idempotency-Key fixed when it opens and the revision the officer saw.
 */
export function createActionDialog({ onDone, onStale }) {
  const dialog = el('dialog', { id: 'action-dialog', 'aria-labelledby': 'action-title' });
  const title = el('h2', { id: 'action-title' });
  const context = el('div', { id: 'action-context' }, el('p', { class: 'muted' }, 'Đang tải hồ sơ…'));
  const fields = el('div', { id: 'action-fields' });
  const error = el('p', { id: 'action-error', class: 'error', role: 'alert', hidden: true });
  const confirm = el('button', { type: 'submit', id: 'action-confirm' }, 'Xác nhận');
  const cancel = el('button', { type: 'button', class: 'secondary', id: 'action-cancel', onclick: () => dialog.close() }, 'Hủy');
  const form = el('form', { method: 'dialog', id: 'action-form' }, title, context, fields, error, el('div', { class: 'actions' }, confirm, cancel));
  dialog.append(form);
  document.body.append(dialog);
  let pending = null;

  async function open(row, action) {
    const id = row.code ?? row.reference;
    pending = { row, action, id, key: crypto.randomUUID() };
    title.textContent = `${actionLabel(action, row)} · ${id}`;
    confirm.className = DESTRUCTIVE.has(action) ? 'danger' : '';
    confirm.textContent = DESTRUCTIVE.has(action) ? `Xác nhận ${ACTION_LABELS[action].toLowerCase()}` : 'Xác nhận';
    fields.replaceChildren(...renderFields(action, row));
    context.replaceChildren(el('p', { class: 'muted' }, 'Đang tải hồ sơ…'));
    error.hidden = true;
    dialog.showModal();
    const mine = pending;
    try {
      const [d, appraisers] = await Promise.all([api.get(`/dossiers/${encodeURIComponent(id)}`), action === 'assign' ? appraiserOptions(row.assignee) : null]);
      // Opened again for another dossier meanwhile: this answer is not about the decision in view.
      if (pending !== mine) return;
      context.replaceChildren(decisionContext(d, action));
      const text = fields.querySelector('textarea[name="reasons"], textarea[name="items"]');
      const suggestion = suggestedText(d, action);
      if (text && !text.value && suggestion) text.value = suggestion;
      if (appraisers) {
        const select = fields.querySelector('select[name="appraiser"]');
        select.replaceChildren(el('option', { value: '' }, '— Chọn chuyên viên —'), ...appraisers);
      }
    } catch (err) {
      showError(error, err);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!pending) return;
    const { row, action, id, key } = pending;
    confirm.disabled = true;
    try {
      // The key is fixed when the dialog opens: pressing again after a lost answer applies the action once.
      const state = await api.post(`/dossiers/${encodeURIComponent(id)}/actions/${action}`, bodyOf(action, form), key, row.etag);
      dialog.close();
      onDone(row, action, state);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        dialog.close();
        onStale(row, action);
      } else {
        showError(error, err);
      }
    } finally {
      confirm.disabled = false;
    }
  });

  return { open, dialog, isOpen: () => dialog.open };
}

/** "Đã thực hiện …": what the officer did, in words. */
export const doneText = (action, state) => `Đã thực hiện “${ACTION_LABELS[action]}” với hồ sơ ${state.code ?? state.reference}: ${STATUS_LABELS[state.status]}.`;

/** Form 01 straight after receipt: the PDF the citizen is handed, without re-typing the code. */
export async function downloadForm(code, form) {
  downloadBlob(await api.blob(`/dossiers/${encodeURIComponent(code)}/documents/${form}`), `${code}-mau-${form}.pdf`);
}

/** The receipt's button, offered beside "received": form 01 to hand over at once. */
export const printReceiptButton = (code, label, errorLine) =>
  el('button', { type: 'button', class: 'secondary', dataset: { print: code }, onclick: () => void downloadForm(code, '01').catch((e) => showError(errorLine, e)) }, label);

export const hasForm = (action) => Boolean(ACTION_FORMS[action]);
