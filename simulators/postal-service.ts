import { randomInt } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { CallbackSender } from './callbacks';
import { idempotencyKeyOr400, parseOr400 } from './validation';

/**
 * Public postal service (bưu chính công ích, VNPost).
 *   POST /postal-service/shipments { reference, dossierCode, recipientName, phone, address }
 *        header Idempotency-Key (required)
 *     → 201 { trackingNumber: 'EP#########VN', status: 'created', reference, dossierCode, recipientName, phone, address }
 *     → 200 the same shipment when the key was seen before
 *   GET  /postal-service/shipments/:trackingNumber → 200 shipment | 404
 *   With a callback target set (simulators/callbacks.ts), each new shipment's tracking events are then
 *   POSTed, signed, to the service's /api/v1/callbacks/post: accepted, in_transit, out_for_delivery, delivered.
 *   Bad input → 400 { error: { code: 'BAD_REQUEST', message, field } }
 */

const shipmentInput = z.object({
  reference: z.string().trim().min(1).max(100),
  dossierCode: z.string().trim().min(1).max(100),
  recipientName: z.string().trim().min(1).max(100),
  phone: z.string().regex(/^(0|\+84)\d{9,10}$/, 'a Vietnamese phone number such as 0912345678'),
  address: z.string().trim().min(5).max(300),
});

interface Shipment extends z.infer<typeof shipmentInput> {
  trackingNumber: string;
  status: 'created';
}

export const postalService: FastifyPluginAsync<{ callbacks: CallbackSender }> = async (app, { callbacks }) => {
  const byKey = new Map<string, Shipment>();
  const byTracking = new Map<string, Shipment>();
  // A counter, so numbers within a run are predictable; started at a random point so a restarted
  // simulator does not hand out a number an earlier dossier already holds.
  let serial = randomInt(100_000_000, 900_000_000);

  app.post('/shipments', async (request, reply) => {
    const key = idempotencyKeyOr400(request, reply);
    if (!key) return reply;
    const input = parseOr400(shipmentInput, request.body, reply);
    if (!input) return reply;
    const existing = byKey.get(key);
    if (existing) return reply.status(200).send(existing);
    serial += 1;
    const shipment: Shipment = { trackingNumber: `EP${serial}VN`, status: 'created', ...input };
    byKey.set(key, shipment);
    byTracking.set(shipment.trackingNumber, shipment);
    callbacks.shipped(shipment.trackingNumber);
    return reply.status(201).send(shipment);
  });

  app.get<{ Params: { trackingNumber: string } }>('/shipments/:trackingNumber', async (request, reply) => {
    return (
      byTracking.get(request.params.trackingNumber) ??
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such shipment' } })
    );
  });
};
