import pino from 'pino';
import { z } from 'zod';
import { DEMO_CALLBACK_SECRETS } from '../service.config';
import { startSimulators } from './server';

/** `npm run simulators`: the four registries alone, for running the API and worker against them. */

const log = pino({ name: 'simulators' });
const port = z.coerce.number().int().min(0).max(65535).parse(process.env.SIMULATORS_PORT ?? 3100);
/** The API the simulated gateway and post call back (IPN, tracking events); none when unset. */
const callbackUrl = z.url().optional().parse(process.env.SIMULATORS_CALLBACK_URL || undefined);
const secrets = {
  paymentGateway: process.env.PAYMENT_GATEWAY_SECRET ?? DEMO_CALLBACK_SECRETS.paymentGateway,
  post: process.env.POSTAL_CALLBACK_SECRET ?? DEMO_CALLBACK_SECRETS.post,
  sms: process.env.SMS_CALLBACK_SECRET ?? DEMO_CALLBACK_SECRETS.sms,
};

startSimulators({ port, host: '127.0.0.1', ...(callbackUrl ? { callbacks: { serviceUrl: callbackUrl.replace(/\/$/, ''), secrets } } : {}) })
  .then((sims) => {
    log.info(
      { url: sims.url },
      `registry simulators on ${sims.url}: /health-registry, /police-registry, /payment-gateway, /postal-service; faults at /_control/faults`,
    );
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      sims.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'close failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  })
  .catch((err: unknown) => {
    log.error({ err }, 'simulators failed to start');
    process.exit(1);
  });
