import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instant } from '../../domain/dossier-state-schema';
import { findAgency, findApiKey, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../../db/accounts';
import type { Database } from '../../db/client';
import { apiKeyRefusal, type Administrator } from '../../domain/account-admin';
import { AGENCY_CODE } from '../../domain/application';
import type { Actor } from '../../domain/roles';
import { apiKeyPrefix, hashApiKey, newApiKey } from '../auth/accounts';
import { actorOf, adminLevelOf } from '../auth/plugin';
import { HttpError, notFound } from '../errors';

const agencyCodes = z.array(z.union([AGENCY_CODE, z.literal('*')]));

/** A key as the API lists it: never the key, only its first characters. */
const apiKeySchema = z.object({
  id: z.number().int(),
  name: z.string().describe('who holds it; also the username its actions are recorded under'),
  keyPrefix: z.string().describe('the first characters of the key, to tell keys apart'),
  agencyCodes: agencyCodes.describe('the agencies it acts for; ["*"]: every agency'),
  createdAt: instant,
  createdBy: z.string(),
  revokedAt: instant.nullable(),
  revokedBy: z.string().nullable(),
  lastUsedAt: instant.nullable().describe('to the minute'),
});

const view = (row: ApiKeyRow): z.infer<typeof apiKeySchema> => ({
  id: row.id,
  name: row.name,
  keyPrefix: row.keyPrefix,
  agencyCodes: row.agencyCodes,
  createdAt: row.createdAt.toISOString(),
  createdBy: row.createdBy,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  revokedBy: row.revokedBy,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

const administrator = (actor: Actor): Administrator => ({ adminLevel: adminLevelOf(actor), agencyCode: actor.agencyCode });

/**
 * Integrators' API keys: created (the key is shown once, only its SHA-256 is kept), listed (never
 * the key), revoked (it stops working at the next call). A level-1 admin manages every key; a
 * level-2 admin the keys scoped to its own agency.
 */
export const adminApiKeyRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  const admin = app.requireActor(['admin']);
  const now = () => app.accounts.policy.clock();

  app.get(
    '/admin/api-keys',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'API keys (never the key itself)',
        security: [{ bearer: [] }],
        response: { 200: z.object({ items: z.array(apiKeySchema) }).describe('the keys this admin manages, revoked ones too, oldest first') },
      },
    },
    async (request) => {
      const me = administrator(actorOf(request));
      return { items: (await listApiKeys(db, me.adminLevel === 2 ? me.agencyCode : undefined)).map(view) };
    },
  );

  app.post(
    '/admin/api-keys',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Create an integrator key scoped to agencies ("*": every agency); the key is in this answer and nowhere else',
        security: [{ bearer: [] }],
        body: z.object({
          name: z
            .string()
            .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3 to 64 lower-case letters, digits, . _ -')
            .describe('who holds it; also the username its actions are recorded under'),
          agencyCodes: agencyCodes
            .min(1)
            .max(100)
            .refine((c) => !c.includes('*') || c.length === 1, '"*" stands alone'),
        }),
        response: {
          201: apiKeySchema
            .extend({ key: z.string().describe('the key: send it as X-API-Key; it is shown this once and kept nowhere') })
            .describe('created'),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const me = administrator(actor);
      const agencyCodes = [...new Set(request.body.agencyCodes)];
      const refusal = apiKeyRefusal(me, agencyCodes);
      if (refusal) throw new HttpError(403, 'FORBIDDEN', refusal);
      for (const code of agencyCodes) {
        if (code !== '*' && !(await findAgency(db, code))) throw new HttpError(400, 'VALIDATION_FAILED', `agencyCodes: no agency ${code}`, 'agencyCodes');
      }
      const key = newApiKey();
      const row = await insertApiKey(db, {
        name: request.body.name,
        keyHash: hashApiKey(key),
        keyPrefix: apiKeyPrefix(key),
        agencyCodes,
        createdAt: now(),
        createdBy: actor.username,
      });
      if (!row) throw new HttpError(409, 'API_KEY_EXISTS', `a key named ${request.body.name} exists (names are kept after revocation)`, 'name');
      return reply.status(201).send({ ...view(row), key });
    },
  );

  app.post(
    '/admin/api-keys/:id/revoke',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Revoke a key: it stops working at once (the row stays, for the record of what it did)',
        security: [{ bearer: [] }],
        params: z.object({ id: z.coerce.number().int().positive().max(2_147_483_647, 'not a key id') }),
        response: { 200: apiKeySchema.describe('the key, revoked (revoking a revoked key changes nothing)') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const me = administrator(actor);
      const row = await findApiKey(db, request.params.id);
      if (!row) throw notFound(`API key ${request.params.id}`);
      const refusal = apiKeyRefusal(me, row.agencyCodes);
      if (refusal) throw new HttpError(403, 'FORBIDDEN', refusal);
      return view((await revokeApiKey(db, row.id, actor.username, now())) ?? row);
    },
  );
};
