import type { Transition } from '../domain/dossier-state';
import type { DossierStatus } from '../domain/dossier-status';
import type { Step } from '../domain/procedure';
import type { Role } from '../domain/roles';
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

export const ISSUING_SYSTEM = 'Hệ thống GPLX một cửa';

export const STATUS_LABELS: Record<DossierStatus, string> = {
  SUBMITTED: 'Đã nộp',
  VERIFYING: 'Đang xác minh',
  AWAITING_RECEIPT: 'Chờ tiếp nhận',
  AWAITING_SUPPLEMENT: 'Chờ bổ sung',
  RECEIVED: 'Đã tiếp nhận',
  IN_APPRAISAL: 'Đang thẩm định',
  AWAITING_APPROVAL: 'Chờ phê duyệt',
  AWAITING_PAYMENT: 'Chờ nộp lệ phí',
  RESULT_READY: 'Đã có kết quả',
  SHIPPED: 'Đang chuyển phát',
  DELIVERED: 'Đã trả kết quả',
  REFUSED_AT_INTAKE: 'Từ chối tiếp nhận',
  WITHDRAWN: 'Đã rút hồ sơ',
  STOPPED: 'Dừng xử lý',
};

export const ROLE_LABELS: Record<Role | 'system', string> = {
  one_stop_officer: 'Cán bộ một cửa',
  appraiser: 'Chuyên viên thẩm định',
  leader: 'Lãnh đạo',
  accountant: 'Kế toán',
  supervisor: 'Giám sát',
  auditor: 'Kiểm toán',
  admin: 'Quản trị',
  integrator: 'Cổng dịch vụ công',
  system: 'Hệ thống',
};

export const ACTION_LABELS: Record<Transition['action'], string> = {
  submit: 'Nộp hồ sơ trực tuyến',
  verify: 'Xác minh tự động',
  verified: 'Hoàn tất xác minh',
  receive: 'Tiếp nhận hồ sơ',
  'request-supplement': 'Yêu cầu bổ sung',
  supplement: 'Bổ sung hồ sơ',
  refuse: 'Từ chối tiếp nhận',
  assign: 'Phân công thụ lý',
  appraise: 'Thẩm định',
  approve: 'Phê duyệt',
  'send-back': 'Trả lại thẩm định',
  'record-payment': 'Ghi nhận nộp lệ phí',
  ship: 'Chuyển phát kết quả',
  'hand-over': 'Trả kết quả tại quầy',
  'confirm-delivery': 'Xác nhận phát',
  withdraw: 'Rút hồ sơ',
  reschedule: 'Hẹn lại ngày trả',
  'deadline-moved': 'Điều chỉnh ngày hẹn',
  'apology-required': 'Phải xin lỗi (mẫu 04)',
  late: 'Quá hạn',
  'payment-reminder': 'Nhắc nộp lệ phí',
  'time-limit': 'Hết thời hạn',
};

export const STEP_LABELS: Record<Step, string> = {
  receive: 'Tiếp nhận hồ sơ',
  assign: 'Phân công thụ lý',
  appraise: 'Thẩm định',
  approve: 'Phê duyệt',
  result: 'Trả kết quả',
};

export const OUTCOME_LABELS = { early: 'Trước hạn', on_time: 'Đúng hạn', late: 'Trễ hạn' } as const;

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
