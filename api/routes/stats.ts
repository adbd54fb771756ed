import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { calendarSnapshot } from '../../db/calendar';
import { dossierStatistics } from '../../db/dossier-stats';
import { feedbackSummary } from '../../db/citizen-feedback';
import { AGENCY_CODE } from '../../domain/application';
import { calendarDate } from '../../domain/calendar-entry';
import { DOSSIER_CODE_PATTERN, vietnamDate } from '../../domain/dossier-code';
import { instant } from '../../domain/dossier-state-schema';
import { DOSSIER_STATUSES } from '../../domain/dossier-status';
import { DAY_MS, WorkingCalendar } from '../../domain/working-time';
import { actorOf } from '../auth/plugin';
import { agenciesInScope } from '../auth/scope';

const READERS = ['supervisor', 'leader', 'admin', 'auditor', 'one_stop_officer'] as const;
const localMidnight = (date: string) => new Date(Date.parse(`${date}T00:00:00+07:00`));

/**
 * How long one answer serves every identical request (same agency scope and period), so figures may
 * be up to this old. A dashboard polled by many officers then costs one query per period every few
 * seconds, and concurrent identical requests wait for the same query. Why: on the embedded PGlite
 * every query runs on the API's own event loop, and a period's statistics read every row received or
 * finished in it (about 2,000 a month per agency at 100,000 a year: ~20 ms) during which no lookup is
 * answered; at 10 such calls a second that alone breaks the lookups' 20 ms p99 (bench/records).
 */
export const STATS_FRESH_MS = 5_000;
const CACHED_ANSWERS = 256;

/** A number of dossiers. */
export const count = z.number().int().min(0);
/** The period a figure covers, as the caller asked for it (or its defaults), and whose agencies. */
export const statsPeriod = z.object({
  from: calendarDate,
  to: calendarDate,
  agency: z.union([z.array(AGENCY_CODE), z.literal('all')]).describe('the agencies counted: those in the caller’s scope, or `all`'),
});

/** The figures of QĐ 766 for a period (one schema for the handler, the response check and the document). */
const statistics = z.object({
  period: statsPeriod,
  received: count,
  inProgress: count.describe('received by the end of the period and not finished within it'),
  finished: count,
  lateInProgress: count,
  lateFinished: count,
  onTimeRate: z.number().min(0).max(1).nullable().describe('finished on time ÷ finished; null when nothing finished'),
  averageProcessingWorkingDays: z.number().nullable().describe('null when nothing finished'),
  byChannel: z.object({ online: count, direct: count, post: count }),
  paidOnline: count,
  supplemented: count,
  refused: count,
  lateList: z
    .array(
      z.object({
        reference: z.string().describe('the submission reference (SUB-…)'),
        code: z.string().regex(DOSSIER_CODE_PATTERN).nullable(),
        agencyCode: AGENCY_CODE,
        status: z.enum(DOSSIER_STATUSES).nullable(),
        dueAt: instant,
        assignee: z.string().nullable(),
        workingDaysOverdue: z.number(),
      }),
    )
    .describe('the dossiers late at the end of the period (at most 200), the longest overdue first'),
  feedback: z
    .object({
      count: count.describe('ratings given in the period'),
      averageRating: z.number().min(1).max(5).nullable().describe('null when nobody rated'),
      distribution: z.object({ 1: count, 2: count, 3: count, 4: count, 5: count }).describe('how many ratings of each value'),
    })
    .describe('citizens’ ratings of their delivered dossiers given in the period (seed 004 art. 3.2b)'),
});
type Statistics = z.infer<typeof statistics>;

