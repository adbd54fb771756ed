import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FORM_CODES, FORM_TITLES, documentFileName, renderDocument, unavailableReason } from '../../documents';
import type { DossierState } from '../../domain/dossier-state';
import type { Actor } from '../../domain/roles';
import { actorOf } from '../auth/plugin';
import { dossierInScope } from '../auth/scope';
import type { DossierGateway } from '../dossier-gateway';
import { canSeePersonalData, dossierView } from '../dossier-view';
import { HttpError, errorResponse, notFound } from '../errors';
import type { Database } from '../../db/client';
import { findAgency } from '../../db/accounts';

/** A PDF file: sent as it is rendered, never through the JSON serializer. */
const pdfDocument = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: 'string', format: 'binary' });

const PRINTERS = ['one_stop_officer', 'appraiser', 'leader', 'supervisor', 'admin', 'integrator'] as const;

/**
 * Roles that see masked personal data on screen see it masked on paper too (SPEC 6); the masks
 * are the dossier view's, so the two never disagree.
 */
function asSeenBy(state: DossierState, actor: Actor): DossierState {
  if (canSeePersonalData(actor)) return state;
  const view = dossierView(state, actor);
  const { delivery } = state.application;
  return {
    ...state,
    application: {
      ...state.application,
      applicant: view.applicant,
      healthCertificateId: view.healthCertificateId ?? undefined,
      delivery: delivery.method === 'post' ? { ...delivery, address: view.delivery.address ?? undefined } : delivery,
    },
  };
}

/** The one-stop forms (01–06) of a dossier as PDF, each with its QR code. */
export const documentRoutes: FastifyPluginAsyncZod<{ gateway: DossierGateway; db: Database }> = async (app, { gateway, db }) => {
  app.get(
    '/dossiers/:id/documents/:form',
    {
      onRequest: app.requireActor(PRINTERS),
      schema: {
        tags: ['documents'],
        summary: 'A one-stop form of a dossier as PDF (Vietnamese, with a QR code); 409 when the form does not apply yet',
        description: FORM_CODES.map((f) => `${f}: ${FORM_TITLES[f]}`).join('; '),
        security: [{ bearer: [] }, { apiKey: [] }],
        params: z.object({ id: z.string().min(1).max(64), form: z.enum(FORM_CODES) }),
        response: {
          200: { description: 'the form, ready to print', content: { 'application/pdf': { schema: pdfDocument } } },
          409: errorResponse.describe('the form does not apply to the dossier yet (DOCUMENT_NOT_AVAILABLE): the reason says why'),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { id, form } = request.params;
      const state = await gateway.lookup(id);
      // Another agency's dossier, or one outside the account's data scope, is not shown to exist.
      if (!(await dossierInScope(app.accounts, actor, state))) throw notFound(`dossier ${id}`);
      const reason = unavailableReason(form, state);
      if (reason) throw new HttpError(409, 'DOCUMENT_NOT_AVAILABLE', reason.en, undefined, undefined, undefined, reason.vi);
      const names = await app.accounts.fullNames([
        ...new Set([...state.transitions.map((t) => t.actor.username), state.supplement?.requestedBy, state.refusal?.by, state.apology?.reschedule?.by].filter((u): u is string => Boolean(u))),
      ]);
      // The citizen reads the office's name at the head of the form, not its code.
      const agencyName = (await findAgency(db, state.agencyCode))?.name;
      const pdf = await renderDocument(form, asSeenBy(state, actor), new Date(), {
        agencyName,
        personName: (username) => {
          const fullName = names.get(username);
          return fullName ? `${fullName} (${username})` : undefined;
        },
      });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="${documentFileName(form, state)}"`)
        // Personal data: no shared cache may keep a copy.
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );
};
