import type { ActionName } from './actions';
import type { Transition } from './dossier-state';
import type { DossierStatus } from './dossier-status';
import { ACTION_LABELS, ROLE_LABELS, STATUS_LABELS } from './labels-vi';
import type { Role } from './roles';
import { localIso } from './working-time';

/**
 * The one catalogue of what the service tells people: every refusal and error in English for the
 * machine's logs and integrators, and in Vietnamese for the officer or citizen who reads it. The
 * state machine, the API's error answers, the console and the printed forms all take their words
 * from here, so the screen never says in English what the paper says in Vietnamese.
 */
export interface Message {
  en: string;
  vi: string;
}

/** "10:05 05/03/2026": office time, as a Vietnamese reader writes it. */
export function viTime(instant: string | number): string {
  const s = localIso(typeof instant === 'number' ? instant : Date.parse(instant));
  return `${s.slice(11, 16)} ${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
}

const vnd = (amount: number) => `${new Intl.NumberFormat('vi-VN').format(amount)} đồng`;
const act = (a: ActionName) => `“${ACTION_LABELS[a]}”`;
const roleList = (roles: readonly Role[]) => roles.map((r) => ROLE_LABELS[r]).join(' hoặc ');

/** Why the state machine refuses an action (domain/state-machine.ts). */
export const REFUSALS = {
  wrongRole: (action: ActionName, allowed: readonly Role[], held: readonly Role[]): Message => ({
    en: `${action} is for ${allowed.join(' or ')}, not ${held.join(', ') || 'no role'}`,
    vi: `Thao tác ${act(action)} dành cho ${roleList(allowed)}; tài khoản của bạn ${held.length ? `là ${held.map((r) => ROLE_LABELS[r]).join(', ')}` : 'chưa có vai trò nào'}.`,
  }),
  otherAgency: (agencyCode: string): Message => ({
    en: `the dossier belongs to agency ${agencyCode}`,
    vi: `Hồ sơ thuộc cơ quan ${agencyCode}, không thuộc cơ quan của bạn.`,
  }),
  closed: (status: DossierStatus): Message => ({
    en: `the dossier is closed (${status}); no further action is possible`,
    vi: `Hồ sơ đã kết thúc (${STATUS_LABELS[status]}); không thể thao tác thêm.`,
  }),
  wrongState: (action: ActionName, status: DossierStatus): Message => ({
    en: `${action} is not possible while the dossier is ${status}`,
    vi: `Không thể ${act(action)} khi hồ sơ đang ở trạng thái “${STATUS_LABELS[status]}”.`,
  }),
  receivedInFuture: (): Message => ({
    en: 'receivedAt cannot be in the future',
    vi: 'Thời điểm tiếp nhận không được ở tương lai.',
  }),
  oneSupplementOnly: (): Message => ({
    en: 'a supplement has already been requested for this dossier; Decree 118/2025 art. 11 allows one request',
    vi: 'Hồ sơ đã được yêu cầu bổ sung một lần; Nghị định 118/2025 (Điều 11) chỉ cho phép yêu cầu bổ sung một lần.',
  }),
  alreadyAssigned: (appraiser: string): Message => ({
    en: `the dossier is already assigned to ${appraiser}`,
    vi: `Hồ sơ đã được phân công cho ${appraiser}.`,
  }),
  notTheAppraiser: (assignee: string | undefined): Message => ({
    en: `only the assigned appraiser (${assignee ?? 'nobody'}) may appraise this dossier`,
    vi: `Chỉ chuyên viên được phân công (${assignee ?? 'chưa phân công'}) mới được thẩm định hồ sơ này.`,
  }),
  verificationOwed: (health: boolean, licence: boolean, nextAt: string | undefined): Message => {
    const en = [health ? 'the health certificate (health registry)' : undefined, licence ? 'the licence and violation record (traffic-police registry)' : undefined].filter(Boolean);
    const vi = [health ? 'giấy khám sức khỏe (cơ sở dữ liệu y tế)' : undefined, licence ? 'giấy phép lái xe và vi phạm giao thông (cơ sở dữ liệu của Cảnh sát giao thông)' : undefined].filter(Boolean);
    return {
      en: `${en.join(' and ')} could not be checked yet: approval waits until the registry answers (re-checked automatically${nextAt ? ` at ${nextAt}` : ''}; an officer may re-check now)`,
      vi: `Chưa kiểm tra được ${vi.join(' và ')}: chưa thể phê duyệt cho đến khi có kết quả (hệ thống tự kiểm tra lại${nextAt ? ` lúc ${viTime(nextAt)}` : ''}; cán bộ có thể kiểm tra lại ngay).`,
    };
  },
  paymentRole: (method: 'online' | 'counter', role: Role): Message => ({
    en: `a ${method} payment is recorded by the ${role}`,
    vi: `Khoản nộp ${method === 'online' ? 'trực tuyến' : 'tại quầy'} do ${ROLE_LABELS[role]} ghi nhận.`,
  }),
  wrongAmount: (fee: number, amount: number): Message => ({
    en: `the fee is ${fee} VND, the payment says ${amount} VND`,
    vi: `Lệ phí là ${vnd(fee)}, khoản nộp ghi ${vnd(amount)}.`,
  }),
  collectAtCounter: (): Message => ({
    en: 'the citizen chose to collect the result at the counter',
    vi: 'Công dân đã chọn nhận kết quả tại quầy, không chuyển phát.',
  }),
  deliveryFailed: (): Message => ({
    en: 'delivery by post failed; the result is kept for collection at the counter',
    vi: 'Chuyển phát không thành công; kết quả được giữ để trả tại quầy.',
  }),
  foreignTracking: (trackingNumber: string): Message => ({
    en: `tracking number ${trackingNumber} does not belong to this dossier`,
    vi: `Số hiệu bưu gửi ${trackingNumber} không thuộc hồ sơ này.`,
  }),
  nothingToRecheck: (): Message => ({
    en: 'both registries have answered: there is nothing to check again',
    vi: 'Cả hai cơ sở dữ liệu đã trả lời: không còn gì để kiểm tra lại.',
  }),
  rescheduledOnce: (): Message => ({
    en: 'the appointment has already been rescheduled once; a second reschedule is not allowed',
    vi: 'Ngày hẹn đã được hẹn lại một lần; không được hẹn lại lần thứ hai.',
  }),
  noApologyDue: (): Message => ({
    en: 'an appointment is rescheduled only once an apology is required (one working day before it is due)',
    vi: 'Chỉ được hẹn lại khi phải xin lỗi công dân (một ngày làm việc trước ngày hẹn).',
  }),
  notLater: (): Message => ({
    en: 'the new appointment must be later than the current one',
    vi: 'Ngày hẹn mới phải muộn hơn ngày hẹn hiện tại.',
  }),
} as const;

/** Why a one-stop form cannot be issued for a dossier yet (documents/forms/). */
export const DOCUMENT_UNAVAILABLE = {
  '01': { en: 'form 01 is issued at receipt; this dossier has not been received', vi: 'Mẫu 01 được cấp khi tiếp nhận; hồ sơ này chưa được tiếp nhận.' },
  '02': { en: 'form 02 is issued with a supplement request; none was made for this dossier', vi: 'Mẫu 02 được cấp khi yêu cầu bổ sung; hồ sơ này không có yêu cầu bổ sung.' },
  '03': { en: 'form 03 is issued when a dossier is refused; this one was not', vi: 'Mẫu 03 được cấp khi từ chối hồ sơ; hồ sơ này không bị từ chối.' },
  '04': { en: 'form 04 is issued once a new appointment has been set after the apology; none has been', vi: 'Mẫu 04 được cấp khi đã hẹn lại ngày trả sau khi xin lỗi; hồ sơ này chưa hẹn lại.' },
  '05': { en: 'form 05 is issued when processing is stopped or the dossier is withdrawn; this one was not', vi: 'Mẫu 05 được cấp khi dừng xử lý hoặc công dân rút hồ sơ; hồ sơ này không thuộc trường hợp đó.' },
} as const satisfies Record<string, Message>;

/**
 * What an error code means to a person, when the answer brings no more particular text: the API
 * sends it beside the machine code (`messageVi`), and the console shows it instead of the code.
 */
export const ERROR_TEXTS_VI: Record<string, string> = {
  VALIDATION_FAILED: 'Dữ liệu gửi lên chưa hợp lệ; vui lòng kiểm tra lại.',
  UNAUTHENTICATED: 'Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn; vui lòng đăng nhập lại.',
  INVALID_CREDENTIALS: 'Tên đăng nhập hoặc mật khẩu không đúng.',
  INVALID_SIGNATURE: 'Chữ ký của yêu cầu không hợp lệ.',
  ACCOUNT_CLOSED: 'Tài khoản đã bị khóa.',
  PASSWORD_CHANGE_REQUIRED: 'Bạn cần đổi mật khẩu trước khi tiếp tục.',
  CSRF_TOKEN_INVALID: 'Phiên làm việc không còn hợp lệ; vui lòng tải lại trang.',
  FORBIDDEN: 'Tài khoản của bạn không có quyền thực hiện thao tác này.',
  IP_NOT_ALLOWED: 'Yêu cầu đến từ địa chỉ không được phép.',
  NOT_FOUND: 'Không tìm thấy.',
  HISTORY_NOT_FOUND: 'Không tìm thấy lịch sử xử lý của hồ sơ này.',
  ACTION_NOT_ALLOWED: 'Hồ sơ chưa ở trạng thái cho phép thao tác này.',
  DOSSIER_CLOSED: 'Hồ sơ đã kết thúc; không thể thao tác thêm.',
  PRECONDITION_FAILED: 'Hồ sơ vừa được người khác cập nhật; vui lòng xem lại hồ sơ rồi thao tác lại.',
  IDEMPOTENCY_KEY_EXHAUSTED: 'Mã chống gửi trùng đã dùng cho một yêu cầu khác; vui lòng thao tác lại.',
  DOCUMENT_NOT_AVAILABLE: 'Biểu mẫu này chưa có cho hồ sơ ở trạng thái hiện tại.',
  OWN_ACCOUNT: 'Không thể thực hiện thao tác này trên chính tài khoản của bạn.',
  ACCOUNT_IN_USE: 'Tài khoản đã có hoạt động nên không thể xóa; hãy khóa tài khoản.',
  AGENCY_EXISTS: 'Mã cơ quan đã tồn tại.',
  AGENCY_IN_USE: 'Cơ quan đang có hồ sơ hoặc tài khoản nên không thể xóa.',
  UNKNOWN_AGENCY: 'Không có cơ quan với mã này.',
  UNIT_IN_USE: 'Đơn vị đang có tài khoản nên không thể xóa.',
  API_KEY_EXISTS: 'Khóa API với tên này đã tồn tại.',
  WEBHOOK_DISABLED: 'Đăng ký nhận sự kiện này đã bị tắt.',
  DUPLICATE_DATE: 'Ngày này đã có trong lịch.',
  NOT_A_SESSION: 'Yêu cầu này chỉ dùng được trong phiên đăng nhập.',
  RATE_LIMITED: 'Bạn gửi quá nhiều yêu cầu; vui lòng chờ một lát rồi thử lại.',
  TOO_MANY_LOOKUPS: 'Bạn tra cứu quá nhiều lần; vui lòng chờ một lát rồi thử lại.',
  TOO_MANY_BAD_CALLBACKS: 'Quá nhiều yêu cầu sai chữ ký; vui lòng chờ rồi thử lại.',
  LOGIN_THROTTLED: 'Đăng nhập sai quá nhiều lần; vui lòng chờ rồi thử lại.',
  DEPENDENCY_UNAVAILABLE: 'Hệ thống tạm thời gián đoạn; yêu cầu chưa được thực hiện. Vui lòng thử lại sau ít phút.',
  TIMEOUT: 'Hệ thống chưa trả lời kịp; yêu cầu có thể chưa được thực hiện. Vui lòng thử lại.',
  BUSY: 'Hệ thống đang bận; vui lòng thử lại sau ít phút.',
  ACCESS_LOG_UNAVAILABLE: 'Chưa ghi được nhật ký truy cập nên yêu cầu chưa được thực hiện; vui lòng thử lại sau.',
  ACCESS_LOG_FULL: 'Chưa ghi được nhật ký truy cập nên yêu cầu chưa được thực hiện; vui lòng thử lại sau.',
  REPLAY_FAILED: 'Không chạy lại được lịch sử xử lý.',
  ARCHIVE_INTEGRITY: 'Bản lưu lịch sử không khớp chữ ký toàn vẹn.',
  ACTION_SIGNATURE_REJECTED: 'Lỗi cấu hình hệ thống (chữ ký thao tác); vui lòng báo quản trị.',
  INTERNAL: 'Lỗi hệ thống; yêu cầu chưa được thực hiện. Vui lòng thử lại hoặc báo quản trị.',
  WEAK_PASSWORD: 'Mật khẩu mới chưa đủ mạnh: cần dài hơn và khó đoán hơn.',
  FEEDBACK_ALREADY_GIVEN: 'Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.',
  FEEDBACK_BEFORE_DELIVERY: 'Chỉ đánh giá được sau khi đã nhận kết quả.',
  FEEDBACK_NOT_YOURS: 'Bốn số cuối số định danh không khớp với hồ sơ.',
  FEEDBACK_LOCKED: 'Nhập sai quá nhiều lần; vui lòng thử lại sau một giờ.',
};

/** The fields people fill in the console's forms, by the name the API gives them. */
const FIELD_LABELS_VI: Record<string, string> = {
  appraiser: 'Chuyên viên thẩm định',
  reasons: 'Lý do',
  reason: 'Lý do',
  items: 'Giấy tờ cần bổ sung',
  note: 'Ghi chú',
  amount: 'Số tiền',
  transactionRef: 'Số biên lai',
  newDueAt: 'Ngày hẹn mới',
  receivedAt: 'Thời điểm tiếp nhận',
  outcome: 'Kết quả thẩm định',
  username: 'Tên đăng nhập',
  password: 'Mật khẩu',
  currentPassword: 'Mật khẩu hiện tại',
  newPassword: 'Mật khẩu mới',
  fullName: 'Họ và tên',
  roles: 'Vai trò',
  date: 'Ngày',
  name: 'Tên',
  code: 'Mã',
  q: 'Tìm kiếm',
  question: 'Câu hỏi',
  answer: 'Câu trả lời',
  sortOrder: 'Thứ tự',
  agencyCode: 'Cơ quan',
  agency: 'Cơ quan',
  entry: 'Ngày trong lịch',
  patch: 'Ngày trong lịch',
  kind: 'Loại ngày',
  rating: 'Mức đánh giá',
  comment: 'Góp ý',
  assignee: 'Người thụ lý',
  dueBefore: 'Hẹn trả trước ngày',
  status: 'Trạng thái',
  from: 'Từ ngày',
  to: 'Đến ngày',
  windows: 'Giờ làm việc',
  unit: 'Đơn vị',
  dataScope: 'Phạm vi dữ liệu',
  bankAccount: 'Tài khoản ngân hàng',
  url: 'Địa chỉ nhận sự kiện',
  citizenIdLast4: 'Bốn số cuối số định danh',
};

/** The Vietnamese text for an error answer: its own when it brings one, its code's otherwise, a status's at worst. */
export function errorTextVi(code: string, status: number, field?: string): string {
  if (code === 'VALIDATION_FAILED' && field) {
    const top = field.split('.')[0]!;
    const label = FIELD_LABELS_VI[top];
    return label ? `Mục “${label}” chưa hợp lệ; vui lòng kiểm tra lại.` : `Dữ liệu gửi lên chưa hợp lệ (mục ${field}); vui lòng kiểm tra lại.`;
  }
  const known = ERROR_TEXTS_VI[code];
  if (known) return known;
  if (status === 404) return ERROR_TEXTS_VI.NOT_FOUND!;
  if (status === 413) return 'Dữ liệu gửi lên quá lớn.';
  if (status === 415) return 'Dữ liệu gửi lên phải ở dạng JSON.';
  if (status === 414) return 'Địa chỉ yêu cầu quá dài.';
  if (status >= 500) return ERROR_TEXTS_VI.INTERNAL!;
  return 'Yêu cầu chưa hợp lệ.';
}

/**
 * One line of a dossier's history in Vietnamese, written from the transition's facts: the
 * officer's own note (which they typed in Vietnamese) is kept; the system's English notes are not
 * shown to people.
 */
export function transitionTextVi(t: Pick<Transition, 'action' | 'note' | 'actor' | 'facts'>): string {
  const f = t.facts ?? {};
  const officerNote = t.actor.role === 'system' ? undefined : t.note;
  switch (t.action) {
    case 'assign':
      if (f.appraiser) return f.previousAppraiser ? `Phân công lại từ ${f.previousAppraiser} cho ${f.appraiser}` : `Phân công cho ${f.appraiser}`;
      return /^assigned to (.+)$/.exec(t.note ?? '')?.[1] ? `Phân công cho ${/^assigned to (.+)$/.exec(t.note!)![1]}` : 'Phân công thụ lý';
    case 'deadline-moved': {
      const because = {
        calendar: ' do lịch làm việc thay đổi',
        supplement: ' do tạm dừng tính thời gian khi chờ bổ sung hồ sơ',
        reschedule: `: lãnh đạo hẹn lại${f.reason ? ` (${f.reason})` : ''}`,
        receipt: ' khi tiếp nhận',
      }[f.cause ?? 'receipt'];
      // Recorded before the cause was kept: the move is stated without guessing why.
      if (f.from && f.to) return `Ngày hẹn chuyển từ ${viTime(f.from)} sang ${viTime(f.to)}${f.cause ? because : ''}`;
      return 'Ngày hẹn được điều chỉnh';
    }
    case 'receive':
      if (f.onPaperAt) return `Tiếp nhận hồ sơ (nhận bản giấy lúc ${viTime(f.onPaperAt)})${officerNote && !officerNote.startsWith('received on paper') ? `: ${officerNote}` : ''}`;
      return officerNote && !officerNote.startsWith('received on paper') ? `Tiếp nhận hồ sơ: ${officerNote}` : 'Tiếp nhận hồ sơ';
    case 'apology-required':
      return f.to ? `Chưa có kết quả một ngày làm việc trước hạn ${viTime(f.to)}: phải xin lỗi và hẹn lại (mẫu 04)` : 'Phải xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)';
    case 'late':
      return f.to ? `Đã quá ngày hẹn ${viTime(f.to)} mà chưa có kết quả` : 'Hồ sơ đã quá hạn';
    case 'payment-reminder':
      return f.to ? `Nhắc nộp lệ phí trước ${viTime(f.to)}` : 'Nhắc nộp lệ phí';
    case 'time-limit':
      if (f.days) return `Dừng xử lý: công dân không bổ sung hồ sơ trong ${f.days} ngày`;
      return f.to ? `Dừng xử lý: lệ phí không được nộp trước ${viTime(f.to)}` : 'Dừng xử lý: hết thời hạn';
    case 'record-payment': {
      const old = /^(online|counter) (.+)$/.exec(t.note ?? '');
      if (!f.method && old) return `Nộp lệ phí ${old[1] === 'online' ? 'trực tuyến' : 'tại quầy'}, mã giao dịch ${old[2]}`;
      return f.method ? `Nộp lệ phí ${f.method === 'online' ? 'trực tuyến' : 'tại quầy'}${f.transactionRef ? `, mã giao dịch ${f.transactionRef}` : ''}` : 'Đã ghi nhận lệ phí';
    }
    case 'ship':
      return f.trackingNumber ? `Gửi bưu điện, số hiệu ${f.trackingNumber}` : t.note ? `Gửi bưu điện, số hiệu ${t.note}` : 'Gửi bưu điện';
    case 'confirm-delivery':
      return t.note?.startsWith('delivery failed') ? 'Bưu điện phát không thành công; kết quả chuyển về trả tại quầy' : 'Bưu điện đã phát kết quả cho công dân';
    case 'hand-over':
      return t.note && t.note !== 'handed over at the counter' ? `Trả kết quả tại quầy: ${t.note}` : 'Trả kết quả tại quầy';
    case 'verified':
      return 'Đã xác minh giấy khám sức khỏe và dữ liệu vi phạm giao thông';
    case 'submit':
    case 'verify':
      return ACTION_LABELS[t.action];
    default: {
      const detail = f.items?.join('; ') ?? f.reasons?.join('; ') ?? officerNote;
      return detail ? `${ACTION_LABELS[t.action]}: ${detail}` : ACTION_LABELS[t.action];
    }
  }
}
