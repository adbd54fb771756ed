import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { CallbackSender } from './callbacks';
import { idempotencyKeyOr400, parseOr400 } from './validation';

/**
 * Payment gateway (national public-service payment platform).
 *   POST /payment-gateway/orders  { reference, agencyCode, amount (VND, integer), description }
 *        header Idempotency-Key (required)
 *     → 201 { orderId, reference, agencyCode, amount, description, paymentUrl, status: 'pending' }
 *     → 200 the same order when the key was seen before (the body of the repeat is not compared)
 *   GET  /payment-gateway/orders/:orderId → 200 order (status 'pending'|'paid', transactionRef once paid) | 404
 *   POST /payment-gateway/orders/:orderId/pay → 200 { orderId, transactionRef, amount }; repeatable | 404
 *        (stands in for the citizen paying, for demos and tests; tells the service nothing)
 *   GET  /payment-gateway/checkout/:orderId → the citizen's checkout page (the order's paymentUrl);
 *   POST there pays, and with a callback target set (simulators/callbacks.ts) notifies the service's
 *   /api/v1/callbacks/payment, VNPay-style, until it answers 00 or 02
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

export const paymentGateway: FastifyPluginAsync<{ callbacks: CallbackSender }> = async (app, { callbacks }) => {
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
    // The citizen pays on this simulator's own checkout page (below), reached as the service reached the gateway.
    const order: Order = { orderId, ...input, paymentUrl: `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url.replace(/\/orders$/, '')}/checkout/${orderId}`, status: 'pending' };
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

  // The citizen's side: a checkout page whose button pays, after which the gateway notifies the service (IPN).
  app.get<{ Params: { orderId: string } }>('/checkout/:orderId', async (request, reply) => {
    const order = byId.get(request.params.orderId);
    if (!order) return reply.status(404).type('text/html; charset=utf-8').send('<p>Không có đơn thanh toán này.</p>');
    const amount = order.amount.toLocaleString('vi-VN');
    const body =
      order.status === 'paid'
        ? `<p>Đã thanh toán ${amount} đ (mã giao dịch ${escapeHtml(order.transactionRef ?? '')}).</p>`
        : `<p>Lệ phí: <strong>${amount} đ</strong></p><form method="post"><button type="submit">Thanh toán</button></form>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="vi"><meta charset="utf-8"><title>Cổng thanh toán (mô phỏng)</title><h1>Cổng thanh toán (mô phỏng)</h1><p>${escapeHtml(order.description)}</p>${body}</html>`);
  });
  app.post<{ Params: { orderId: string } }>('/checkout/:orderId', async (request, reply) => {
    const order = byId.get(request.params.orderId);
    if (!order) return reply.status(404).type('text/html; charset=utf-8').send('<p>Không có đơn thanh toán này.</p>');
    if (order.status !== 'paid') {
      order.status = 'paid';
      order.transactionRef ??= String(randomInt(10_000_000, 99_999_999));
      callbacks.paid({ orderId: order.orderId, amount: order.amount, transactionRef: order.transactionRef });
    }
    return reply.redirect(`${request.url}`, 303);
  });
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
