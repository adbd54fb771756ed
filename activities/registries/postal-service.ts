import { z } from 'zod';
import { DEFAULT_TIMEOUT_MS, callJson, joinUrl, type ClientOptions } from './http';

/** Public postal service: `POST {baseUrl}/shipments` with an Idempotency-Key header. */

export interface ShipmentInput {
  reference: string;
  dossierCode: string;
  recipientName: string;
  phone: string;
  address: string;
}

const shipmentAnswer = z.object({ trackingNumber: z.string().min(1) });

export function createPostalServiceClient(baseUrl: string, opts: ClientOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    /** The key makes a retry after a lost answer return the shipment already created, not a second parcel. */
    async createShipment(input: ShipmentInput, idempotencyKey: string): Promise<{ trackingNumber: string }> {
      const { trackingNumber } = await callJson(joinUrl(baseUrl, '/shipments'), {
        service: 'postal service',
        method: 'POST',
        body: input,
        headers: { 'idempotency-key': idempotencyKey },
        schema: shipmentAnswer,
        timeoutMs,
      });
      return { trackingNumber };
    },
  };
}
