import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400 } from './validation';

/**
 * The SMS gateway (brandname SMS) and the e-mail relay the service notifies citizens through.
 *   POST /sms-gateway/messages { to, text } → 202 { id }      GET /sms-gateway/messages?to= → { messages }
 *   POST /email-gateway/messages { to, subject, text } → 202 { id }   GET /email-gateway/messages?to= → { messages }
 * Both keep what they were sent, for tests and demos to read.
 */
const sms = z.object({ to: z.string().regex(/^(0|\+84)\d{9,10}$/), text: z.string().min(1).max(1000) });
const email = z.object({ to: z.email(), subject: z.string().min(1).max(300), text: z.string().min(1).max(20_000) });

function outbox<T extends { to: string }>(schema: z.ZodType<T>): FastifyPluginAsync {
  return async (app) => {
    const sent: (T & { id: string; at: string })[] = [];
    app.post('/messages', async (request, reply) => {
      const message = parseOr400(schema, request.body, reply);
      if (!message) return reply;
      const stored = { ...message, id: randomUUID(), at: new Date().toISOString() };
      sent.push(stored);
      if (sent.length > 10_000) sent.shift();
      return reply.status(202).send({ id: stored.id });
    });
    app.get<{ Querystring: { to?: string } }>('/messages', async (request) => ({ messages: sent.filter((m) => !request.query.to || m.to === request.query.to) }));
  };
}

export const smsGateway = outbox(sms);
export const emailGateway = outbox(email);
