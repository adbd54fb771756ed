import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { workQueue } from '../../db/work-queue';
import { AGENCY_CODE } from '../../domain/application';
import { ACTION_NAMES } from '../../domain/actions';
import { DOSSIER_CODE_PATTERN } from '../../domain/dossier-code';
import type { DossierState } from '../../domain/dossier-state';
import { instant } from '../../domain/dossier-state-schema';
import { DOSSIER_STATUSES } from '../../domain/dossier-status';
import { offeredActions, queueCriteria } from '../../domain/work-queue';
import { actorOf } from '../auth/plugin';
import { etagOf } from '../revision-etag';
import { verificationPending } from '../../domain/verification';
import { agenciesInScope } from '../auth/scope';
import { FINDING_CODES, findingsOf } from '../../domain/verification-findings';
import { canSeePersonalData, remainingWorkingMinutesOf } from '../dossier-view';
import { HttpError } from '../errors';
import type { CalendarCache } from '../calendar-cache';

const WORKERS = ['one_stop_officer', 'appraiser', 'leader', 'accountant'] as const;

/** One dossier waiting for the caller, with what it offers them. */
const queueItem = z.object({
  reference: z.string().describe('the submission reference (SUB-…)'),
  code: z.string().regex(DOSSIER_CODE_PATTERN).nullable(),
  agencyCode: AGENCY_CODE,
  status: z.enum(DOSSIER_STATUSES),
  submittedAt: instant,
  receivedAt: instant.nullable(),
  dueAt: instant.nullable().describe('the appointment for the result'),
  late: z.boolean().describe('late already, or past its appointment now'),
  assignee: z.string().nullable(),
  applicantName: z.string(),
  deliveryMethod: z.enum(['post', 'counter']),
  fee: z.number().int().describe('VND: the fee notice’s amount, or the procedure’s fee before one is issued'),
  apologyDue: z.boolean().describe('an apology (form 04) and a new appointment are due'),
  verificationPending: z.boolean().describe('a registry could not be reached at verification and has not answered since: re-checked in the background, approval waits'),
  findings: z.array(z.enum(FINDING_CODES)).describe('what the registries found, most serious first (domain/verification-findings.ts says what each means for the officer)'),
  remainingWorkingMinutes: z.number().int().nullable().describe('working minutes left on the legal clock (negative when late); null when it does not run'),
  actions: z.array(z.enum(ACTION_NAMES)).min(1).describe('the actions the caller may take on it'),
  etag: z.string().describe('the revision this row shows: send it as If-Match with an action, so one taken on a dossier that has changed since is refused (412)'),
});
const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * "What waits for me": the officer's list, late first, each with the actions it offers. Not
 * narrowed by the account's data scope (own / unit): the queue shows the work that waits for the
 * account's roles in its agency — a dossier awaiting receipt has been worked on by nobody yet, and
 * would otherwise reach no one. The scope narrows search and look-up (api/auth/scope.ts).
 */
export const workQueueRoutes: FastifyPluginAsyncZod<{ db: Database; calendars: CalendarCache }> = async (app, { db, calendars }) => {
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
          status: z.enum(DOSSIER_STATUSES).optional().describe('only this state; a leader may ask for IN_APPRAISAL to re-assign'),
          late: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
          dueBefore: z.iso.datetime({ offset: true }).optional().describe('appointment before this instant'),
          assignee: z.string().max(64).optional(),
          finding: z.enum(FINDING_CODES).optional().describe('only dossiers with this verification finding'),
          q: z.string().trim().max(100).optional().transform((v) => v || undefined).describe('a dossier code or reference (or its beginning); for roles that see personal data also part of the applicant’s name, or a 12-digit citizen ID'),
          sort: z.enum(['urgency', 'due', 'submitted', 'code']).default('urgency'),
          offset: z.coerce.number().int().min(0).max(100_000).default(0),
          limit: z.coerce.number().int().min(1).max(200).default(100),
        }),
        response: {
          200: z
            .object({ items: z.array(queueItem), total: z.number().int().describe('rows matching the filters, all pages'), offset: z.number().int() })
            .describe('the dossiers waiting for the caller, most urgent first'),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { q, status, late, dueBefore, assignee, finding, sort, offset, limit } = request.query;
      const personal = canSeePersonalData(actor);
      const citizenId = q && /^\d{12}$/.test(q) ? q : undefined;
      if (citizenId && !personal) throw new HttpError(403, 'FORBIDDEN', 'q: your role may not search by citizen ID', 'q', undefined, undefined, 'Vai trò của bạn không được tìm theo số định danh cá nhân.');
      const byCode = q && /^[\w.-]+$/.test(q) && (/\d/.test(q) || /^SUB-/i.test(q)) && !citizenId;
      const now = new Date();
      const rows = await workQueue(db, {
        username: actor.username,
        agencyCodes: agenciesInScope(actor, request.query.agency),
        criteria: queueCriteria(actor, status),
        now,
        limit,
        offset,
        sort,
        filter: {
          status,
          late,
          dueBefore: dueBefore ? new Date(dueBefore) : undefined,
          assignee,
          finding,
          citizenId,
          // A name is personal data: roles that see it masked find dossiers by code only.
          code: q && !citizenId && (byCode || !personal) ? q : undefined,
          name: q && !byCode && !citizenId && personal ? q : undefined,
        },
      });
      // The record leaves the calendar out; the dossiers follow the agency's current one anyway.
      const calendarOf = new Map(await Promise.all([...new Set(rows.map((r) => r.agencyCode))].map(async (code) => [code, await calendars.get(code)] as const)));
      return {
        total: rows[0]?.total ?? 0,
        offset,
        items: rows.flatMap(({ state: summary, application, status, submittedAt, receivedAt, dueAt, revision, total: _total, ...row }): z.infer<typeof queueItem>[] => {
          // What the queue offers needs the summary and the application, not the slip.
          if (!summary || !application || status === null) return [];
          const state = { ...summary, application, transitions: [], calendar: calendarOf.get(row.agencyCode) } as DossierState;
          // The record trails the workflow: a dossier that has just moved on offers nothing and is left out.
          const actions = offeredActions(state, actor);
          if (actions.length === 0) return [];
          return [
            {
              ...row,
              status,
              submittedAt: submittedAt.toISOString(),
              receivedAt: iso(receivedAt),
              dueAt: iso(dueAt),
              applicantName: application.applicant.fullName,
              deliveryMethod: application.delivery.method,
              fee: state.feeNotice?.amount ?? state.procedure.feeVnd,
              apologyDue: Boolean(state.apology && !state.apology.reschedule),
              verificationPending: verificationPending(state.verification),
              // Health findings (a positive drug test, unfitness) are health data: only for the roles that decide on them.
              findings: personal ? findingsOf(state.verification) : [],
              remainingWorkingMinutes: remainingWorkingMinutesOf(state, now.getTime()),
              actions,
              etag: etagOf(revision),
            },
          ];
        }),
      };
    },
  );
};
