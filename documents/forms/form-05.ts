import { DOCUMENT_UNAVAILABLE } from '../../domain/messages';
import { applicantFields, type FormDefinition } from '../layout';
import { timeAndDate } from '../vietnamese';

/** Form 05: the notice that processing has stopped — the citizen withdrew, or the dossier was stopped. */
export const form05: FormDefinition = {
  code: '05',
  unavailable: (state) =>
    state.status === 'WITHDRAWN' || state.status === 'STOPPED'
      ? undefined
      : DOCUMENT_UNAVAILABLE['05'],
  draw(sheet, { state }) {
    sheet.paragraph(
      `Bộ phận tiếp nhận và trả kết quả (mã cơ quan ${state.agencyCode}) đã nhận hồ sơ nộp trực tuyến ${timeAndDate(state.submittedAt)}${
        state.receivedAt ? ` và tiếp nhận ${timeAndDate(state.receivedAt)}` : ''
      } của:`,
    );
    applicantFields(sheet, state);
    const stop = [...state.transitions].reverse().find((t) => t.to === state.status);
    const at = state.withdrawal?.at ?? stop?.at ?? state.closedAt;
    sheet.paragraph(`Cơ quan thông báo dừng xử lý hồ sơ này${at ? ` từ ${timeAndDate(at)}` : ''}.`, { bold: true });
    if (state.status === 'WITHDRAWN') {
      sheet.paragraph(`Lý do: Ông/Bà đề nghị rút hồ sơ — ${state.withdrawal?.reason ?? stop?.note ?? ''}.`);
    } else if (state.refusal?.stage === 'appraisal') {
      sheet.paragraph('Lý do: hồ sơ không đáp ứng điều kiện qua thẩm định:');
      sheet.numbered(state.refusal.reasons);
    } else if (stop?.action === 'time-limit' && state.supplement && !state.supplement.completedAt) {
      sheet.paragraph(`Lý do: hồ sơ không được bổ sung trong thời hạn ${state.procedure.supplementLimitDays} ngày theo Phiếu yêu cầu bổ sung (mẫu 02).`);
    } else if (stop?.action === 'time-limit' && state.paymentDue) {
      sheet.paragraph(`Lý do: lệ phí không được nộp trước ${timeAndDate(state.paymentDue.dueAt)}.`);
    } else {
      sheet.paragraph(`Lý do: ${stop?.note ?? '—'}.`);
    }
    sheet.paragraph('Hồ sơ điện tử được lưu theo quy định. Ông/Bà có thể nộp hồ sơ mới khi có nhu cầu.');
    sheet.signatures([{ title: 'Bộ phận tiếp nhận và trả kết quả', hint: '(Ký và ghi rõ họ tên)' }]);
  },
};
