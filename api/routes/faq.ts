import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findAgency } from '../../db/accounts';
import type { Database } from '../../db/client';
import { deleteFaq, findFaq, insertFaq, listFaq, updateFaq, type FaqRow } from '../../db/faq';
import { AGENCY_CODE } from '../../domain/application';
import { instant } from '../../domain/dossier-state-schema';
import type { Actor } from '../../domain/roles';
import { actorOf, adminLevelOf } from '../auth/plugin';
import { agenciesInScope, coversAgency } from '../auth/scope';
import { HttpError, errorResponse, notFound } from '../errors';

/**
 * Frequently asked questions (seed 000 art. 6.2c): national entries, which a level-1 (national)
 * admin keeps, and each agency's own, which its level-2 admin keeps. The public page shows the
 * published national entries and those of the agency asked for.
 */

const question = z.string().trim().min(1).max(500);
const answer = z.string().trim().min(1).max(5000);
const sortOrder = z.number().int().min(-100_000).max(100_000).describe('smaller first (national entries come before the agency’s)');
const agencyOfEntry = AGENCY_CODE.nullable().describe('the agency the entry is for; null: national (every agency’s page)');

const publicEntry = z.object({ id: z.number().int(), question: z.string(), answer: z.string(), agencyCode: z.string().nullable() });

const adminEntry = z.object({
  id: z.number().int(),
  agencyCode: z.string().nullable(),
  question: z.string(),
  answer: z.string(),
  sortOrder: z.number().int(),
  published: z.boolean(),
  editable: z.boolean().describe('whether the caller may change or delete it (national entries: level-1 admins only)'),
  createdAt: instant,
  updatedAt: instant,
  updatedBy: z.string(),
});

const createBody = z.object({
  question,
  answer,
  agencyCode: agencyOfEntry.optional().describe('null: national (level-1 admin); omitted: national for a level-1 admin, the own agency for a level-2 admin'),
  sortOrder: sortOrder.default(0),
  published: z.boolean().default(true),
});
const patchBody = z.object({
  question: question.optional(),
  answer: answer.optional(),
  agencyCode: agencyOfEntry.optional(),
  sortOrder: sortOrder.optional(),
  published: z.boolean().optional(),
});
const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

/** Who may keep an entry of this agency (null: national): 403 with the reason otherwise. */
function mayKeep(actor: Actor, agencyCode: string | null): void {
  adminLevelOf(actor);
  if (agencyCode === null) {
    if (actor.agencyCode !== '*') throw new HttpError(403, 'FORBIDDEN', 'agencyCode: national FAQ entries are kept by a level-1 (national) admin', 'agencyCode');
  } else if (!coversAgency(actor, agencyCode)) {
    throw new HttpError(403, 'FORBIDDEN', `agencyCode: a level-2 admin keeps the FAQ entries of its own agency (${actor.agencyCode}) only`, 'agencyCode');
  }
}

const canKeep = (actor: Actor, agencyCode: string | null) => (agencyCode === null ? actor.agencyCode === '*' : coversAgency(actor, agencyCode));

const adminView = (actor: Actor, row: FaqRow): z.infer<typeof adminEntry> => ({
  id: row.id,
  agencyCode: row.agencyCode,
  question: row.question,
  answer: row.answer,
  sortOrder: row.sortOrder,
  published: row.published,
  editable: canKeep(actor, row.agencyCode),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  updatedBy: row.updatedBy,
});

