import type { FormDefinition } from '../layout';
import { ACTION_LABELS, OUTCOME_LABELS, ROLE_LABELS, STATUS_LABELS, STEP_LABELS, cellTime, timeAndDate } from '../vietnamese';

/** Notes are free text up to 2,000 characters; the slip shows the start, the dossier keeps all of it. */
const NOTE_LIMIT = 400;
const clip = (text: string) => (text.length > NOTE_LIMIT ? `${text.slice(0, NOTE_LIMIT - 1)}…` : text);

/**
 * Form 06: who held the dossier when, and whether each step kept its budget. Every transition is a
 * row, the system's own (verification, clock events) included, because the slip is what an
 * inspection reads to find where time was lost.
 */
export const form06: FormDefinition = {
  code: '06',
  landscape: true,
  unavailable: () => undefined,
  draw(sheet, { state, personName }) {
    const { applicant } = state.application;
    sheet.field('Tên thủ tục', `${state.procedure.name} (mã ${state.procedure.code}, phiên bản ${state.procedure.version})`);
    sheet.field('Người nộp hồ sơ', `${applicant.fullName} — số định danh ${applicant.citizenId} — ${applicant.address}`);
    sheet.field('Nộp trực tuyến', timeAndDate(state.submittedAt));
    sheet.field('Tiếp nhận', state.receivedAt ? timeAndDate(state.receivedAt) : 'chưa tiếp nhận');
    sheet.field('Hẹn trả kết quả', state.dueAt ? timeAndDate(state.dueAt) : '—');
    sheet.field('Trạng thái hiện tại', `${STATUS_LABELS[state.status]}${state.late ? ' (quá hạn)' : ''}`);
    if (state.processingEnded) {
      sheet.field(
        'Kết thúc xử lý',
        `${timeAndDate(state.processingEnded.at)} — ${state.processingEnded.onTime ? 'đúng hạn' : 'trễ hạn'}${
          state.processingEnded.workingDays !== undefined ? ` (${state.processingEnded.workingDays.toFixed(2)} ngày làm việc)` : ''
        }`,
      );
    }
    sheet.gap(6);

    sheet.paragraph('I. Quá trình giao, nhận hồ sơ', { bold: true, align: 'left' });
    sheet.table(
      [
        { header: 'STT', width: 24, align: 'center' },
        { header: 'Thời điểm', width: 78 },
        { header: 'Nội dung', width: 92 },
        { header: 'Từ trạng thái', width: 80 },
        { header: 'Sang trạng thái', width: 80 },
        { header: 'Người thực hiện', width: 110 },
        { header: 'Vai trò', width: 86 },
        { header: 'Ghi chú', width: 194 },
      ],
      state.transitions.map((t, i) => [
        String(i + 1),
        cellTime(t.at),
        ACTION_LABELS[t.action],
        t.from ? STATUS_LABELS[t.from] : '—',
        STATUS_LABELS[t.to],
        t.actor.role === 'system' ? ROLE_LABELS.system : personName(t.actor.username),
        ROLE_LABELS[t.actor.role],
        clip(t.note ?? ''),
      ]),
    );

    sheet.keep(80);
    sheet.paragraph('II. Thời gian xử lý từng bước', { bold: true, align: 'left' });
    if (state.steps.length === 0) {
      sheet.paragraph('Chưa có bước nào được tính thời hạn.', { italic: true });
    } else {
      sheet.table(
        [
          { header: 'STT', width: 26, align: 'center' },
          { header: 'Bước', width: 120 },
          { header: 'Bắt đầu', width: 90 },
          { header: 'Hạn xử lý', width: 90 },
          { header: 'Hoàn thành', width: 90 },
          { header: 'Kết quả (trước hạn / đúng hạn / trễ hạn)', width: 140 },
        ],
        state.steps.map((s, i) => [
          String(i + 1),
          STEP_LABELS[s.step],
          cellTime(s.startedAt),
          cellTime(s.dueAt),
          s.completedAt ? cellTime(s.completedAt) : 'đang xử lý',
          s.outcome ? OUTCOME_LABELS[s.outcome] : '',
        ]),
      );
    }
  },
};
