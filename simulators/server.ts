import Fastify, { type FastifyError } from 'fastify';
import { installFaults, type FaultControl } from './faults';
import { healthRegistry } from './health-registry';
import { paymentGateway } from './payment-gateway';
import { policeRegistry } from './police-registry';
import { postalService } from './postal-service';
import { nationalPortal } from './national-portal';
import { emailGateway, smsGateway } from './messaging';
import { createCallbackSender, type CallbackSender, type CallbackTarget } from './callbacks';

export interface Simulators {
  /** Base URL of every simulated service (registries, gateway, post, portal, SMS, e-mail), e.g. http://127.0.0.1:3100; each lives under its own prefix. */
  url: string;
  close(): Promise<void>;
  faults: FaultControl;
  /** Where the gateway and the post send their own callbacks (none until set). */
  callbacks: Pick<CallbackSender, 'setTarget'>;
}

/** The external services in one HTTP server: the dev default, the tests, the benchmarks. */
export async function startSimulators(opts: { port?: number; host?: string; callbacks?: CallbackTarget } = {}): Promise<Simulators> {
  const app = Fastify({ logger: false });

  // Fastify's own 4xx (malformed JSON, wrong content type) get the same shape as ours.
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'BAD_REQUEST', message: err.message, field: 'body' } });
    }
    return reply.status(500).send({ error: { code: 'INTERNAL', message: err.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );

  const faults = installFaults(app);
  await app.register(healthRegistry, { prefix: '/health-registry' });
  await app.register(policeRegistry, { prefix: '/police-registry' });
  const callbacks = createCallbackSender();
  callbacks.setTarget(opts.callbacks);
  app.addHook('onClose', async () => callbacks.close());
  await app.register(paymentGateway, { prefix: '/payment-gateway', callbacks });
  await app.register(postalService, { prefix: '/postal-service', callbacks });
  await app.register(nationalPortal, { prefix: '/national-portal' });
  await app.register(smsGateway, { prefix: '/sms-gateway' });
  await app.register(emailGateway, { prefix: '/email-gateway' });

  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('simulators: server has no TCP address');
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    faults,
    callbacks,
    close: () => app.close(),
  };
}
