import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { idempotencyKeyOr400, parseOr400 } from './bad-request';

/**
 * Payment gateway (national payment platform).
 *   POST /payment-gateway/orders  { reference, agencyCode, amount, description }, Idempotency-Key
 *     → 201 { orderId, paymentUrl, amount, status: 'pending' }; the same key again → 200, same order
 *   GET  /payment-gateway/orders/:orderId
 *   POST /payment-gateway/orders/:orderId/pay → { transactionRef } (stands in for the citizen paying)
 */

interface Order { orderId: string; reference: string; agencyCode: string; amount: number; description: string; paymentUrl: string; status: 'pending' | 'paid'; transactionRef?: string }

const orderInput = z.object({
  reference: z.string().min(1),
  agencyCode: z.string().min(1),
  amount: z.number().int().positive(),
  description: z.string().min(1).max(500),
});

export const paymentGateway: FastifyPluginAsync = async (app) => {
  const byKey = new Map<string, Order>();
  const byId = new Map<string, Order>();

  app.post('/orders', async (request, reply) => {
    const key = idempotencyKeyOr400(request, reply);
    if (!key) return reply;
    const input = parseOr400(orderInput, request.body, reply);
    if (!input) return reply;
    const existing = byKey.get(key);
    if (existing) return reply.status(200).send(existing);
    const orderId = `PO-${randomUUID()}`;
    const order: Order = { ...input, orderId, paymentUrl: `https://pay.example.vn/checkout/${orderId}`, status: 'pending' };
    byKey.set(key, order);
    byId.set(orderId, order);
    return reply.status(201).send(order);
  });

  app.get<{ Params: { orderId: string } }>('/orders/:orderId', async (request, reply) => {
    const order = byId.get(request.params.orderId);
    return order ?? reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such order' } });
  });

  app.post<{ Params: { orderId: string } }>('/orders/:orderId/pay', async (request, reply) => {
    const order = byId.get(request.params.orderId);
    if (!order) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such order' } });
    order.status = 'paid';
    order.transactionRef ??= `TX-${randomUUID().slice(0, 8).toUpperCase()}`;
    return { transactionRef: order.transactionRef, amount: order.amount };
  });
};
