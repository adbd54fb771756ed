import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseOr400 } from './validation';

/**
 * Fault injection shared by the four simulators, so tests and demos can prove that retries and
 * timeouts behave: the next `count` requests to one service fail.
 *   POST   /_control/faults { service, mode: 'error'|'timeout', count, delayMs? } → 200 snapshot
 *          'error' answers 503; 'timeout' holds the request delayMs (default 15000), then answers 504.
 *   GET    /_control/faults → { faults: { [service]: { mode, count, delayMs? } }, requests: { [service]: n } }
 *   DELETE /_control/faults → clears every fault (request counters keep counting), → snapshot
 * `requests` counts every request a service received, failed ones included, so a test can show
 * that a client really retried.
 */

export const SERVICES = ['health-registry', 'police-registry', 'payment-gateway', 'postal-service', 'national-portal', 'sms-gateway', 'email-gateway'] as const;
export type Service = (typeof SERVICES)[number];

export const DEFAULT_TIMEOUT_DELAY_MS = 15_000;

const faultSchema = z.object({
  service: z.enum(SERVICES),
  mode: z.enum(['error', 'timeout']),
  count: z.number().int().min(1).max(100_000),
  delayMs: z.number().int().min(0).max(120_000).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

export interface FaultSnapshot {
  faults: Partial<Record<Service, Omit<Fault, 'service'>>>;
  requests: Record<Service, number>;
}

export interface FaultControl {
  /** Replaces any fault already set for that service. Throws on an invalid fault. */
  inject(fault: Fault): void;
  clear(): void;
  requests(service: Service): number;
  snapshot(): FaultSnapshot;
}

interface FaultState extends FaultControl {
  /** Counts one request to the service and returns the fault it must suffer, if any. */
  take(service: Service): Omit<Fault, 'service' | 'count'> | undefined;
}

function createFaultState(): FaultState {
  const faults = new Map<Service, Omit<Fault, 'service'>>();
  const requests = Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<Service, number>;
  return {
    inject(fault) {
      const { service, ...rest } = faultSchema.parse(fault);
      faults.set(service, rest);
    },
    clear: () => faults.clear(),
    requests: (service) => requests[service],
    snapshot: () => ({
      faults: Object.fromEntries([...faults].map(([s, f]) => [s, { ...f }])),
      requests: { ...requests },
    }),
    take(service) {
      requests[service] += 1;
      const fault = faults.get(service);
      if (!fault) return undefined;
      fault.count -= 1;
      if (fault.count <= 0) faults.delete(service);
      return { mode: fault.mode, ...(fault.delayMs === undefined ? {} : { delayMs: fault.delayMs }) };
    },
  };
}

function serviceOf(url: string): Service | undefined {
  const first = url.split('?')[0]!.split('/')[1];
  return SERVICES.find((s) => s === first);
}

/** Installs fault injection and its /_control routes on the app; returns the programmatic control. */
export function installFaults(app: FastifyInstance): FaultControl {
  const state = createFaultState();
  // Requests held by 'timeout' faults. Closing answers them at once: a held request would
  // otherwise keep its connection, and so app.close(), waiting for the whole delay.
  const held = new Map<NodeJS.Timeout, () => void>();

  app.addHook('onRequest', async (request, reply) => {
    const service = serviceOf(request.url);
    if (!service) return;
    const fault = state.take(service);
    if (!fault) return;
    if (fault.mode === 'error') {
      return reply.status(503).send({ error: { code: 'UNAVAILABLE', message: `${service} is unavailable (simulated fault)` } });
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        held.delete(timer);
        resolve();
      }, fault.delayMs ?? DEFAULT_TIMEOUT_DELAY_MS);
      held.set(timer, resolve);
    });
    return reply.status(504).send({ error: { code: 'GATEWAY_TIMEOUT', message: `${service} timed out (simulated fault)` } });
  });

  app.addHook('preClose', async () => {
    for (const [timer, release] of held) {
      clearTimeout(timer);
      release();
    }
    held.clear();
  });

  app.post('/_control/faults', async (request, reply) => {
    const fault = parseOr400(faultSchema, request.body, reply);
    if (!fault) return reply;
    state.inject(fault);
    return state.snapshot();
  });
  app.get('/_control/faults', async () => state.snapshot());
  app.delete('/_control/faults', async () => {
    state.clear();
    return state.snapshot();
  });

  const { inject, clear, requests, snapshot } = state;
  return { inject, clear, requests, snapshot };
}
