import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCESS_KINDS, accessLogEntrySchema, accessLogEntryView, queryAccessLog } from '../../db/access-log';
import type { Database } from '../../db/client';
import { actorOf } from '../auth/plugin';
import { agenciesInScope } from '../auth/scope';

const instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 instant with its offset' });

/** Admins read the access log; nobody writes it but the server, and nobody edits it at all. */
export const accessLogRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/admin/access-log',
    {
      onRequest: app.requireActor(['admin']),
      schema: {
        tags: ['admin'],
        summary: 'The access log: logins, logouts, failed logins, lookups, searches, exports and actions, newest first',
        security: [{ bearer: [] }],
        querystring: z.object({
          username: z.string().min(1).max(64).optional(),
          kind: z
            .string()
            .transform((v) => v.split(',').filter(Boolean))
            .pipe(z.array(z.enum(ACCESS_KINDS)))
            .optional()
            .describe(`one or more of ${ACCESS_KINDS.join(', ')}, comma-separated`),
          target: z.string().min(1).max(64).optional().describe('a dossier code or reference'),
          ip: z.string().min(1).max(64).optional(),
          from: instant.optional(),
          to: instant.optional(),
          before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().describe('the id of the last entry of the previous page'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z
            .object({
              items: z.array(accessLogEntrySchema),
              next: z.number().int().nullable().describe('after a full page, the id to send as `before` for the next one (which may be empty); null: no more'),
            })
            .describe('the entries, newest first'),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const q = request.query;
      // An agency's admin reads its own accounts' entries; the national level reads everything.
      const agencyCodes = actor.agencyCode === '*' ? undefined : agenciesInScope(actor, undefined);
      // Entries are written in batches: what was answered before this request is in the answer.
      await app.accessLog.flush();
      const items = await queryAccessLog(db, {
        agencyCodes,
        username: q.username,
        kinds: q.kind as (typeof ACCESS_KINDS)[number][] | undefined,
        target: q.target,
        ip: q.ip,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        beforeId: q.before,
        limit: q.limit,
      });
      return { items: items.map(accessLogEntryView), next: items.length === q.limit ? items[items.length - 1]!.id : null };
    },
  );
};
