import Fastify from 'fastify';
import { applyFaults, createFaultControl, type FaultControl } from './faults';
import { healthRegistry } from './health-registry';
import { paymentGateway } from './payment-gateway';
import { policeRegistry } from './police-registry';
import { postalService } from './postal-service';

/** The four external services in one HTTP server, for the embedded default and the tests. */
export async function startSimulators(opts: { port?: number; host?: string } = {}): Promise<{
  url: string;
  close(): Promise<void>;
  faults: FaultControl;
}> {
  const app = Fastify({ logger: false });
  const faults = createFaultControl();
  const pending = new Set<NodeJS.Timeout>();
  applyFaults(app, faults, pending);
  await app.register(healthRegistry, { prefix: '/health-registry' });
  await app.register(policeRegistry, { prefix: '/police-registry' });
  await app.register(paymentGateway, { prefix: '/payment-gateway' });
  await app.register(postalService, { prefix: '/postal-service' });
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://${host}:${port}`,
    faults,
    async close() {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      await app.close();
    },
  };
}
