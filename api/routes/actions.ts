import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTION_BODIES, ACTION_NAMES, type ActionName } from '../../domain/actions';
import { workflowActor } from '../../domain/roles';
import { RULES } from '../../domain/state-machine';
import { actorOf } from '../auth/plugin';
import { coversAgency } from '../auth/scope';
import type { DossierGateway } from '../dossier-gateway';
import { dossierView, dossierViewSchema } from '../dossier-view';
import { HttpError, errorResponse, notFound } from '../errors';
import { etagOf, ifMatchHeader, revisionsOf } from '../revision-etag';

const SUMMARIES: Record<ActionName, string> = {
  receive: 'Accept a verified dossier: the legal clock starts and the dossier code is issued',
  'request-supplement': 'Ask the citizen for missing documents, all at once (one request per dossier)',
  supplement: 'The citizen supplies the requested documents',
  refuse: 'Refuse the dossier at intake, with reasons',
  assign: 'Assign an appraiser of the same agency',
  appraise: 'Appraise: pass, needs supplement, or refuse',
  approve: 'Approve the result; the fee notice is issued',
  'send-back': 'Send the dossier back to appraisal, with a reason',
  'record-payment': 'Record the fee payment (online by the gateway integrator, at the counter by the accountant)',
  ship: 'Hand the licence to public post; returns the tracking number',
  'hand-over': 'Hand the licence over at the counter',
  'confirm-delivery': 'The postal service reports delivery (or a failed delivery)',
  withdraw: 'The citizen withdraws the dossier (until approval)',
  'recheck-verification': 'Ask a registry that could not be reached at verification again, now (it is re-checked in the background anyway); approval waits until both have answered',
  reschedule: 'Set a new appointment after the apology (form 04), once per dossier',
};

/**
 * A receipt dated (`receivedAt`, entered after a paper receipt) on a day no version of the procedure
 * was in force: the receipt activity refuses it (activities/receipt.ts), and that is the caller's
 * date to correct, not a server error. The activity's failure carries no type of its own, hence its message.
 */
function receiptDateRefused(action: ActionName, err: unknown): HttpError | undefined {
  if (action !== 'receive' || !(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const { message } = err.cause;
  if (!/^no version of procedure .* is in force on /.test(message)) return undefined;
  return new HttpError(400, 'VALIDATION_FAILED', `receivedAt: ${message}`, 'receivedAt');
}

/** One route per action, so each body is validated and documented by its own schema. */
export const actionRoutes: FastifyPluginAsyncZod<{ gateway: DossierGateway }> = async (app, { gateway }) => {
  for (const action of ACTION_NAMES) {
    app.post(
      `/dossiers/:id/actions/${action}`,
      {
        // An action with nothing to say may be sent without a body.
        // Up to 50 supplement items of 2,000 characters each.
        bodyLimit: 256 * 1024,
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
        onRequest: app.requireActor(RULES[action].roles),
        schema: {
          tags: ['actions'],
          summary: SUMMARIES[action],
          description: `Allowed for: ${RULES[action].roles.join(', ')}; from states: ${RULES[action].from.join(', ')}.`,
          security: [{ bearer: [] }, { apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(64) }),
          headers: z.object({
            'idempotency-key': z
              .string()
              .regex(/^[\w.:-]{1,128}$/, '1 to 128 letters, digits or . _ : -')
              .optional()
              .describe('Sending the same action again with the same key applies it once, and answers as the first time'),
            'if-match': ifMatchHeader,
          }),
          body: ACTION_BODIES[action],
          response: {
            200: dossierViewSchema.describe('the action was applied (or had been, under this Idempotency-Key): the dossier as it is now; ETag: its revision'),
            412: errorResponse.describe('If-Match named a revision the dossier is no longer at: nothing was changed'),
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const body = request.body as z.output<(typeof ACTION_BODIES)[typeof action]>;
        const ifRevision = revisionsOf(request.headers['if-match']);
        const reference = await gateway.resolve(request.params.id);
        // The workflow is told who acts and for which agency, nothing more. A national actor or a key
        // scoped to several agencies acts for the dossier's own, once the API has checked that it covers it.
        let agencyCode = actor.agencyCode;
        if (actor.agencyCodes || (actor.agencyCode === '*' && action === 'assign')) {
          agencyCode = await gateway.agencyOf(reference);
          if (!coversAgency(actor, agencyCode)) throw notFound(`dossier ${request.params.id}`);
        }
        if (action === 'assign') {
          // An appraiser of the dossier's own agency (SPEC 2), whoever assigns.
          const appraiser = await app.accounts.find((body as { appraiser: string }).appraiser);
          if (!appraiser || appraiser.status !== 'active' || !appraiser.roles.includes('appraiser') || appraiser.agencyCode !== agencyCode) {
            throw new HttpError(400, 'VALIDATION_FAILED', 'appraiser: no appraiser of this agency has that username', 'appraiser', undefined, undefined, 'Không có chuyên viên thẩm định nào của cơ quan với tên đăng nhập này.');
          }
        }
        // The key names one action on one dossier: the same key sent with another action is another request,
        // not a replay of the first (whose answer it would otherwise get, as if this action had been applied).
        const key = request.headers['idempotency-key'];
        const updateId = key === undefined ? randomUUID() : `${action}:${key}`;
        let acted: Awaited<ReturnType<DossierGateway['act']>>;
        try {
          acted = await gateway.act(
            reference,
            action,
            { actor: workflowActor(actor, agencyCode), body, idempotencyKey: request.headers['idempotency-key'], ...(ifRevision ? { ifRevision } : {}) },
            updateId,
          );
        } catch (err) {
          const refused = receiptDateRefused(action, err);
          if (refused) throw refused;
          // Another agency's dossier is not shown to exist (404, as on every read), whatever the workflow
          // answered: its own agency check (403 "belongs to agency …"), a closed dossier (409), a body it refused (400).
          if (err instanceof HttpError && err.status !== 404 && agencyCode !== '*' && !actor.agencyCodes) {
            const owner = await gateway.agencyOf(reference).catch(() => undefined);
            if (owner !== undefined && !coversAgency(actor, owner)) throw notFound(`dossier ${request.params.id}`);
          }
          throw err;
        }
        if (acted.revision !== undefined) void reply.header('etag', etagOf(acted.revision));
        return dossierView(acted.state, actor);
      },
    );
  }
};
