import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../db/client';
import { accountPolicyOf, callbackSecretsOf, loadServiceConfig, webhookUrlPolicyOf, publicBaseUrlOf, recheckScheduleOf } from '../service.config';
import { loadTemporalConfig } from '../temporal.config';
import { serviceClient } from '../temporal/client';
import { connectTemporal } from '../temporal/connection';
import { loadSigningKeyring } from '../temporal/action-signing';
import { loadPayloadKeyring } from '../temporal/payload-keys';
import { createAccountDirectory } from './auth/accounts';
import { buildApp } from './app';
import { apiLoggerOptions } from './logging';

/** The API as its own process, for production. */
async function main(): Promise<void> {
  const config = loadServiceConfig();
  const temporal = loadTemporalConfig();
  const keyring = loadPayloadKeyring(config);
  const signing = loadSigningKeyring(config);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required (PGlite runs only inside the embedded default, npm start)');
  // Production seeds no demo agency: its own are created through the admin API.
  const database = await openDatabase({ url: config.DATABASE_URL, demoAgencies: config.NODE_ENV !== 'production' });
  const connection = await connectTemporal(temporal);
  const app = await buildApp({
    client: serviceClient(connection, temporal.namespace, keyring),
    keyring,
    signing,
    db: database.db,
    taskQueue: temporal.taskQueue,
    accounts: createAccountDirectory({
      demo: config.NODE_ENV !== 'production',
      demoPassword: config.DEMO_PASSWORD,
      demoIntegratorKey: config.DEMO_INTEGRATOR_KEY,
      policy: accountPolicyOf(config),
    }),
    jwtSecret: config.JWT_SECRET ?? randomBytes(32).toString('hex'),
    publicBaseUrl: publicBaseUrlOf(config),
    temporalUiOrigins: config.TEMPORAL_UI_ORIGINS,
    logger: apiLoggerOptions(config.LOG_LEVEL),
    trustProxy: config.TRUST_PROXY,
    verificationRecheck: recheckScheduleOf(config),
    callbackSecrets: callbackSecretsOf(config),
    webhookUrls: webhookUrlPolicyOf(config),
    ...(config.WEBHOOK_RETRY_SCHEDULE_MS ? { webhookRetryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE_MS } : {}),
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
    accessLogSpoolDir: config.ACCESS_LOG_SPOOL_DIR ?? path.resolve(config.DATA_DIR, 'access-log-spool'),
  });
  const close = async () => {
    await app.close();
    await connection.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
  await app.listen({ host: config.HOST, port: config.PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
