import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/**
 * Fault injection shared by every simulator, so tests can prove retries and timeouts:
 * the next `count` requests to a service fail with 503 ('error') or hang, then 504 ('timeout').
 */

export const SERVICES = ['health-registry', 'police-registry', 'payment-gateway', 'postal-service'] as const;
export type Service = (typeof SERVICES)[number];

const faultSchema = z.object({
  service: z.enum(SERVICES),
  mode: z.enum(['error', 'timeout']),
  count: z.number().int().min(1).max(100_000),
  delayMs: z.number().int().min(0).max(120_000).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

export interface FaultControl {
  inject(fault: Fault): void;
  clear(): void;
  /** Requests each service has received, failed ones included. */
  requests(service: Service): number;
  snapshot(): { faults: Partial<Record<Service, Fault>>; requests: Record<Service, number> };
}

export function createFaultControl(): FaultControl & { take(service: Service): Fault | undefined } {
  const faults = new Map<Service, Fault>();
  const requests = Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<Service, number>;
  return {
    inject: (fault) => void faults.set(fault.service, { ...faultSchema.parse(fault) }),
    clear: () => faults.clear(),
    requests: (service) => requests[service],
    snapshot: () => ({ faults: Object.fromEntries(faults), requests: { ...requests } }),
    take(service) {
      requests[service] += 1;
      const fault = faults.get(service);
      if (!fault) return undefined;
      fault.count -= 1;
      if (fault.count <= 0) faults.delete(service);
      return fault;
    },
  };
}

/** Registers the hook that applies faults to one service's routes, and the /_control endpoints. */
export function applyFaults(
  app: FastifyInstance,
  control: ReturnType<typeof createFaultControl>,
  pending: Set<NodeJS.Timeout>,
): void {
  app.addHook('onRequest', async (request, reply) => {
    const service = SERVICES.find((s) => request.url.startsWith(`/${s}/`) || request.url === `/${s}`);
    if (!service) return;
    const fault = control.take(service);
    if (!fault) return;
    if (fault.mode === 'timeout') {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          pending.delete(t);
          resolve();
        }, fault.delayMs ?? 15_000);
        pending.add(t);
      });
      return reply.status(504).send({ error: { code: 'GATEWAY_TIMEOUT', message: `${service} timed out (simulated)` } });
    }
    return reply.status(503).send({ error: { code: 'UNAVAILABLE', message: `${service} is unavailable (simulated)` } });
  });

  app.post('/_control/faults', async (request, reply) => {
    const parsed = faultSchema.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return reply.status(400).send({ error: { code: 'BAD_REQUEST', message: issue.message, field: issue.path.join('.') } });
    }
    control.inject(parsed.data);
    return control.snapshot();
  });
  app.get('/_control/faults', async () => control.snapshot());
  app.delete('/_control/faults', async () => {
    control.clear();
    return control.snapshot();
  });
}
