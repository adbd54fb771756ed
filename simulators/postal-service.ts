import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { idempotencyKeyOr400, parseOr400 } from './bad-request';

/**
 * Public postal service (bưu chính công ích).
 *   POST /postal-service/shipments { reference, dossierCode, recipientName, phone, address }, Idempotency-Key
 *     → 201 { trackingNumber, status: 'created' }; the same key again → 200, same shipment
 *   GET  /postal-service/shipments/:trackingNumber
 */

const shipmentInput = z.object({
  reference: z.string().min(1),
  dossierCode: z.string().min(1),
  recipientName: z.string().min(1),
  phone: z.string().min(6),
  address: z.string().min(5),
});

interface Shipment extends z.infer<typeof shipmentInput> { trackingNumber: string; status: 'created' }

export const postalService: FastifyPluginAsync = async (app) => {
  const byKey = new Map<string, Shipment>();
  const byTracking = new Map<string, Shipment>();
  let serial = 100_000_000;

  app.post('/shipments', async (request, reply) => {
    const key = idempotencyKeyOr400(request, reply);
    if (!key) return reply;
    const input = parseOr400(shipmentInput, request.body, reply);
    if (!input) return reply;
    const existing = byKey.get(key);
    if (existing) return reply.status(200).send(existing);
    serial += 1;
    const shipment: Shipment = { ...input, trackingNumber: `EP${serial}VN`, status: 'created' };
    byKey.set(key, shipment);
    byTracking.set(shipment.trackingNumber, shipment);
    return reply.status(201).send(shipment);
  });

  app.get<{ Params: { trackingNumber: string } }>('/shipments/:trackingNumber', async (request, reply) => {
    const shipment = byTracking.get(request.params.trackingNumber);
    return shipment ?? reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such shipment' } });
  });
};
