import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instant } from '../../domain/dossier-state-schema';
import type { Database } from '../../db/client';
import {
  CalendarConflict, CalendarNotFound, addEntry, agencyExists, calendarEntryViewSchema, calendarSnapshot, deleteEntry, getOfficeHours, listEntries,
  setOfficeHours, updateEntry,
} from '../../db/calendar';
import { AGENCY_CODE } from '../../domain/application';
import { applyCalendarChange, calendarChangeSchema, calendarPreviewSchema, dateOfChange, previewCalendarChange, type CalendarPair } from '../../domain/calendar-preview';
import { openDossierClocks } from '../../db/open-clocks';
import { calendarDate, calendarEntryPatchSchema, calendarEntrySchema, officeHoursSchema } from '../../domain/calendar-entry';
import { CALENDAR_KINDS, DEFAULT_OFFICE_HOURS, HOUR_MS, MINUTE_MS, WorkingCalendar, localIso, type DeadlineExplanation } from '../../domain/working-time';
import { actorOf, adminLevelOf } from '../auth/plugin';
import { coversAgency } from '../auth/scope';
import type { CalendarCache } from '../calendar-cache';
import { propagationProgressSchema, type CalendarPropagation } from '../calendar-propagation';
import { HttpError, errorResponse, notFound } from '../errors';

/** Whether open dossiers are being told of a change: the propagation's id, or why it did not start. */
const propagationStarted = z.object({ id: z.string().describe('follow it at GET /api/v1/calendar/propagations/{id}') });
const propagationSchema = z
  .union([
    propagationStarted,
    z.object({
      id: z.null(),
      error: z.string().describe('the change is saved, but open dossiers were not told: POST /api/v1/calendar/propagations to retry'),
    }),
  ])
  .describe('the propagation of the change to open dossiers');

const officeWindows = officeHoursSchema.shape.windows;

/** A deadline and why it falls there. */
const deadlineSchema = z.object({
  from: instant,
  start: instant.describe('when counting starts: `from`, or the next working moment after it'),
  dueAt: instant,
  dueAtLocal: z.iso.datetime({ offset: true }).describe('`dueAt` in Vietnam time (+07:00)'),
  workingMinutes: z.number().describe('the working time asked for, in minutes'),
  officeHours: officeWindows,
  explanation: z.object({
    summary: z.array(z.string()),
    days: z.array(
      z.object({
        date: z.iso.date(),
        counted: z.boolean(),
        workingMinutes: z.number().describe('of this day, counted towards the deadline'),
        reason: z.enum(['weekday', 'saturday', 'sunday', ...CALENDAR_KINDS]),
        name: z.string().optional().describe('the holiday table entry of that day, if any'),
        source: z.string().optional(),
      }) satisfies z.ZodType<DeadlineExplanation['days'][number]>,
    ),
  }),
});

const STAFF = ['one_stop_officer', 'appraiser', 'leader', 'accountant', 'supervisor', 'auditor', 'admin', 'integrator'] as const;

