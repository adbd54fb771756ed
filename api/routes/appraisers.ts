import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appraiserLoad } from '../../db/appraiser-load';
import type { Database } from '../../db/client';
import { AGENCY_CODE } from '../../domain/application';
import { actorOf } from '../auth/plugin';
import { agenciesInScope } from '../auth/scope';

const appraiser = z.object({
  username: z.string(),
  fullName: z.string(),
  agencyCode: AGENCY_CODE,
  unit: z.string().nullable(),
  inAppraisal: z.number().int().describe('dossiers in appraisal assigned to them now'),
});

/** The leader's list to assign from: the agency's appraisers, least loaded first. */
export const appraiserRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/appraisers',
    {
      onRequest: app.requireActor(['leader']),
      schema: {
        tags: ['dossiers'],
        summary: 'The agency’s appraisers with the dossiers each has in appraisal, least loaded first: whom a leader may assign',
        security: [{ bearer: [] }],
        querystring: z.object({ agency: AGENCY_CODE.optional() }),
        response: { 200: z.object({ items: z.array(appraiser) }).describe('active appraisers of the caller’s agency') },
      },
    },
    async (request) => ({ items: await appraiserLoad(db, agenciesInScope(actorOf(request), request.query.agency)) }),
  );
};
