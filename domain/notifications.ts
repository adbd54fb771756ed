import type { DossierState } from './dossier-state';
import { localIso } from './working-time';
import type { WebhookMessage } from './webhooks';

/**
 * What citizens are told, by SMS and e-mail, and when (issue 14, item 5). Every template is here,
 * in Vietnamese; each says what the citizen must know or do, and nothing personal beyond the
 * recipient's own address: no name, no citizen ID, no street address.
 */
export const NOTIFICATION_KINDS = ['receipt', 'supplement', 'fee', 'result_ready', 'shipped', 'late', 'refusal'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  receipt: 'Tiếp nhận hồ sơ',
  supplement: 'Yêu cầu bổ sung',
  fee: 'Thông báo lệ phí',
  result_ready: 'Có kết quả',
  shipped: 'Đã gửi kết quả qua bưu điện',
  late: 'Xin lỗi, hồ sơ trễ hẹn',
  refusal: 'Không giải quyết hồ sơ',
};

/** Which event tells the citizen what; undefined when it tells them nothing. */
export function notificationKindOf(message: WebhookMessage, state: Pick<DossierState, 'application' | 'shipment'>): NotificationKind | undefined {
  if (message.type === 'dossier.late') return 'late';
  if (message.type === 'dossier.deadline_changed') return undefined;
  switch (message.data.status) {
    case 'RECEIVED':
      // Back from a supplement or a send-back is not a new receipt.
      return message.data.previousStatus === 'AWAITING_RECEIPT' ? 'receipt' : undefined;
    case 'AWAITING_SUPPLEMENT':
      return 'supplement';
    case 'AWAITING_PAYMENT':
      return 'fee';
    case 'RESULT_READY':
      // By post, the citizen is told when it is shipped; unless the delivery failed and it waits at the counter.
      return state.application.delivery.method === 'counter' || state.shipment?.failedAttempts.length ? 'result_ready' : undefined;
    case 'SHIPPED':
      return 'shipped';
    case 'REFUSED_AT_INTAKE':
    case 'STOPPED':
      return 'refusal';
    default:
      return undefined;
  }
}

const when = (iso: string | undefined) => (iso ? localIso(Date.parse(iso)).slice(0, 16).replace('T', ' ') : 'sẽ được thông báo');
const vnd = (n: number) => `${n.toLocaleString('vi-VN')} đồng`;

export interface RenderedNotification {
  sms: string;
  subject: string;
  email: string;
}

