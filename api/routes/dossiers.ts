import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicationSchema } from '../../domain/application';
import { DOSSIER_STATUSES } from '../../domain/dossier-status';
import { actorOf } from '../auth/plugin';
import { coversAgency, dossierInScope } from '../auth/scope';
import type { DossierGateway } from '../dossier-gateway';
import { dossierView, dossierViewSchema } from '../dossier-view';
import { HttpError, notFound } from '../errors';
import { etagOf } from '../revision-etag';
import type { Database } from '../../db/client';
import { trackingEventsOf } from '../../db/tracking-events';
import { TRACKING_EVENTS } from '../../domain/postal-tracking';
import { NOTIFICATION_KINDS } from '../../domain/notifications';
import { notificationsOf, portalSyncOf } from '../../db/citizen-notifications';

/**
 * A dossier looked up on its own also shows what the outside world was told and said: the post's
 * tracking events in the order they happened, when the National Public Service Portal last took
 * its record, and what the citizen was sent.
 */
const dossierWithTrackingSchema = dossierViewSchema.extend({
  portalSync: z
    .object({
      syncedAt: z.string().nullable().describe('when the portal last took the record'),
      syncedStatus: z.number().int().nullable().describe('the status code it was sent'),
      attemptedAt: z.string(),
      error: z.string().nullable().describe('why the last attempt failed (it is retried)'),
    })
    .nullable(),
  notifications: z.array(
    z.object({
      kind: z.enum(NOTIFICATION_KINDS),
      channel: z.enum(['sms', 'email']),
      recipient: z.string().describe('masked'),
      text: z.string(),
      status: z.enum(['sent', 'failed']),
      error: z.string().nullable(),
      at: z.string(),
    }),
  ),
  trackingEvents: z.array(
    z.object({
      event: z.enum(TRACKING_EVENTS),
      at: z.string().describe('when it happened, by the post'),
      note: z.string().nullable(),
      receivedAt: z.string().describe('when the post told the service'),
      applied: z.string().nullable().describe('delivered or failed when it changed the dossier; null for a progress line or one too late to change it'),
    }),
  ),
});

const STAFF_AND_INTEGRATORS = [
  'one_stop_officer', 'appraiser', 'leader', 'accountant', 'supervisor', 'auditor', 'admin', 'integrator',
] as const;

export const dossierRoutes: FastifyPluginAsyncZod<{ gateway: DossierGateway; db: Database }> = async (app, { gateway, db }) => {
  app.post(
    '/dossiers',
    {
      onRequest: app.requireActor(['integrator']),
      schema: {
        tags: ['dossiers'],
        summary: 'Submit a renewal application (integrators); the same externalRef again returns the first submission',
        security: [{ apiKey: [] }],
        body: applicationSchema,
        response: {
          200: z.object({ reference: z.string(), status: z.enum(DOSSIER_STATUSES) }).describe('already submitted'),
          201: z.object({ reference: z.string(), status: z.enum(DOSSIER_STATUSES) }).describe('submitted'),
        },
      },
    },
    async (request, reply) => {
      if (!coversAgency(actorOf(request), request.body.agencyCode)) {
        throw new HttpError(403, 'FORBIDDEN', `agencyCode: this API key is not scoped to agency ${request.body.agencyCode}`, 'agencyCode');
      }
      const { reference, status, created } = await gateway.submit(request.body);
      return reply.status(created ? 201 : 200).send({ reference, status: status as (typeof DOSSIER_STATUSES)[number] });
    },
  );

  app.get(
    '/dossiers/:id',
    {
      onRequest: app.requireActor(STAFF_AND_INTEGRATORS),
      schema: {
        tags: ['dossiers'],
        summary: 'A dossier by submission reference or dossier code: status, findings, steps taken',
        security: [{ bearer: [] }, { apiKey: [] }],
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: dossierWithTrackingSchema.describe('the dossier, personal data masked for roles that may not see it; ETag: its revision, for If-Match on an action') },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { state, revision } = await gateway.lookupRevision(request.params.id);
      if (revision !== undefined) void reply.header('etag', etagOf(revision));
      // Another agency's dossier, or one outside the account's data scope, is not shown to exist.
      if (!(await dossierInScope(app.accounts, actor, state))) throw notFound(`dossier ${request.params.id}`);
      const [trackingEvents, portalSync, sent] = await Promise.all([
        state.shipment ? trackingEventsOf(db, state.reference) : [],
        portalSyncOf(db, state.reference),
        notificationsOf(db, state.reference),
      ]);
      return { ...dossierView(state, actor), trackingEvents, portalSync, notifications: sent };
    },
  );
};
