import { z } from 'zod';
import { DEFAULT_TIMEOUT_MS, callJson, joinUrl, type ClientOptions } from './http';

/** Payment gateway: `POST {baseUrl}/orders` with an Idempotency-Key header. */

export interface PaymentOrderInput {
  reference: string;
  agencyCode: string;
  /** VND, whole dong. */
  amount: number;
  description: string;
}

const orderAnswer = z.object({ orderId: z.string().min(1), paymentUrl: z.string().min(1) });

export function createPaymentGatewayClient(baseUrl: string, opts: ClientOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    /**
     * The key makes a retry safe: an attempt whose answer was lost (timeout) created the order,
     * and the next attempt gets that same order back instead of a second one.
     */
    async createOrder(input: PaymentOrderInput, idempotencyKey: string): Promise<{ orderId: string; paymentUrl: string }> {
      const { orderId, paymentUrl } = await callJson(joinUrl(baseUrl, '/orders'), {
        service: 'payment gateway',
        method: 'POST',
        body: input,
        headers: { 'idempotency-key': idempotencyKey },
        schema: orderAnswer,
        timeoutMs,
      });
      return { orderId, paymentUrl };
    },
  };
}
