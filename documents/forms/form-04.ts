import { DOCUMENT_UNAVAILABLE } from '../../domain/messages';
import { applicantFields, type FormDefinition } from '../layout';
import { timeAndDate } from '../vietnamese';

/** Form 04: the apology and the new appointment the leader set when no result could be ready in time. */
export const form04: FormDefinition = {
  code: '04',
  unavailable: (state) =>
    state.apology?.reschedule ? undefined : DOCUMENT_UNAVAILABLE['04'],
  draw(sheet, { state, personName }) {
    const reschedule = state.apology!.reschedule!;
    sheet.paragraph(
      `Bộ phận tiếp nhận và trả kết quả (mã cơ quan ${state.agencyCode}) đã tiếp nhận hồ sơ ${
        state.receivedAt ? timeAndDate(state.receivedAt) : ''
      }, mã hồ sơ ${state.code ?? state.reference}, của:`,
    );
    applicantFields(sheet, state);
    sheet.paragraph(`Thời gian hẹn trả kết quả giải quyết hồ sơ: ${timeAndDate(reschedule.from)}.`);
    sheet.paragraph('Tuy nhiên đến nay, cơ quan chưa trả kết quả giải quyết hồ sơ cho Ông/Bà.');
    sheet.paragraph(`Lý do: ${reschedule.reason}`, { bold: true });
    sheet.paragraph(
      'Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà. Cơ quan xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả:',
    );
    sheet.paragraph(timeAndDate(reschedule.to), { bold: true, align: 'center' });
    sheet.paragraph('Cơ quan xin trân trọng cảm ơn sự hợp tác của Ông/Bà.');
    sheet.signatures([{ title: 'Lãnh đạo cơ quan', hint: '(Ký, ghi rõ họ tên và đóng dấu)', name: personName(reschedule.by) }]);
  },
};
