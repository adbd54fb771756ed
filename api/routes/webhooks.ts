import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ulid } from 'ulid';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { outboundEventByMessageId } from '../../db/outbound-events';
import {
  createSubscription,
  deleteSubscription,
  deliveriesOf,
  deliveryById,
  ownedSubscription,
  ownedSubscriptions,
  rotateSecret,
  type WebhookSubscription,
} from '../../db/webhooks';
import { PREVIOUS_SECRET_GRACE_MS, WEBHOOK_EVENTS, webhookDeliveryView, webhookSubscriptionInput, webhookSubscriptionView } from '../../domain/webhooks';
import { enqueueWebhook, queuedOf } from '../../webhooks/dispatcher';
import { newWebhookSecret } from '../../webhooks/signing';
import { urlRefusal, type UrlPolicy } from '../../webhooks/url-policy';
import { actorOf } from '../auth/plugin';
import { HttpError, errorResponse, notFound } from '../errors';

/**
 * Integrators' webhook subscriptions (Standard Webhooks v1), managed with their API key: each sees
 * and changes only its own. The secret is shown once, when made or rotated.
 */
const view = (s: WebhookSubscription) => ({
  id: s.id,
  url: s.url,
  events: s.events,
  status: s.status,
  disabledReason: s.disabledReason,
  failingSince: s.failingSince?.toISOString() ?? null,
  createdAt: s.createdAt.toISOString(),
});

const idParams = z.object({ id: z.string().regex(/^wh_[0-9A-Z]{26}$/, 'a subscription id (wh_…)') });
const security = [{ apiKey: [] }];

export const webhookRoutes: FastifyPluginAsyncZod<{ db: Database; client: Client; taskQueue: string; urlPolicy: UrlPolicy; scheduleMs?: number[] }> = async (
  app,
  { db, client, taskQueue, urlPolicy, scheduleMs },
) => {
  const owned = async (owner: string, id: string) => {
    const s = await ownedSubscription(db, owner, id);
    if (!s) throw notFound(`webhook subscription ${id}`);
    return s;
  };

  app.post(
    '/webhooks',
    {
      onRequest: app.requireActor(['integrator']),
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe an endpoint to dossier events; the signing secret is in this answer only',
        security,
        body: webhookSubscriptionInput,
        response: {
          201: webhookSubscriptionView.extend({ secret: z.string().describe('whsec_…: verify webhook-signature with it (Standard Webhooks); shown once') }),
          400: errorResponse.describe('the URL may not receive webhooks (not https in production, or an internal address)'),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const refusal = await urlRefusal(request.body.url, urlPolicy);
      if (refusal) throw new HttpError(400, 'VALIDATION_FAILED', `url: ${refusal}`, 'url');
      const secret = newWebhookSecret();
      const created = await createSubscription(db, {
        id: `wh_${ulid()}`,
        owner: actor.username,
        agencyCodes: [...(actor.agencyCodes ?? [actor.agencyCode])],
        url: request.body.url,
        events: request.body.events ?? [...WEBHOOK_EVENTS],
        secret,
      });
      return reply.status(201).send({ ...view(created), secret });
    },
  );

  app.get(
    '/webhooks',
    {
      onRequest: app.requireActor(['integrator']),
      schema: { tags: ['webhooks'], summary: "This API key's subscriptions (disabled ones say why)", security, response: { 200: z.object({ webhooks: z.array(webhookSubscriptionView) }) } },
    },
    async (request) => ({ webhooks: (await ownedSubscriptions(db, actorOf(request).username)).map(view) }),
  );

  app.delete(
    '/webhooks/:id',
    {
      onRequest: app.requireActor(['integrator']),
      schema: { tags: ['webhooks'], summary: 'Unsubscribe: nothing more is sent to it', security, params: idParams, response: { 204: z.null().describe('deleted'), 404: errorResponse } },
    },
    async (request, reply) => {
      const s = await owned(actorOf(request).username, request.params.id);
      await deleteSubscription(db, s.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      onRequest: app.requireActor(['integrator']),
      schema: {
        tags: ['webhooks'],
        summary: 'A new signing secret; the old one keeps signing beside it for 24 hours',
        security,
        params: idParams,
        response: { 200: z.object({ secret: z.string(), previousSecretValidUntil: z.string() }), 404: errorResponse },
      },
    },
    async (request) => {
      const s = await owned(actorOf(request).username, request.params.id);
      const secret = newWebhookSecret();
      const until = new Date(Date.now() + PREVIOUS_SECRET_GRACE_MS);
      await rotateSecret(db, s.id, secret, until);
      return { secret, previousSecretValidUntil: until.toISOString() };
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      onRequest: app.requireActor(['integrator']),
      schema: {
        tags: ['webhooks'],
        summary: 'Every attempt to deliver to it, newest first: time, status, latency, error',
        security,
        params: idParams,
        querystring: z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ deliveries: z.array(webhookDeliveryView) }), 404: errorResponse },
      },
    },
    async (request) => {
      const s = await owned(actorOf(request).username, request.params.id);
      const rows = await deliveriesOf(db, s.id, { limit: request.query.limit, ...(request.query.before ? { beforeId: request.query.before } : {}) });
      return { deliveries: rows.map((d) => ({ id: d.id, messageId: d.messageId, type: d.type, attempt: d.attempt, at: d.at.toISOString(), status: d.status, latencyMs: d.latencyMs, error: d.error })) };
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/retry',
    {
      onRequest: app.requireActor(['integrator']),
      schema: {
        tags: ['webhooks'],
        summary: "Send a delivery's message again (same webhook-id), after the dossier's messages queued before it",
        security,
        params: idParams.extend({ deliveryId: z.coerce.number().int().positive() }),
        response: { 202: z.object({ messageId: z.string() }).describe('queued'), 404: errorResponse, 409: errorResponse.describe('the subscription is disabled') },
      },
    },
    async (request, reply) => {
      const s = await owned(actorOf(request).username, request.params.id);
      if (s.status !== 'active') throw new HttpError(409, 'WEBHOOK_DISABLED', `the subscription is disabled: ${s.disabledReason ?? 'by its owner'}`);
      const delivery = await deliveryById(db, s.id, request.params.deliveryId);
      const event = delivery ? await outboundEventByMessageId(db, delivery.messageId) : undefined;
      if (!delivery || !event) throw notFound(`delivery ${request.params.deliveryId}`);
      await enqueueWebhook({ client, taskQueue, ...(scheduleMs ? { scheduleMs } : {}) }, s.id, event.reference, queuedOf(event.messageId, event.message, true));
      return reply.status(202).send({ messageId: event.messageId });
    },
  );
};
