import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { workQueue } from '../../db/work-queue';
import { AGENCY_CODE } from '../../domain/application';
import type { DossierState } from '../../domain/dossier-state';
import { offeredActions, queueCriteria } from '../../domain/work-queue';
import { actorOf } from '../auth/plugin';
import { agenciesInScope } from '../auth/scope';

const WORKERS = ['one_stop_officer', 'appraiser', 'leader', 'accountant'] as const;

/**
 * "What waits for me": the officer's list, late first, each with the actions it offers. Not
 * narrowed by the account's data scope (own / unit): the queue shows the work that waits for the
 * account's roles in its agency — a dossier awaiting receipt has been worked on by nobody yet, and
 * would otherwise reach no one. The scope narrows search and look-up (api/auth/scope.ts).
 */
export const workQueueRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/work-queue',
    {
      onRequest: app.requireActor(WORKERS),
      schema: {
        tags: ['dossiers'],
        summary: 'The dossiers waiting for the caller: late first, then by appointment; with the actions offered on each',
        security: [{ bearer: [] }],
        querystring: z.object({
          agency: AGENCY_CODE.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(100),
        }),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const rows = await workQueue(db, {
        username: actor.username,
        agencyCodes: agenciesInScope(actor, request.query.agency),
        criteria: queueCriteria(actor),
        now: new Date(),
        limit: request.query.limit,
      });
      return {
        items: rows.flatMap(({ state: summary, application, ...row }) => {
          // What the queue offers needs the summary and the application, not the slip.
          const state = summary && application ? ({ ...summary, application, transitions: [] } as DossierState) : undefined;
          // The record trails the workflow: a dossier that has just moved on offers nothing and is left out.
          const actions = state ? offeredActions(state, actor) : [];
          if (actions.length === 0) return [];
          return [
            {
              ...row,
              applicantName: state?.application.applicant.fullName ?? null,
              deliveryMethod: state?.application.delivery.method ?? null,
              fee: state?.feeNotice?.amount ?? state?.procedure.feeVnd ?? null,
              apologyDue: Boolean(state?.apology && !state.apology.reschedule),
              actions,
            },
          ];
        }),
      };
    },
  );
};
