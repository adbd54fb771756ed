import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { dossiersByStatus, onTimeSeries } from '../../db/dashboard-stats';
import { AGENCY_CODE } from '../../domain/application';
import { calendarDate } from '../../domain/calendar-entry';
import { vietnamDate } from '../../domain/dossier-code';
import { DOSSIER_STATUSES } from '../../domain/dossier-status';
import { DAY_MS } from '../../domain/working-time';
import { actorOf } from '../auth/plugin';
import { agenciesInScope } from '../auth/scope';
import { count, statsPeriod } from './stats';

const READERS = ['supervisor', 'leader', 'admin', 'auditor', 'one_stop_officer'] as const;
const localMidnight = (date: string) => new Date(Date.parse(`${date}T00:00:00+07:00`));

const periodFields = z.object({
  agency: AGENCY_CODE.optional(),
  from: calendarDate.optional().describe('first local day; default the first of this month (by-status) or of this year (on-time)'),
  to: calendarDate.optional().describe('last local day (inclusive); default today'),
});
const inOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
const period = periodFields.refine(inOrder, { message: 'must not be after to', path: ['from'] });

const byStatus = z.object({
  period: statsPeriod,
  byStatus: z.array(z.object({ status: z.enum(DOSSIER_STATUSES), count })).describe('every state, zeros included, in lifecycle order'),
});
const onTime = z.object({
  period: statsPeriod.extend({ bucket: z.enum(['month', 'week']) }),
  series: z
    .array(
      z.object({
        agencyCode: AGENCY_CODE,
        bucket: calendarDate.describe('the first local day of the month or (ISO) week'),
        finished: count,
        onTime: count,
        onTimeRate: z.number().min(0).max(1).nullable(),
      }),
    )
    .describe('per bucket, then agency: only buckets in which something finished'),
});

/** The series behind the dashboard's charts; the figures themselves are GET /stats. */
export const dashboardRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/stats/by-status',
    {
      onRequest: app.requireActor(READERS),
      schema: {
        tags: ['statistics'],
        summary: 'Dossiers by state: every open dossier, and those closed within the period',
        security: [{ bearer: [] }],
        querystring: period,
        response: { 200: byStatus.describe('dossiers by state') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const today = vietnamDate(new Date());
      const from = request.query.from ?? `${today.slice(0, 8)}01`;
      const to = request.query.to ?? today;
      const agencyCodes = agenciesInScope(actor, request.query.agency);
      const rows = await dossiersByStatus(db, { agencyCodes, from: localMidnight(from), to: new Date(localMidnight(to).getTime() + DAY_MS) });
      const counts = new Map(rows.map((r) => [r.status, r.count]));
      return {
        period: { from, to, agency: agencyCodes ?? ('all' as const) },
        // Every state, zeros included, in lifecycle order: a chart's bars keep their places as numbers change.
        byStatus: DOSSIER_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 })),
      };
    },
  );

  app.get(
    '/stats/on-time',
    {
      onRequest: app.requireActor(READERS),
      schema: {
        tags: ['statistics'],
        summary: 'On-time rate per agency and month (or week) over a period (QĐ 766)',
        security: [{ bearer: [] }],
        querystring: periodFields
          .extend({ bucket: z.enum(['month', 'week']).default('month') })
          .refine(inOrder, { message: 'must not be after to', path: ['from'] }),
        response: { 200: onTime.describe('the on-time series') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const today = vietnamDate(new Date());
      const from = request.query.from ?? `${today.slice(0, 4)}-01-01`;
      const to = request.query.to ?? today;
      const agencyCodes = agenciesInScope(actor, request.query.agency);
      const rows = await onTimeSeries(db, {
        agencyCodes,
        from: localMidnight(from),
        to: new Date(localMidnight(to).getTime() + DAY_MS),
        bucket: request.query.bucket,
      });
      return {
        period: { from, to, agency: agencyCodes ?? ('all' as const), bucket: request.query.bucket },
        series: rows.map((r) => ({ ...r, onTimeRate: r.finished > 0 ? Math.round((r.onTime / r.finished) * 10_000) / 10_000 : null })),
      };
    },
  );
};
