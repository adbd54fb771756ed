import { DOCUMENT_UNAVAILABLE } from '../../domain/messages';
import { applicantFields, type FormDefinition } from '../layout';
import { shortDate, timeAndDate } from '../vietnamese';

/** Form 01: the receipt and appointment, handed to the citizen when the one-stop accepts the dossier. */
export const form01: FormDefinition = {
  code: '01',
  unavailable: (state) => (state.code ? undefined : DOCUMENT_UNAVAILABLE['01']),
  draw(sheet, { state, personName }) {
    const { licence, healthCertificateId, delivery } = state.application;
    sheet.paragraph(`Bộ phận tiếp nhận và trả kết quả (mã cơ quan ${state.agencyCode}) tiếp nhận hồ sơ của:`);
    applicantFields(sheet, state);

    sheet.paragraph('1. Thành phần hồ sơ nộp gồm:', { bold: true, align: 'left' });
    sheet.numbered([
      'Đơn đề nghị đổi giấy phép lái xe (bản điện tử, nộp trực tuyến).',
      `Giấy phép lái xe số ${licence.number}, hạng ${licence.class}, cấp ${shortDate(licence.issuedOn)}, có giá trị đến ${shortDate(licence.expiresOn)}.`,
      ...(healthCertificateId ? [`Giấy khám sức khỏe của người lái xe, số ${healthCertificateId}.`] : []),
    ], 'letter');
    sheet.paragraph('2. Số lượng hồ sơ: 01 (một) bộ.', { align: 'left' });
    sheet.paragraph(`3. Thời gian giải quyết hồ sơ theo quy định: ${state.procedure.processingWorkingDays} ngày làm việc.`, { align: 'left' });
    sheet.paragraph(`4. Thời gian nhận hồ sơ: ${state.receivedAt ? timeAndDate(state.receivedAt) : '—'}.`, { align: 'left' });
    sheet.paragraph(
      `5. Thời gian trả kết quả giải quyết hồ sơ: ${state.dueAt ? timeAndDate(state.dueAt) : 'tạm dừng trong thời gian bổ sung hồ sơ'}.`,
      { bold: true, align: 'left' },
    );
    sheet.paragraph(
      `6. Đăng ký nhận kết quả tại: ${
        delivery.method === 'post' ? `địa chỉ ${delivery.address ?? ''} (qua dịch vụ bưu chính công ích)` : 'Bộ phận tiếp nhận và trả kết quả'
      }.`,
      { align: 'left' },
    );
    sheet.paragraph(`Vào Sổ theo dõi hồ sơ, mã hồ sơ ${state.code}.`, { italic: true, align: 'left' });

    const receiver = state.transitions.find((t) => t.action === 'receive')?.actor.username;
    sheet.signatures([
      { title: 'Người nộp hồ sơ', name: state.application.applicant.fullName },
      { title: 'Người tiếp nhận hồ sơ', name: receiver ? personName(receiver) : undefined },
    ]);
  },
};