export const calendarRoutes: FastifyPluginAsyncZod<{ db: Database; propagation: CalendarPropagation; calendars: CalendarCache }> = async (
  app,
  { db, propagation, calendars },
) => {
  /** Starts telling open dossiers; a failure to start is reported, not fatal: the edit is saved and can be re-propagated. */
  async function propagate(change: number, cause: string, agencies: string[] | null, log: FastifyBaseLogger) {
    calendars.clear();
    try {
      return await propagation.start(change, cause, agencies);
    } catch (err) {
      log.error({ err }, 'calendar propagation did not start');
      return { id: null, error: 'the change is saved but open dossiers were not told yet; POST /api/v1/calendar/propagations to retry' };
    }
  }

  const translate = (err: unknown): never => {
    if (err instanceof CalendarConflict) throw new HttpError(400, 'DUPLICATE_DATE', err.message, 'date');
    if (err instanceof CalendarNotFound) throw notFound(err.message);
    throw err;
  };

  app.get(
    '/calendar/entries',
    {
      onRequest: app.requireActor(STAFF),
      schema: {
        tags: ['calendar'], security: [{ bearer: [] }, { apiKey: [] }],
        summary: 'The holiday table: holidays, compensatory and bridge days, make-up working Saturdays',
        querystring: z.object({ from: calendarDate.optional(), to: calendarDate.optional() }),
        response: { 200: z.object({ entries: z.array(calendarEntryViewSchema) }).describe('the dates from `from` to `to` (inclusive), in order') },
      },
    },
    async (request) => ({ entries: await listEntries(db, request.query) }),
  );

  app.post(
    '/calendar/entries',
    {
      onRequest: app.requireActor(['admin']),
      schema: {
        tags: ['calendar'],
        security: [{ bearer: [] }],
        summary: 'Add a date to the holiday table; open dossiers recompute their deadlines',
        body: calendarEntrySchema,
        response: {
          201: z.object({ entry: calendarEntryViewSchema, propagation: propagationSchema }).describe('added; open dossiers are being told'),
          400: errorResponse.describe('the request is malformed, or DUPLICATE_DATE: the date is in the table already (change it with PUT)'),
        },
      },
    },
    async (request, reply) => {
      adminLevelOf(actorOf(request), 1);
      const { entry, change } = await addEntry(db, request.body, actorOf(request).username).catch(translate);
      const cause = `${entry.kind} ${entry.date} (${entry.name}) was added to the holiday table`;
      return reply.status(201).send({ entry, propagation: await propagate(change, cause, null, request.log) });
    },
  );

  app.put(
    '/calendar/entries/:date',
    {
      onRequest: app.requireActor(['admin']),
      schema: {
        tags: ['calendar'],
        security: [{ bearer: [] }],
        summary: 'Change a date of the holiday table',
        params: z.object({ date: calendarDate }),
        body: calendarEntryPatchSchema,
        response: { 200: z.object({ entry: calendarEntryViewSchema, propagation: propagationSchema }).describe('changed; open dossiers are being told') },
      },
    },
    async (request) => {
      adminLevelOf(actorOf(request), 1);
      const { entry, change } = await updateEntry(db, request.params.date, request.body, actorOf(request).username).catch(translate);
      const cause = `${entry.date} was changed to ${entry.kind} (${entry.name}) in the holiday table`;
      return { entry, propagation: await propagate(change, cause, null, request.log) };
    },
  );

  app.delete(
    '/calendar/entries/:date',
    {
      onRequest: app.requireActor(['admin']),
      schema: {
        tags: ['calendar'],
        security: [{ bearer: [] }],
        summary: 'Remove a date from the holiday table',
        params: z.object({ date: calendarDate }),
        response: { 200: z.object({ deleted: calendarEntryViewSchema, propagation: propagationSchema }).describe('removed (the entry as it was); open dossiers are being told') },
      },
    },
    async (request) => {
      adminLevelOf(actorOf(request), 1);
      const { entry, change } = await deleteEntry(db, request.params.date, actorOf(request).username).catch(translate);
      const cause = `${entry.kind} ${entry.date} (${entry.name}) was removed from the holiday table`;
      return { deleted: entry, propagation: await propagate(change, cause, null, request.log) };
    },
  );

  app.post(
    '/calendar/preview',
    {
      onRequest: app.requireActor(['admin']),
      schema: {
        tags: ['calendar'],
        security: [{ bearer: [] }],
        summary: 'What an edit of the holiday table would do to the open dossiers, before it is made (nothing is saved)',
        description:
          'The body names one edit: `{"action":"add","entry":…}` (as POST /calendar/entries), `{"action":"change","date":…,"patch":…}` ' +
          '(as PUT /calendar/entries/{date}) or `{"action":"delete","date":…}`. Each open dossier\'s appointment is recomputed from its ' +
          'legal clock with the calendar as it is and as it would be, as the dossier itself does when told of the change.',
        body: calendarChangeSchema,
        response: {
          200: calendarPreviewSchema.describe('the appointments that would move, by how much, and which dossiers would become late'),
          400: errorResponse.describe('the request is malformed, or DUPLICATE_DATE: the date to add is in the table already'),
          404: errorResponse.describe('NOT_FOUND: the date to change or delete is not in the table'),
        },
      },
    },
    async (request) => {
      adminLevelOf(actorOf(request), 1);
      const change = request.body;
      const [entries, open] = await Promise.all([listEntries(db), openDossierClocks(db)]);
      const applied = applyCalendarChange(entries, change);
      if ('refusal' in applied) {
        const date = dateOfChange(change);
        if (applied.refusal === 'duplicate') throw new HttpError(400, 'DUPLICATE_DATE', `${date} is already in the table; change it with PUT`, 'date');
        throw notFound(`${date} is not in the table`);
      }
      // One pair of calendars per agency (its office hours), compiled once for all its dossiers.
      const pairs = new Map<string, CalendarPair | undefined>();
      for (const agency of new Set(open.map((d) => d.agencyCode))) {
        const windows = await getOfficeHours(db, agency);
        pairs.set(agency, windows ? { before: new WorkingCalendar({ entries, officeHours: windows }), after: new WorkingCalendar({ entries: applied.entries, officeHours: windows }) } : undefined);
      }
      const view = (e: { date: string; kind: (typeof CALENDAR_KINDS)[number]; name: string } | null) => (e ? { date: e.date, kind: e.kind, name: e.name } : null);
      return previewCalendarChange(open, (agency) => pairs.get(agency), Date.now(), {
        action: change.action,
        date: dateOfChange(change),
        before: view(applied.before),
        after: view(applied.after),
      });
    },
  );

  app.get(
    '/calendar/office-hours/:agency',
    {
      onRequest: app.requireActor(STAFF),
      schema: {
        tags: ['calendar'],
        security: [{ bearer: [] }, { apiKey: [] }],
        summary: "An agency's office hours",
        params: z.object({ agency: AGENCY_CODE }),
        response: { 200: z.object({ agencyCode: AGENCY_CODE, windows: officeWindows }).describe('its office hours, Monday to Friday (and make-up Saturdays), local time') },
      },
    },
    async (request) => {
      const windows = await getOfficeHours(db, request.params.agency);
      if (!windows) throw notFound(`agency ${request.params.agency}`);
      return { agencyCode: request.params.agency, windows };
    },
  );

  app.put(
    '/calendar/office-hours/:agency',
    {
      onRequest: app.requireActor(['admin']),
      schema: {
        tags: ['calendar'],
        security: [{ bearer: [] }],
        summary: "Set an agency's office hours; its open dossiers recompute",
        params: z.object({ agency: AGENCY_CODE }),
        body: officeHoursSchema,
        response: {
          200: z.object({ agencyCode: AGENCY_CODE, windows: officeWindows, propagation: propagationSchema }).describe('set; its open dossiers are being told'),
          400: errorResponse.describe('the request is malformed, or UNKNOWN_AGENCY'),
        },
      },
    },
    async (request) => {
      const { agency } = request.params;
      const actor = actorOf(request);
      // A level-2 admin sets its own agency's hours only (level 1: any agency).
      if (adminLevelOf(actor) === 2 && !coversAgency(actor, agency)) {
        throw new HttpError(403, 'FORBIDDEN', `agency: a level-2 admin sets the office hours of its own agency (${actor.agencyCode}) only`, 'agency');
      }
      if (!(await agencyExists(db, agency))) throw new HttpError(400, 'UNKNOWN_AGENCY', `agency: no agency ${agency}`, 'agency');
      const { change } = await setOfficeHours(db, agency, request.body.windows, actorOf(request).username);
      const cause = `the office hours of ${agency} changed to ${request.body.windows.map((w) => `${w.start}–${w.end}`).join(', ')}`;
      return { agencyCode: agency, windows: request.body.windows, propagation: await propagate(change, cause, [agency], request.log) };
    },
  );

  app.post(
    '/calendar/propagations',
    {
      onRequest: app.requireActor(['admin']),
      schema: {
        tags: ['calendar'],
        security: [{ bearer: [] }],
        summary: 'Tell every open dossier to reload the calendar (after a propagation failed to start)',
        response: { 202: propagationStarted.describe('started: open dossiers are being told') },
      },
    },
    async (request, reply) => {
      adminLevelOf(actorOf(request), 1);
      const changeId = Date.now();
      return reply.status(202).send(await propagation.start(changeId, 'the calendar was re-propagated by an administrator', null).catch((err: unknown) => {
        request.log.error({ err }, 'propagation failed');
        throw new HttpError(503, 'DEPENDENCY_UNAVAILABLE', 'the workflow service is unavailable; retry later');
      }));
    },
  );

  app.get(
    '/calendar/propagations/:id',
    {
      onRequest: app.requireActor(STAFF),
      schema: {
        tags: ['calendar'],
        security: [{ bearer: [] }, { apiKey: [] }],
        summary: 'How far a calendar change has reached the open dossiers',
        params: z.object({ id: z.string().regex(/^calendar-change-\d+$/) }),
        response: { 200: propagationProgressSchema.describe('its progress') },
      },
    },
    async (request) => propagation.progress(request.params.id),
  );

  app.get(
    '/calendar/deadline',
    {
      onRequest: app.requireActor(STAFF),
      schema: {
        tags: ['calendar'], security: [{ bearer: [] }, { apiKey: [] }],
        summary: 'A deadline in working time from an instant, with the explanation (days skipped, Saturdays counted)',
        querystring: z
          .object({
            from: z.iso.datetime({ offset: true, message: 'an ISO 8601 instant with its offset, e.g. 2026-02-13T10:00:00+07:00' }),
            workingDays: z.coerce.number().min(0, 'must not be negative').max(1000).optional(),
            workingHours: z.coerce.number().min(0, 'must not be negative').max(10000).optional(),
            agency: AGENCY_CODE.optional(),
          })
          .refine((q) => q.workingDays !== undefined || q.workingHours !== undefined, {
            message: 'give workingDays or workingHours (or both)',
            path: ['workingDays'],
          }),
        response: {
          200: deadlineSchema.describe('the deadline, and each day from the start to it, counted or skipped'),
          400: errorResponse.describe('the request is malformed, or UNKNOWN_AGENCY'),
        },
      },
    },
    async (request) => {
      const { from, workingDays = 0, workingHours = 0, agency } = request.query;
      let snapshot;
      if (agency) {
        if (!(await agencyExists(db, agency))) throw new HttpError(400, 'UNKNOWN_AGENCY', `agency: no agency ${agency}`, 'agency');
        snapshot = await calendarSnapshot(db, agency);
      } else {
        snapshot = { version: 'national', entries: await listEntries(db), officeHours: DEFAULT_OFFICE_HOURS };
      }
      const cal = new WorkingCalendar(snapshot);
      const amount = Math.round(workingDays * cal.dayWork + workingHours * HOUR_MS);
      const e = cal.explain(Date.parse(from), amount);
      return {
        from: new Date(from).toISOString(),
        start: new Date(e.start).toISOString(),
        dueAt: new Date(e.dueAt).toISOString(),
        dueAtLocal: localIso(e.dueAt),
        workingMinutes: amount / MINUTE_MS,
        officeHours: snapshot.officeHours,
        explanation: { summary: e.summary, days: e.days },
      };
    },
  );
};
