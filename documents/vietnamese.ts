import { localIso } from '../domain/working-time';

/** The one-stop forms (TT 01/2018/TT-VPCP), numbered as the regulation numbers them. */
export const FORM_CODES = ['01', '02', '03', '04', '05', '06'] as const;
export type FormCode = (typeof FORM_CODES)[number];

export const FORM_TITLES: Record<FormCode, string> = {
  '01': 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  '02': 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  '03': 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
  '04': 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
  '05': 'Phiếu dừng xử lý hồ sơ',
  '06': 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
};

export { ACTION_LABELS, OUTCOME_LABELS, ROLE_LABELS, STATUS_LABELS, STEP_LABELS } from '../domain/labels-vi';

export const ISSUING_SYSTEM = 'Hệ thống GPLX một cửa';

/**
 * An instant as Vietnam local time, to the second. Printed and QR times are local because the
 * citizen reads them against the office clock; the offset stays so a machine can read them too.
 */
export function localSeconds(instant: string | Date): string {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return localIso(Math.floor(t / 1000) * 1000);
}

/** "ngày 05 tháng 03 năm 2026", as the dateline of an administrative document is written. */
export function longDate(instant: string | Date): string {
  const s = localSeconds(instant);
  return `ngày ${s.slice(8, 10)} tháng ${s.slice(5, 7)} năm ${s.slice(0, 4)}`;
}

/** "10 giờ 05 phút, ngày 05/03/2026", the form's way of giving an appointment. */
export function timeAndDate(instant: string | Date): string {
  const s = localSeconds(instant);
  return `${s.slice(11, 13)} giờ ${s.slice(14, 16)} phút, ${shortDate(s)}`;
}

/** "ngày 05/03/2026". */
export function shortDate(instant: string | Date): string {
  const s = typeof instant === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(instant) ? instant : localSeconds(instant);
  return `ngày ${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
}

/** "05/03/2026 10:05", compact enough for a table cell. */
export function cellTime(instant: string | undefined): string {
  if (!instant) return '';
  const s = localSeconds(instant);
  return `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)} ${s.slice(11, 16)}`;
}
