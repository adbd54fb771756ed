import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dossierByTrackingNumber } from '../../db/callback-targets';
import type { Database } from '../../db/client';
import { laterDeliveryOutcome, markTrackingEventApplied, recordTrackingEvent } from '../../db/tracking-events';
import { DOSSIER_STATUSES } from '../../domain/dossier-status';
import { deliveryOutcomeOf, trackingCallbackSchema } from '../../domain/postal-tracking';
import { workflowActor } from '../../domain/roles';
import { SIGNATURE_HEADER } from '../../integrations/body-signature';
import { keepRawJsonBodies, signedBodyHooks } from '../signed-callback';
import type { CallbackThrottle } from '../callback-throttle';
import type { DossierGateway } from '../dossier-gateway';
import { HttpError, errorResponse, notFound } from '../errors';

/** Who the dossier's history says confirmed a delivery the post reported. */
const POST = 'postal-service';
/** A tracking event is a few hundred bytes; nothing bigger is read before its signature is known. */
const BODY_LIMIT = 16 * 1024;

const answer = z.object({
  recorded: z.literal(true),
  duplicate: z.boolean().describe('this event had been reported before: nothing new was done'),
  applied: z.enum(['delivered', 'failed']).nullable().describe('what it did to the dossier: delivered, back to the counter (failed), or nothing (a progress line, or too late to change it)'),
  status: z.enum(DOSSIER_STATUSES).nullable().describe("the dossier's status after it"),
});

/**
 * The postal service's tracking callback. The signature (`x-signature: sha256=<HMAC of the raw
 * body>`) is its authentication; it covers the body, so this is the one kind of route whose body
 * is read before the caller is known: at most 16 KB, kept raw, and checked before it is validated
 * or acted on. Events may arrive late or out of order: each is kept with the time it happened, and
 * only a delivery-ending event (delivered, failed, returned) of a shipped dossier changes it, so a
 * late `in_transit` never undoes a delivery.
 */
export const postalCallbackRoutes: FastifyPluginAsyncZod<{ db: Database; gateway: DossierGateway; secret: string; throttle: CallbackThrottle }> = async (
  app,
  { db, gateway, secret, throttle },
) => {
  keepRawJsonBodies(app, BODY_LIMIT);

  app.post(
    '/callbacks/post',
    {
      bodyLimit: BODY_LIMIT,
      ...signedBodyHooks({ secret, throttle, caller: POST, whose: "the postal service's" }),
      schema: {
        tags: ['callbacks'],
        summary: "The postal service's tracking event for a shipped licence (signed with POSTAL_CALLBACK_SECRET)",
        headers: z.object({ [SIGNATURE_HEADER]: z.string().describe('sha256=<hex HMAC-SHA256 of the raw body>') }),
        body: trackingCallbackSchema,
        response: {
          200: answer.describe('recorded (or had been)'),
          401: errorResponse.describe('the signature is missing or wrong: nothing was read or changed'),
          404: errorResponse.describe('no dossier was shipped under this tracking number'),
          429: errorResponse.describe('too many bad signatures from this address'),
        },
      },
    },
    async (request) => {
      const event = request.body;
      const target = await dossierByTrackingNumber(db, event.trackingNumber);
      if (!target) {
        request.accessNote = `signature valid; unknown tracking number`;
        throw notFound(`shipment ${event.trackingNumber}`);
      }
      const row = await recordTrackingEvent(db, target.reference, event);
      const outcome = deliveryOutcomeOf(event.event);
      let applied = row.applied as 'delivered' | 'failed' | null;
      let status = target.status;
      // A later fact already on record (a delivery after this failure, say) wins over an earlier one arriving late.
      if (!applied && outcome && target.status === 'SHIPPED' && !(await laterDeliveryOutcome(db, event.trackingNumber, event.at))) {
        const actor = workflowActor({ username: POST, roles: ['integrator'], agencyCode: target.agencyCode });
        const key = `post-${row.id}`;
        try {
          const acted = await gateway.act(
            target.reference,
            'confirm-delivery',
            { actor, body: { trackingNumber: event.trackingNumber, outcome, ...(event.note ? { note: event.note } : {}) }, idempotencyKey: key },
            `confirm-delivery:${key}`,
          );
          await markTrackingEventApplied(db, row.id, outcome);
          applied = outcome;
          status = acted.state.status;
        } catch (err) {
          // Moved on meanwhile (delivered by an earlier call, collected at the counter): kept as a progress line.
          if (!(err instanceof HttpError && (err.code === 'ACTION_NOT_ALLOWED' || err.code === 'DOSSIER_CLOSED'))) throw err;
        }
      }
      request.accessNote = `signature valid; ${event.event} at ${event.at}${row.fresh ? '' : ' (again)'}; ${applied ?? 'no change'}`;
      return { recorded: true as const, duplicate: !row.fresh, applied, status };
    },
  );
};
