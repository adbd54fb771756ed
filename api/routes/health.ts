import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ping, type Database } from '../../db/client';

/**
 * Probes for an orchestrator (systemd, Kubernetes, a load balancer): `live` says the process answers,
 * `ready` that it can serve, naming the dependency that is down. No login and no access-log entry
 * (they show nothing of anyone's dossier, and are polled every few seconds).
 */
const DEPENDENCY_TIMEOUT_MS = 2_000;
const dependencyState = z.enum(['up', 'down']);
const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  dependencies: z.object({ temporal: dependencyState, database: dependencyState }),
  errors: z.record(z.string(), z.string()).optional().describe('why each dependency that is down is down'),
});

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

export const healthRoutes: FastifyPluginAsyncZod<{ client: Client; db: Database }> = async (app, { client, db }) => {
  app.get(
    '/health/live',
    { schema: { tags: ['health'], summary: 'The process is up and answering', response: { 200: z.object({ status: z.literal('live') }) } } },
    async () => ({ status: 'live' as const }),
  );

  const ready = async (_request: unknown, reply: { status(code: number): unknown; header(name: string, value: string): unknown }) => {
    const [temporal, database] = await Promise.allSettled([
      within(DEPENDENCY_TIMEOUT_MS, client.workflowService.getSystemInfo({})),
      within(DEPENDENCY_TIMEOUT_MS, ping(db)),
    ]);
    const errors: Record<string, string> = {};
    if (temporal.status === 'rejected') errors.temporal = String((temporal.reason as Error)?.message ?? temporal.reason).slice(0, 200);
    if (database.status === 'rejected') errors.database = String((database.reason as Error)?.message ?? database.reason).slice(0, 200);
    const up = Object.keys(errors).length === 0;
    if (!up) {
      reply.status(503);
      reply.header('retry-after', '5');
    }
    return {
      status: up ? ('ready' as const) : ('unavailable' as const),
      dependencies: { temporal: errors.temporal ? ('down' as const) : ('up' as const), database: errors.database ? ('down' as const) : ('up' as const) },
      ...(up ? {} : { errors }),
    };
  };
  const readySchema = {
    tags: ['health'],
    summary: 'Temporal and the database answer (503 naming the one that does not)',
    response: { 200: readiness, 503: readiness.describe('a dependency is down: which, and why') },
  };
  app.get('/health/ready', { schema: readySchema }, ready);
  // The address the console and older probes know.
  app.get('/health', { schema: { ...readySchema, hide: true } }, ready);
};
