import { describe, expect, it } from 'vitest';
import { submittedDossier, type DossierState } from '../../domain/dossier-state';
import { NOTIFICATION_KINDS, notificationKindOf, renderNotification, withoutDiacritics } from '../../domain/notifications';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import type { WebhookMessage } from '../../domain/webhooks';
import { application } from '../support/fixtures';

/** The citizen's notifications: which change tells what, and that no text carries more than the citizen needs. */
const app = application();
const dossier: DossierState = {
  ...submittedDossier({ reference: 'SUB-01TEST', application: app, submittedAt: '2026-12-01T01:00:00.000Z', procedure: RENEWAL_PROCEDURE }),
  code: '000.00.01.H22-261201-0001',
  status: 'SHIPPED',
  dueAt: '2026-12-08T10:00:00.000Z',
  supplement: { stage: 'intake', items: [{ name: 'Ảnh 3x4', reason: 'mờ' }], requestedAt: '2026-12-02T02:00:00.000Z', requestedBy: 'motcua', returnTo: 'RECEIVED' },
  feeNotice: { amount: 135_000, orderId: 'PO-1', paymentUrl: 'https://pay.example/checkout/PO-1', issuedAt: '2026-12-03T02:00:00.000Z' },
  paymentDue: { dueAt: '2026-12-10T10:00:00.000Z' },
  shipment: { trackingNumber: 'EP123456789VN', address: app.delivery.address!, createdAt: '2026-12-04T02:00:00.000Z', failedAttempts: [] },
  refusal: { reasons: ['GPLX đã bị thu hồi'], by: 'motcua', at: '2026-12-02T02:00:00.000Z', stage: 'intake' },
  apology: { requiredAt: '2026-12-07T10:00:00.000Z', reschedule: { by: 'lanhdao', at: '2026-12-07T11:00:00.000Z', reason: 'chờ xác minh', from: '2026-12-08T10:00:00.000Z', to: '2026-12-11T10:00:00.000Z' } },
};
const message = (status: WebhookMessage['data']['status'], previousStatus: WebhookMessage['data']['previousStatus'], type: WebhookMessage['type'] = 'dossier.status_changed'): WebhookMessage => ({
  type,
  timestamp: '2026-12-01T01:00:00.000Z',
  data: { reference: 'SUB-01TEST', code: dossier.code!, status, previousStatus, portalStatus: 1, dueAt: null, at: '2026-12-01T01:00:00.000Z', sequence: 1 },
});

describe('citizen notifications', () => {
  it('tell at receipt, supplement, fee notice, shipment, lateness and refusal, and not at every change', () => {
    expect(notificationKindOf(message('RECEIVED', 'AWAITING_RECEIPT'), dossier)).toBe('receipt');
    expect(notificationKindOf(message('RECEIVED', 'AWAITING_SUPPLEMENT'), dossier)).toBeUndefined();
    expect(notificationKindOf(message('AWAITING_SUPPLEMENT', 'RECEIVED'), dossier)).toBe('supplement');
    expect(notificationKindOf(message('AWAITING_PAYMENT', 'AWAITING_APPROVAL'), dossier)).toBe('fee');
    expect(notificationKindOf(message('RESULT_READY', 'AWAITING_PAYMENT'), dossier)).toBeUndefined(); // by post: told when shipped
    expect(notificationKindOf(message('RESULT_READY', 'SHIPPED'), { ...dossier, shipment: { ...dossier.shipment!, failedAttempts: [{ at: 'x' }] } })).toBe('result_ready');
    expect(notificationKindOf(message('SHIPPED', 'RESULT_READY'), dossier)).toBe('shipped');
    expect(notificationKindOf(message('IN_APPRAISAL', 'RECEIVED', 'dossier.late'), dossier)).toBe('late');
    expect(notificationKindOf(message('STOPPED', 'AWAITING_PAYMENT'), dossier)).toBe('refusal');
    expect(notificationKindOf(message('VERIFYING', 'SUBMITTED'), dossier)).toBeUndefined();
  });

  it('render every kind with what the citizen must know, and nothing personal', () => {
    const expected = { receipt: '2026-12-08 17:00', supplement: 'Anh 3x4', fee: '135.000 dong', result_ready: 'mot cua', shipped: 'EP123456789VN', late: '2026-12-11 17:00', refusal: 'GPLX da bi thu hoi' };
    for (const kind of NOTIFICATION_KINDS) {
      const text = renderNotification(kind, dossier, 'https://dvc.example/tra-cuu/x');
      expect(text.sms, kind).toContain(dossier.code);
      expect(text.sms, kind).toContain(expected[kind]);
      expect(text.sms, kind).toBe(withoutDiacritics(text.sms));
      expect(text.email, kind).toContain('https://dvc.example/tra-cuu/x');
      for (const personal of [app.applicant.fullName, app.applicant.citizenId, app.applicant.address, app.applicant.dateOfBirth]) {
        expect(`${text.sms} ${text.subject} ${text.email}`, kind).not.toContain(personal);
      }
    }
    expect(withoutDiacritics('Đổi giấy phép lái xe')).toBe('Doi giay phep lai xe');
  });
});
