import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { idempotencyKeyOr400, parseOr400 } from './validation';

/**
 * Payment gateway (national public-service payment platform).
 *   POST /payment-gateway/orders  { reference, agencyCode, amount (VND, integer), description }
 *        header Idempotency-Key (required)
 *     → 201 { orderId, reference, agencyCode, amount, description, paymentUrl, status: 'pending' }
 *     → 200 the same order when the key was seen before (the body of the repeat is not compared)
 *   GET  /payment-gateway/orders/:orderId → 200 order (status 'pending'|'paid', transactionRef once paid) | 404
 *   POST /payment-gateway/orders/:orderId/pay → 200 { orderId, transactionRef, amount }; repeatable | 404
 *        (stands in for the citizen paying, for demos and tests)
 *   Bad input → 400 { error: { code: 'BAD_REQUEST', message, field } }
 */

interface Order {
  orderId: string;
  reference: string;
  agencyCode: string;
  amount: number;
  description: string;
  paymentUrl: string;
  status: 'pending' | 'paid';
  transactionRef?: string;
}

const orderInput = z.object({
  reference: z.string().trim().min(1).max(100),
  agencyCode: z.string().trim().min(1).max(50),
  amount: z.number().int().positive(),
  description: z.string().trim().min(1).max(500),
});

const notFound = { error: { code: 'NOT_FOUND', message: 'no such order' } };

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
    // Random, not a counter: dossiers outlive a restarted simulator and must never share an order id.
    const orderId = `PO-${randomUUID()}`;
    const order: Order = { orderId, ...input, paymentUrl: `https://pay.example.vn/checkout/${orderId}`, status: 'pending' };
    byKey.set(key, order);
    byId.set(orderId, order);
    return reply.status(201).send(order);
  });

  app.get<{ Params: { orderId: string } }>('/orders/:orderId', async (request, reply) => {
    return byId.get(request.params.orderId) ?? reply.status(404).send(notFound);
  });

  app.post<{ Params: { orderId: string } }>('/orders/:orderId/pay', async (request, reply) => {
    const order = byId.get(request.params.orderId);
    if (!order) return reply.status(404).send(notFound);
    order.status = 'paid';
    order.transactionRef ??= `TX-${randomUUID().slice(0, 8).toUpperCase()}`;
    return { orderId: order.orderId, transactionRef: order.transactionRef, amount: order.amount };
  });
};
