import { DOCUMENT_UNAVAILABLE } from '../../domain/messages';
import { DAY_MS } from '../../domain/working-time';
import { applicantFields, type FormDefinition } from '../layout';
import { timeAndDate } from '../vietnamese';

/** Form 02: everything missing, asked for at once (one request per dossier), with the time limit. */
export const form02: FormDefinition = {
  code: '02',
  unavailable: (state) => (state.supplement ? undefined : DOCUMENT_UNAVAILABLE['02']),
  draw(sheet, { state, personName }) {
    const request = state.supplement!;
    const stage = request.stage === 'intake' ? 'khi tiếp nhận' : 'trong quá trình thẩm định';
    sheet.paragraph(
      `Bộ phận tiếp nhận và trả kết quả (mã cơ quan ${state.agencyCode}) đã nhận hồ sơ nộp trực tuyến ${timeAndDate(state.submittedAt)} của:`,
    );
    applicantFields(sheet, state);
    sheet.paragraph(`Qua xem xét ${stage}, hồ sơ cần được bổ sung, hoàn thiện những nội dung sau:`, { bold: true, align: 'left' });
    sheet.table(
      [
        { header: 'STT', width: 30, align: 'center' },
        { header: 'Giấy tờ cần bổ sung, hoàn thiện', width: 200 },
        { header: 'Lý do', width: 250 },
      ],
      request.items.map((item, i) => [String(i + 1), item.name, item.reason]),
      10,
    );
    const limit = new Date(Date.parse(request.requestedAt) + state.procedure.supplementLimitDays * DAY_MS);
    sheet.paragraph(
      `Thời hạn bổ sung: ${state.procedure.supplementLimitDays} ngày kể từ ${timeAndDate(request.requestedAt)}, tức trước ${timeAndDate(limit)}. ` +
        'Quá thời hạn này mà hồ sơ chưa được bổ sung thì cơ quan dừng xử lý hồ sơ.',
    );
    if (request.stage === 'appraisal') {
      sheet.paragraph('Thời gian bổ sung hồ sơ không tính vào thời hạn giải quyết; ngày hẹn trả kết quả sẽ được thông báo lại khi hồ sơ đã đủ.', {
        italic: true,
      });
    }
    if (request.completedAt) {
      const supplied = (request.documents ?? []).map((d) => `${d.name} (${d.reference})`).join('; ');
      sheet.paragraph(`Đã bổ sung ${timeAndDate(request.completedAt)}: ${supplied || '—'}.`, { italic: true });
    }
    sheet.paragraph('Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ Bộ phận tiếp nhận và trả kết quả để được hướng dẫn.');
    sheet.signatures([{ title: 'Người hướng dẫn', name: personName(request.requestedBy) }]);
  },
};