export const faqRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  const admin = app.requireActor(['admin']);

  const knownAgency = async (code: string) => {
    if (!(await findAgency(db, code))) throw new HttpError(400, 'UNKNOWN_AGENCY', `agencyCode: no agency ${code}`, 'agencyCode');
  };

  app.get(
    '/public/faq',
    {
      schema: {
        tags: ['public'],
        summary: 'Frequently asked questions: the national ones, and the agency’s own when `agency` is given (no login)',
        querystring: z.object({ agency: AGENCY_CODE.optional().describe('the agency whose own questions are added to the national ones') }),
        response: {
          200: z
            .object({ agency: z.object({ code: z.string(), name: z.string() }).nullable(), items: z.array(publicEntry) })
            .describe('the published questions: national first, then the agency’s, each in its order'),
          404: errorResponse.describe('NOT_FOUND: no such agency'),
        },
      },
    },
    async (request, reply) => {
      const code = request.query.agency;
      const agency = code ? await findAgency(db, code) : undefined;
      if (code && !agency) throw notFound(`agency ${code}`);
      const rows = await listFaq(db, { agencyCodes: code ? [code] : [], publishedOnly: true });
      // Public reference text: a proxy or the browser may keep it a minute.
      void reply.header('cache-control', 'public, max-age=60');
      return {
        agency: agency ? { code: agency.code, name: agency.name } : null,
        items: rows.map((r) => ({ id: r.id, question: r.question, answer: r.answer, agencyCode: r.agencyCode })),
      };
    },
  );

  app.get(
    '/admin/faq',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'The FAQ entries, published or not: national ones and those of the agencies in the caller’s scope',
        security: [{ bearer: [] }],
        querystring: z.object({ agency: AGENCY_CODE.optional().describe('only the national entries and this agency’s') }),
        response: { 200: z.object({ items: z.array(adminEntry) }).describe('national first, then by agency, each in its order') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      adminLevelOf(actor);
      const agencyCodes = agenciesInScope(actor, request.query.agency);
      return { items: (await listFaq(db, { ...(agencyCodes ? { agencyCodes } : {}) })).map((r) => adminView(actor, r)) };
    },
  );

  app.post(
    '/admin/faq',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Add a FAQ entry: a national one (level-1 admin) or one of the own agency',
        security: [{ bearer: [] }],
        body: createBody,
        response: {
          201: adminEntry.describe('added'),
          400: errorResponse.describe('the request is malformed, or UNKNOWN_AGENCY'),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      adminLevelOf(actor);
      const { agencyCode: given, question: q, answer: a, sortOrder: order, published } = request.body;
      const agencyCode = given !== undefined ? given : actor.agencyCode === '*' ? null : actor.agencyCode;
      mayKeep(actor, agencyCode);
      if (agencyCode !== null) await knownAgency(agencyCode);
      const row = await insertFaq(db, { agencyCode, question: q, answer: a, sortOrder: order, published, updatedBy: actor.username });
      return reply.status(201).send(adminView(actor, row));
    },
  );

  app.patch(
    '/admin/faq/:id',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Change a FAQ entry (national ones: level-1 admin; an agency’s: its admins)',
        security: [{ bearer: [] }],
        params: idParams,
        body: patchBody,
        response: {
          200: adminEntry.describe('the entry as changed'),
          400: errorResponse.describe('the request is malformed, or UNKNOWN_AGENCY'),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const existing = await findFaq(db, request.params.id);
      if (!existing) throw notFound(`FAQ entry ${request.params.id}`);
      mayKeep(actor, existing.agencyCode);
      const { agencyCode, ...rest } = request.body;
      if (agencyCode !== undefined && agencyCode !== existing.agencyCode) {
        mayKeep(actor, agencyCode);
        if (agencyCode !== null) await knownAgency(agencyCode);
      }
      const patch = Object.fromEntries(Object.entries({ ...rest, agencyCode }).filter(([, v]) => v !== undefined));
      const row = await updateFaq(db, existing.id, { ...patch, updatedBy: actor.username });
      if (!row) throw notFound(`FAQ entry ${request.params.id}`);
      return adminView(actor, row);
    },
  );

  app.delete(
    '/admin/faq/:id',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Delete a FAQ entry (national ones: level-1 admin; an agency’s: its admins)',
        security: [{ bearer: [] }],
        params: idParams,
        response: { 204: z.undefined().describe('deleted') },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const existing = await findFaq(db, request.params.id);
      if (!existing) throw notFound(`FAQ entry ${request.params.id}`);
      mayKeep(actor, existing.agencyCode);
      if (!(await deleteFaq(db, existing.id))) throw notFound(`FAQ entry ${request.params.id}`);
      return reply.status(204).send();
    },
  );
};
