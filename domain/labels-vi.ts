import type { Transition } from './dossier-state';
import type { DossierStatus } from './dossier-status';
import type { Step } from './procedure';
import type { Role } from './roles';

/**
 * The Vietnamese words for the system's states, roles, actions and steps: one list, used by the
 * printed forms, the web console and the public lookup page, so paper and screen never disagree.
 */
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
  'recheck-verification': 'Kiểm tra lại xác minh',
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