/** Single flight with a short freshness: an answer (or the query computing it) is shared for `freshMs`; failures are not kept. */
function sharedAnswers<T>(freshMs: number, max: number) {
  const answers = new Map<string, { at: number; answer: Promise<T> }>();
  return (key: string, compute: () => Promise<T>): Promise<T> => {
    const now = Date.now();
    const kept = answers.get(key);
    if (kept && now - kept.at < freshMs) return kept.answer;
    answers.delete(key);
    if (answers.size >= max) {
      for (const [k, a] of answers) if (now - a.at >= freshMs) answers.delete(k);
      // Still full of fresh answers (many distinct periods at once): drop the oldest.
      if (answers.size >= max) answers.delete(answers.keys().next().value!);
    }
    const answer = compute();
    answers.set(key, { at: now, answer });
    void answer.catch(() => {
      if (answers.get(key)?.answer === answer) answers.delete(key);
    });
    return answer;
  };
}

export const statsRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  const shared = sharedAnswers<Statistics>(STATS_FRESH_MS, CACHED_ANSWERS);

  async function statisticsOf(agencyCodes: string[] | undefined, fromDate: string, toDate: string, now: Date): Promise<Statistics> {
    const from = localMidnight(fromDate);
    const to = new Date(localMidnight(toDate).getTime() + DAY_MS);
    const [stats, feedback] = await Promise.all([dossierStatistics(db, { agencyCodes, from, to, now }), feedbackSummary(db, { agencyCodes, from, to })]);
    // Working days overdue are counted on each agency's own calendar.
    const calendars = new Map<string, WorkingCalendar>();
    const calendarOf = async (code: string) => {
      if (!calendars.has(code)) calendars.set(code, new WorkingCalendar(await calendarSnapshot(db, code)));
      return calendars.get(code)!;
    };
    const lateList = [];
    for (const d of stats.lateList) {
      const cal = await calendarOf(d.agencyCode);
      const dueAt = d.dueAt!; // the late list reads rows with `due_at < asOf` only
      lateList.push({ ...d, dueAt: dueAt.toISOString(), workingDaysOverdue: Math.round((cal.workingTimeBetween(dueAt.getTime(), stats.asOf.getTime()) / cal.dayWork) * 100) / 100 });
    }
    return {
      period: { from: fromDate, to: toDate, agency: agencyCodes ?? ('all' as const) },
      received: stats.received,
      inProgress: stats.inProgress,
      finished: stats.finished,
      lateInProgress: stats.lateInProgress,
      lateFinished: stats.lateFinished,
      onTimeRate: stats.finished > 0 ? Math.round((stats.finishedOnTime / stats.finished) * 10_000) / 10_000 : null,
      averageProcessingWorkingDays: stats.averageWorkingDays === null ? null : Math.round(Number(stats.averageWorkingDays) * 100) / 100,
      byChannel: { online: stats.online, direct: stats.direct, post: stats.post },
      paidOnline: stats.paidOnline,
      supplemented: stats.supplemented,
      refused: stats.refused,
      lateList,
      feedback,
    };
  }

  app.get(
    '/stats',
    {
      onRequest: app.requireActor(READERS),
      schema: {
        security: [{ bearer: [] }],
        tags: ['statistics'],
        summary: 'QĐ 766 statistics for a period: received, finished on time and late, in progress, average working days, late list',
        description: `Figures may be up to ${STATS_FRESH_MS / 1000} s old: one answer serves every identical request (same agency scope and period) for that long.`,
        querystring: z
          .object({
            agency: AGENCY_CODE.optional(),
            from: calendarDate.optional().describe('first local day of the period; default the first of this month'),
            to: calendarDate.optional().describe('last local day of the period (inclusive); default today'),
          })
          .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after to', path: ['from'] }),
        response: { 200: statistics.describe('the figures of the period') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { agency } = request.query;
      const now = new Date();
      const today = vietnamDate(now);
      const fromDate = request.query.from ?? `${today.slice(0, 8)}01`;
      const toDate = request.query.to ?? today;
      const agencyCodes = agenciesInScope(actor, agency);
      const key = JSON.stringify([agencyCodes ? [...agencyCodes].sort() : null, fromDate, toDate]);
      return shared(key, () => statisticsOf(agencyCodes, fromDate, toDate, now));
    },
  );
};
