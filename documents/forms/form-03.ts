import { DOCUMENT_UNAVAILABLE } from '../../domain/messages';
import { applicantFields, type FormDefinition } from '../layout';
import { timeAndDate } from '../vietnamese';

/** Form 03: the refusal, with every reason the officer gave. */
export const form03: FormDefinition = {
  code: '03',
  unavailable: (state) => (state.refusal ? undefined : DOCUMENT_UNAVAILABLE['03']),
  draw(sheet, { state, personName }) {
    const refusal = state.refusal!;
    sheet.paragraph(
      `Bộ phận tiếp nhận và trả kết quả (mã cơ quan ${state.agencyCode}) đã nhận hồ sơ nộp trực tuyến ${timeAndDate(state.submittedAt)} của:`,
    );
    applicantFields(sheet, state);
    const stage = refusal.stage === 'intake' ? 'khi tiếp nhận' : 'trong quá trình thẩm định';
    sheet.paragraph(
      `Qua xem xét ${stage}, cơ quan thông báo không tiếp nhận, giải quyết hồ sơ này (${timeAndDate(refusal.at)}) với lý do cụ thể như sau:`,
      { bold: true },
    );
    sheet.numbered(refusal.reasons);
    sheet.paragraph('Xin thông báo để Ông/Bà được biết và thực hiện.');
    sheet.signatures([{ title: 'Người tiếp nhận hồ sơ', name: personName(refusal.by) }]);
  },
};
