import { DEFAULT_TIMEOUT_MS, RegistryError, callJson, trimSlash } from './http';

export function createPaymentGatewayClient(baseUrl: string, opts: { timeoutMs?: number } = {}) {
  const base = trimSlash(baseUrl);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    /** The idempotency key makes a retried call return the order the first call created. */
    async createOrder(
      input: { reference: string; agencyCode: string; amount: number; description: string },
      idempotencyKey: string,
    ): Promise<{ orderId: string; paymentUrl: string }> {
      const res = await callJson<{ orderId: string; paymentUrl: string }>(`${base}/orders`, {
        method: 'POST',
        body: input,
        headers: { 'idempotency-key': idempotencyKey },
        timeoutMs,
      });
      if (!res) throw new RegistryError(`${base}/orders not found`);
      return { orderId: res.orderId, paymentUrl: res.paymentUrl };
    },
  };
}