/** The texts, from the dossier as it is now (its record), with the lookup link. */
export function renderNotification(kind: NotificationKind, s: DossierState, lookupUrl: string): RenderedNotification {
  const code = s.code ?? s.reference;
  const tail = `Tra cứu: ${lookupUrl}`;
  let sms: string;
  let subject: string;
  switch (kind) {
    case 'receipt':
      subject = `Hồ sơ ${code} đã được tiếp nhận`;
      sms = `Hồ sơ đổi GPLX đã được tiếp nhận. Mã hồ sơ ${code}. Hẹn trả kết quả ${when(s.dueAt)}.`;
      break;
    case 'supplement': {
      const items = (s.supplement?.items ?? []).map((i) => i.name).join('; ');
      const by = s.supplement ? new Date(Date.parse(s.supplement.requestedAt) + s.procedure.supplementLimitDays * 86_400_000).toISOString() : undefined;
      subject = `Hồ sơ ${code} cần bổ sung`;
      sms = `Hồ sơ ${code} cần bổ sung: ${items}. Hạn bổ sung: ${when(by)}.`;
      break;
    }
    case 'fee':
      subject = `Hồ sơ ${code}: thông báo lệ phí`;
      sms = `Hồ sơ ${code} đã được phê duyệt. Lệ phí ${vnd(s.feeNotice?.amount ?? s.procedure.feeVnd)}, nộp trực tuyến tại ${s.feeNotice?.paymentUrl ?? 'bộ phận một cửa'} trước ${when(s.paymentDue?.dueAt)}.`;
      break;
    case 'result_ready':
      subject = `Hồ sơ ${code} đã có kết quả`;
      sms = s.shipment?.failedAttempts.length
        ? `Bưu điện chưa giao được GPLX của hồ sơ ${code}. Mời Ông/Bà đến nhận tại bộ phận một cửa.`
        : `Hồ sơ ${code} đã có kết quả. Mời Ông/Bà đến nhận GPLX tại bộ phận một cửa.`;
      break;
    case 'shipped':
      subject = `Hồ sơ ${code}: GPLX đã được gửi qua bưu điện`;
      sms = `GPLX của hồ sơ ${code} đã được gửi qua bưu điện, mã vận đơn ${s.shipment?.trackingNumber ?? ''}.`;
      break;
    case 'late':
      subject = `Thư xin lỗi: hồ sơ ${code} trễ hẹn`;
      sms = `Xin lỗi Ông/Bà: hồ sơ ${code} chưa có kết quả đúng hẹn. Ngày hẹn mới: ${when(s.apology?.reschedule?.to)}.`;
      break;
    case 'refusal': {
      const reasons = (s.refusal?.reasons ?? []).join('; ');
      subject = `Hồ sơ ${code} không được giải quyết`;
      sms = `Hồ sơ ${code} không được giải quyết. Lý do: ${reasons || 'xem thông báo của cơ quan'}.`;
      break;
    }
  }
  // The SMS goes without diacritics, as brandname SMS usually does (160-character GSM segments, not 70 in Unicode).
  const email = `${subject}.\n\n${emailBody(kind, s)}\n\n${tail}\n\nĐây là thư tự động của bộ phận một cửa; vui lòng không trả lời.`;
  return { sms: withoutDiacritics(`${sms} ${tail}`), subject, email };
}

function emailBody(kind: NotificationKind, s: DossierState): string {
  const code = s.code ?? s.reference;
  switch (kind) {
    case 'receipt':
      return `Hồ sơ đổi giấy phép lái xe của Ông/Bà đã được tiếp nhận với mã ${code}. Ngày hẹn trả kết quả: ${when(s.dueAt)}.`;
    case 'supplement':
      return `Hồ sơ ${code} cần bổ sung:\n${(s.supplement?.items ?? []).map((i) => `- ${i.name}: ${i.reason}`).join('\n')}\nThời gian giải quyết tạm dừng cho đến khi hồ sơ được bổ sung đầy đủ.`;
    case 'fee':
      return `Hồ sơ ${code} đã được phê duyệt. Lệ phí: ${vnd(s.feeNotice?.amount ?? s.procedure.feeVnd)}. Nộp trực tuyến tại ${s.feeNotice?.paymentUrl ?? 'bộ phận một cửa'} trước ${when(s.paymentDue?.dueAt)}.`;
    case 'result_ready':
      return s.shipment?.failedAttempts.length
        ? `Bưu điện chưa giao được giấy phép lái xe của hồ sơ ${code}. Mời Ông/Bà đến nhận tại bộ phận một cửa.`
        : `Hồ sơ ${code} đã có kết quả. Mời Ông/Bà đến nhận giấy phép lái xe tại bộ phận một cửa.`;
    case 'shipped':
      return `Giấy phép lái xe của hồ sơ ${code} đã được gửi qua bưu chính công ích, mã vận đơn ${s.shipment?.trackingNumber ?? ''}.`;
    case 'late':
      return `Cơ quan chân thành xin lỗi vì hồ sơ ${code} chưa có kết quả đúng hẹn. Ngày hẹn trả kết quả mới: ${when(s.apology?.reschedule?.to)}.`;
    case 'refusal':
      return `Hồ sơ ${code} không được giải quyết. Lý do:\n${(s.refusal?.reasons ?? []).map((r) => `- ${r}`).join('\n')}`;
  }
}

/** Vietnamese without its diacritics (đ → d), for SMS. */
export const withoutDiacritics = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
