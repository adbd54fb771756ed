import { DEFAULT_TIMEOUT_MS, RegistryError, callJson, trimSlash } from './http';

export function createPostalServiceClient(baseUrl: string, opts: { timeoutMs?: number } = {}) {
  const base = trimSlash(baseUrl);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    /** The idempotency key makes a retried call return the shipment the first call created. */
    async createShipment(
      input: { reference: string; dossierCode: string; recipientName: string; phone: string; address: string },
      idempotencyKey: string,
    ): Promise<{ trackingNumber: string }> {
      const res = await callJson<{ trackingNumber: string }>(`${base}/shipments`, {
        method: 'POST',
        body: input,
        headers: { 'idempotency-key': idempotencyKey },
        timeoutMs,
      });
      if (!res) throw new RegistryError(`${base}/shipments not found`);
      return { trackingNumber: res.trackingNumber };
    },
  };
}
