import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { SORT_KEYS, searchDossiers } from '../../db/dossier-search';
import { AGENCY_CODE } from '../../domain/application';
import { scopeFilterOf } from '../../domain/data-scope';
import { DOSSIER_CODE_PATTERN, REFERENCE_PATTERN } from '../../domain/dossier-code';
import { instant as isoInstant } from '../../domain/dossier-state-schema';
import { DOSSIER_STATUSES, type DossierStatus } from '../../domain/dossier-status';
import { actorOf } from '../auth/plugin';
import { agenciesInScope } from '../auth/scope';
import { canSeePersonalData, maskCitizenId } from '../dossier-view';
import { HttpError } from '../errors';

const STAFF = ['one_stop_officer', 'appraiser', 'leader', 'accountant', 'supervisor', 'auditor', 'admin'] as const;
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 instant with its offset' });

/** Every sort key is an instant; the reference breaks ties. A hand-made cursor holding anything else is refused, not sent to the database. */
const cursorSchema = z.object({
  v: z.iso.datetime({ offset: true }).nullable(),
  r: z.string().regex(REFERENCE_PATTERN),
  s: z.enum(SORT_KEYS),
  o: z.enum(['asc', 'desc']),
});
const encodeCursor = (c: z.infer<typeof cursorSchema>) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string): z.infer<typeof cursorSchema> {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw new HttpError(400, 'VALIDATION_FAILED', 'cursor: not a cursor this API returned', 'cursor');
  }
}

/** One row of the search: what the record keeps, the applicant's citizen ID masked for roles that see it masked. */
const searchItem = z.object({
  reference: z.string().describe('the submission reference (SUB-…)'),
  code: z.string().regex(DOSSIER_CODE_PATTERN).nullable(),
  agencyCode: AGENCY_CODE,
  status: z.enum(DOSSIER_STATUSES),
  portalStatus: z.number().int().nullable(),
  submittedAt: isoInstant,
  receivedAt: isoInstant.nullable(),
  dueAt: isoInstant.nullable().describe('the appointment for the result'),
  late: z.boolean(),
  assignee: z.string().nullable(),
  closedAt: isoInstant.nullable(),
  applicant: z
    .object({ fullName: z.string(), citizenId: z.string().describe('masked (last four digits) for roles that see personal data masked') })
    .nullable(),
});
const searchPage = z.object({
  items: z.array(searchItem),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A row of the record as the search shows it: instants as ISO text, the citizen ID masked unless `open`. */
function searchItemOf(row: Awaited<ReturnType<typeof searchDossiers>>['items'][number], open: boolean): z.infer<typeof searchItem> {
  const { application, sortValue: _, status, submittedAt, receivedAt, dueAt, closedAt, ...rest } = row;
  return {
    ...rest,
    // The search reads only rows with a status (searchDossiers: `status is not null`).
    status: status!,
    submittedAt: submittedAt.toISOString(),
    receivedAt: iso(receivedAt),
    dueAt: iso(dueAt),
    closedAt: iso(closedAt),
    applicant: application
      ? { fullName: application.applicant.fullName, citizenId: open ? application.applicant.citizenId : maskCitizenId(application.applicant.citizenId) }
      : null,
  };
}

export const dossierSearchRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/dossiers',
    {
      onRequest: app.requireActor(STAFF),
      schema: {
        tags: ['dossiers'],
        summary: 'Search the dossier record: filters, sorting, cursor pagination',
        security: [{ bearer: [] }],
        querystring: z.object({
          status: z
            .string()
            .transform((v) => v.split(',').filter(Boolean))
            .pipe(z.array(z.enum(DOSSIER_STATUSES)))
            .optional()
            .describe('one or more states, comma-separated'),
          portalStatus: z.coerce.number().int().min(1).max(10).optional(),
          agency: AGENCY_CODE.optional(),
          late: bool.optional(),
          open: bool.optional().describe('true: not yet closed; false: closed'),
          dueBefore: instant.optional(),
          receivedFrom: instant.optional(),
          receivedTo: instant.optional(),
          assignee: z.string().min(1).max(64).optional(),
          citizenId: z.string().regex(/^\d{12}$/, 'a citizen ID of exactly 12 digits').optional(),
          sort: z.enum(SORT_KEYS).default('submittedAt'),
          order: z.enum(['asc', 'desc']).default('desc'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional(),
        }),
        response: { 200: searchPage.describe('a page of dossiers, in the order asked for') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const q = request.query;
      if (q.citizenId && !canSeePersonalData(actor)) {
        throw new HttpError(403, 'FORBIDDEN', 'citizenId: your role may not search by personal data', 'citizenId');
      }
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (after && (after.s !== q.sort || after.o !== q.order)) {
        throw new HttpError(400, 'VALIDATION_FAILED', 'cursor: it belongs to another sort order', 'cursor');
      }
      const agencyCodes = agenciesInScope(actor, q.agency);
      const result = await searchDossiers(
        db,
        {
          agencyCodes,
          statuses: q.status as DossierStatus[] | undefined,
          portalStatus: q.portalStatus,
          late: q.late,
          open: q.open,
          dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined,
          receivedFrom: q.receivedFrom ? new Date(q.receivedFrom) : undefined,
          receivedTo: q.receivedTo ? new Date(q.receivedTo) : undefined,
          assignee: q.assignee,
          citizenId: q.citizenId,
          scope: scopeFilterOf(actor),
        },
        { sort: q.sort, order: q.order, limit: q.limit, after: after ? { value: after.v, reference: after.r } : undefined },
      );
      const open = canSeePersonalData(actor);
      return {
        items: result.items.map((row) => searchItemOf(row, open)),
        nextCursor: result.next ? encodeCursor({ v: result.next.value, r: result.next.reference, s: q.sort, o: q.order }) : null,
      };
    },
  );
};
