import { bodySignature, SIGNATURE_HEADER } from '../integrations/body-signature';
import { vnpaySecureHash } from '../integrations/vnpay-signature';
import type { CallbackSecrets } from '../service.config';

/**
 * What the simulated gateway and post tell the service by themselves, as the real ones do: the
 * payment notification (IPN) once a citizen pays on the checkout page, and the tracking events of a
 * shipment. Off unless a target is set (the embedded default sets it; tests that act as the
 * gateway or the post themselves leave it off). Each call is retried, as the real senders retry,
 * until the service acknowledges it.
 */
export interface CallbackTarget {
  /** The service's base URL, e.g. http://127.0.0.1:3000. */
  serviceUrl: string;
  secrets: CallbackSecrets;
  /** When each tracking event is sent after the shipment is created (accepted, in transit, out for delivery, delivered). */
  trackingDelaysMs?: number[];
}

export interface CallbackSender {
  setTarget(target: CallbackTarget | undefined): void;
  paid(order: { orderId: string; amount: number; transactionRef: string }): void;
  shipped(trackingNumber: string): void;
  close(): void;
}

const RETRY_DELAYS_MS = [1000, 5000, 15_000, 60_000];
const TRACKING = ['accepted', 'in_transit', 'out_for_delivery', 'delivered'] as const;

const vnTime = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);

export function createCallbackSender(): CallbackSender {
  let target: CallbackTarget | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
  };

  /** Calls until `done` says the service took it, or the retries run out. */
  function deliver(call: () => Promise<Response>, done: (res: Response) => Promise<boolean>, attempt = 0): void {
    call()
      .then(async (res) => (await done(res)) || Promise.reject(new Error(`answered ${res.status}`)))
      .catch(() => {
        const wait = RETRY_DELAYS_MS[attempt];
        if (wait !== undefined) later(wait, () => deliver(call, done, attempt + 1));
      });
  }

  return {
    setTarget(t) {
      target = t;
    },
    paid(order) {
      const t = target;
      if (!t) return;
      const params: Record<string, string> = {
        vnp_Amount: String(order.amount * 100),
        vnp_BankCode: 'NCB',
        vnp_OrderInfo: `Thanh toan le phi ${order.orderId}`,
        vnp_PayDate: vnTime(new Date()),
        vnp_ResponseCode: '00',
        vnp_TmnCode: 'GPLXSIM',
        vnp_TransactionNo: order.transactionRef,
        vnp_TransactionStatus: '00',
        vnp_TxnRef: order.orderId,
      };
      const query = new URLSearchParams({ ...params, vnp_SecureHashType: 'HmacSHA512', vnp_SecureHash: vnpaySecureHash(params, t.secrets.paymentGateway) });
      deliver(
        () => fetch(`${t.serviceUrl}/api/v1/callbacks/payment?${query}`),
        async (res) => res.ok && ['00', '02'].includes(((await res.json()) as { RspCode?: string }).RspCode ?? ''),
      );
    },
    shipped(trackingNumber) {
      const t = target;
      if (!t) return;
      const delays = t.trackingDelaysMs ?? [2000, 4000, 6000, 8000];
      TRACKING.forEach((event, i) => {
        const delay = delays[i];
        if (delay === undefined) return;
        later(delay, () => {
          const body = JSON.stringify({ trackingNumber, event, at: new Date().toISOString() });
          deliver(
            () => fetch(`${t.serviceUrl}/api/v1/callbacks/post`, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: bodySignature(body, t.secrets.post) }, body }),
            // A 404 may be a record not written yet: asked again, as the post would retry.
            async (res) => res.ok || res.status === 400,
          );
        });
      });
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
