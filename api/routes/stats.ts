import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { calendarSnapshot } from '../../db/calendar';
import { dossierStatistics } from '../../db/dossier-stats';
import { AGENCY_CODE } from '../../domain/application';
import { calendarDate } from '../../domain/calendar-entry';
import { vietnamDate } from '../../domain/dossier-code';
import { DAY_MS, WorkingCalendar } from '../../domain/working-time';
import { actorOf } from '../auth/plugin';
import { agenciesInScope } from '../auth/scope';

const READERS = ['supervisor', 'leader', 'admin', 'auditor', 'one_stop_officer'] as const;
const localMidnight = (date: string) => new Date(Date.parse(`${date}T00:00:00+07:00`));

export const statsRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/stats',
    {
      preHandler: app.requireActor(READERS),
      schema: {
        tags: ['statistics'],
        summary: 'QĐ 766 statistics for a period: received, finished on time and late, in progress, average working days, late list',
        querystring: z
          .object({
            agency: AGENCY_CODE.optional(),
            from: calendarDate.optional().describe('first local day of the period; default the first of this month'),
            to: calendarDate.optional().describe('last local day of the period (inclusive); default today'),
          })
          .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after to', path: ['from'] }),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { agency } = request.query;
      const now = new Date();
      const today = vietnamDate(now);
      const fromDate = request.query.from ?? `${today.slice(0, 8)}01`;
      const toDate = request.query.to ?? today;
      const from = localMidnight(fromDate);
      const to = new Date(localMidnight(toDate).getTime() + DAY_MS);
      const agencyCodes = agenciesInScope(actor, agency);
      const stats = await dossierStatistics(db, { agencyCodes, from, to, now });
      // Working days overdue are counted on each agency's own calendar.
      const calendars = new Map<string, WorkingCalendar>();
      const calendarOf = async (code: string) => {
        if (!calendars.has(code)) calendars.set(code, new WorkingCalendar(await calendarSnapshot(db, code)));
        return calendars.get(code)!;
      };
      const lateList = [];
      for (const d of stats.lateList) {
        const cal = await calendarOf(d.agencyCode);
        lateList.push({ ...d, workingDaysOverdue: Math.round((cal.workingTimeBetween(d.dueAt!.getTime(), stats.asOf.getTime()) / cal.dayWork) * 100) / 100 });
      }
      return {
        period: { from: fromDate, to: toDate, agency: agencyCodes ?? 'all' },
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
      };
    },
  );
};
