import type { FastifyInstance } from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import { z } from 'zod';
import type { Database } from '../db/client';
import { openDossierFigures } from '../db/metrics-figures';
import { outboundBacklog } from '../db/outbound-events';
import { HttpError } from './errors';

/**
 * Prometheus metrics at GET /metrics: the API's requests by route template (never the URL, which may
 * name a dossier) and status, their latency histogram (fastify-metrics, on prom-client), Node's own
 * figures, and the business gauges an operator watches: open dossiers by state and agency, late
 * dossiers, registry re-checks owed, and the access log's entries waiting for the database. Counts
 * only, no personal data; with `token` the scraper must send it as a bearer token.
 */
export async function registerMetrics(app: FastifyInstance, opts: { db: Database; token?: string }): Promise<void> {
  // One registry per process: a second app in the same process (tests) starts it afresh.
  await app.register(fastifyMetrics, {
    endpoint: null,
    clearRegisterOnInit: true,
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      registeredRoutesOnly: true,
      routeBlacklist: ['/metrics', '/health/live', '/health/ready', '/health'],
      overrides: { histogram: { name: 'gplx_http_request_duration_seconds', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] } },
    },
  });
  const client = app.metrics.client;
  const register = client.register;
  // The three gauges come from one statement: a scrape reads them together (prom-client may collect them in parallel).
  let cached: { at: number; figures: ReturnType<typeof openDossierFigures> } | undefined;
  const figures = () => {
    if (!cached || Date.now() - cached.at > 1_000) cached = { at: Date.now(), figures: openDossierFigures(opts.db) };
    return cached.figures;
  };
  new client.Gauge({
    name: 'gplx_open_dossiers',
    help: 'Open dossiers by state and agency (from the record)',
    labelNames: ['status', 'agency'],
    registers: [register],
    async collect() {
      const { byState } = await figures();
      this.reset();
      for (const f of byState) this.set({ status: f.status, agency: f.agencyCode }, f.count);
    },
  });
  new client.Gauge({
    name: 'gplx_late_dossiers',
    help: 'Open dossiers late, or past their appointment while their clock runs (domain/lateness.ts)',
    labelNames: ['agency'],
    registers: [register],
    async collect() {
      const { late } = await figures();
      this.reset();
      for (const f of late) this.set({ agency: f.agencyCode }, f.count);
    },
  });
  new client.Gauge({
    name: 'gplx_verification_rechecks_pending',
    help: 'Open dossiers with a registry check still owed',
    registers: [register],
    async collect() {
      this.set((await figures()).rechecksPending);
    },
  });
  new client.Gauge({
    name: 'gplx_access_log_backlog',
    help: 'Access-log entries spooled on disk and not yet in the database',
    registers: [register],
    collect() {
      this.set(app.accessLog.backlog());
    },
  });

  new client.Gauge({
    name: 'gplx_webhook_outbox_backlog',
    help: 'Dossier events written but not yet handed to their webhook queues (webhooks/dispatcher.ts)',
    registers: [register],
    async collect() {
      this.set(await outboundBacklog(opts.db));
    },
  });

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        response: { 200: { description: 'the metrics', content: { 'text/plain': { schema: z.string() } } } },
      },
    },
    async (request, reply) => {
      if (opts.token && request.headers.authorization !== `Bearer ${opts.token}`) {
        throw new HttpError(401, 'UNAUTHENTICATED', 'send Authorization: Bearer <METRICS_TOKEN>');
      }
      const text = await register.metrics();
      return reply.header('content-type', register.contentType).send(text);
    },
  );
}
