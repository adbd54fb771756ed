import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { createActivities, registryUrlsFrom, type RegistryUrls } from '../activities';
import { createAccountDirectory } from '../api/auth/accounts';
import { buildApp } from '../api/app';
import { LOG_REDACTION, apiLoggerOptions } from '../api/logging';
import { openDatabase } from '../db/client';
import { accountPolicyOf, callbackSecretsOf, loadServiceConfig, webhookUrlPolicyOf, publicBaseUrlOf, recheckScheduleOf } from '../service.config';
import { startSimulators } from '../simulators/server';
import { loadTemporalConfig } from '../temporal.config';
import { serviceClient } from '../temporal/client';
import { connectTemporal, connectTemporalWorker } from '../temporal/connection';
import { promoteWorkerVersion } from '../temporal/worker-deployment';
import { loadSigningKeyring } from '../temporal/action-signing';
import { serviceDataConverter, workerDataConverter } from '../temporal/data-converter';
import { loadPayloadKeyring } from '../temporal/payload-keys';
import { createOutboundWorker, createWorker } from '../workers/create-worker';
import { bundleSource, workerBuildId } from '../temporal/workflow-bundle';
import { startHistoryArchiver } from '../audit/history-archiver';
import { startWebhookDispatcher } from '../webhooks/dispatcher';
import { secureDataDir } from './data-dir';
import { startTemporalDevServer } from './temporal-dev-server';

/**
 * The embedded default: everything on one machine, in order, each step waiting for the one before
 * to be ready. Whatever the environment points elsewhere (TEMPORAL_ADDRESS, DATABASE_URL,
 * REGISTRIES_URL) is used instead of starting our own.
 */
async function main(): Promise<void> {
  const config = loadServiceConfig();
  const temporal = loadTemporalConfig();
  const logger = pino({ level: config.LOG_LEVEL, redact: LOG_REDACTION });
  const log = (m: string) => logger.info(m);
  const stops: (() => Promise<void>)[] = [];
  // Before anything writes there: the data directory is private to the service's user.
  secureDataDir(path.resolve(config.DATA_DIR));
  // Before anything starts: without its keys the service must not run (nor write clear text to Temporal).
  const keyring = loadPayloadKeyring(config);
  const signing = loadSigningKeyring(config);

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        logger.error({ err }, 'error while shutting down');
      }
    }
    log('stopped');
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (!temporal.externalAddress) {
    const server = await startTemporalDevServer(temporal, log, { codecEndpoint: `http://${config.HOST}:${config.PORT}/codec` });
    stops.push(() => server.stop());
  }

  const database = await openDatabase({
    ...(config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: path.resolve(config.DATA_DIR, 'pglite') }),
    demoAgencies: config.NODE_ENV !== 'production',
  });
  stops.push(() => database.close());
  log(`database ready: ${database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.DATA_DIR}/pglite`}`);

  let registries: RegistryUrls;
  if (config.REGISTRIES_URL) {
    registries = registryUrlsFrom(config.REGISTRIES_URL);
  } else {
    // The gateway and the post call the API back by themselves (IPN, tracking events), so the whole loop runs here.
    const simulators = await startSimulators({
      port: config.SIMULATORS_PORT,
      callbacks: { serviceUrl: `http://${config.HOST}:${config.PORT}`, secrets: callbackSecretsOf(config) },
    });
    stops.push(() => simulators.close());
    registries = registryUrlsFrom(simulators.url);
    log(`registry simulators ready on ${simulators.url}`);
  }
  registries = {
    healthRegistry: config.HEALTH_REGISTRY_URL ?? registries.healthRegistry,
    policeRegistry: config.POLICE_REGISTRY_URL ?? registries.policeRegistry,
    paymentGateway: config.PAYMENT_GATEWAY_URL ?? registries.paymentGateway,
    postalService: config.POSTAL_SERVICE_URL ?? registries.postalService,
    nationalPortal: config.NATIONAL_PORTAL_URL ?? registries.nationalPortal,
    smsGateway: config.SMS_GATEWAY_URL ?? registries.smsGateway,
    emailGateway: config.EMAIL_GATEWAY_URL ?? registries.emailGateway,
  };

  const connection = await connectTemporal(temporal);
  stops.push(() => connection.close());
  const client = serviceClient(connection, temporal.namespace, keyring);
  const nativeConnection = await connectTemporalWorker(temporal);
  const buildId = await workerBuildId();
  const versioning = temporal.versioning.enabled ? { deploymentName: temporal.versioning.deploymentName, buildId } : undefined;
  const workerOptions = {
    connection: nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    activities: createActivities({ db: database.db, registries, temporal: client, webhookUrls: webhookUrlPolicyOf(config), publicBaseUrl: publicBaseUrlOf(config) }),
    dataConverter: workerDataConverter(keyring, signing),
    ...(temporal.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: temporal.maxCachedWorkflows } : {}),
    ...(versioning ? { versioning } : {}),
  };
  const worker = await createWorker(workerOptions);
  const outboundWorker = await createOutboundWorker(workerOptions);
  const running = Promise.all([worker.run(), outboundWorker.run()]);
  stops.push(async () => {
    // Drains: in-flight tasks finish, no new ones are taken.
    worker.shutdown();
    outboundWorker.shutdown();
    await running;
    await nativeConnection.close();
  });
  log(`worker polling task queue ${temporal.taskQueue} (workflow bundle: ${bundleSource()})`);

  if (versioning) {
    // One worker on one machine: its build is the current one, whatever ran before (unless told otherwise).
    const promote = process.env.TEMPORAL_PROMOTE ? temporal.versioning.promote : 'always';
    const promotion = await promoteWorkerVersion(connection, { namespace: temporal.namespace, ...versioning, promote });
    log(`worker deployment ${versioning.deploymentName}, build ${buildId}${promotion.promoted ? ': now current' : ''}`);
  }
  // Closed dossiers' histories go to the database before Temporal's retention (24 h here) drops them.
  const archiver = startHistoryArchiver({ client, db: database.db, fallbackBuildId: buildId, dataConverter: serviceDataConverter(keyring), log: { info: log, warn: (m) => logger.warn(m) } });
  stops.push(() => archiver.stop());
  const dispatcher = startWebhookDispatcher({
    client,
    db: database.db,
    taskQueue: temporal.taskQueue,
    ...(config.WEBHOOK_RETRY_SCHEDULE_MS ? { scheduleMs: config.WEBHOOK_RETRY_SCHEDULE_MS } : {}),
    log: { warn: (m) => logger.warn(m) },
  });
  stops.push(() => dispatcher.stop());
  const demo = config.NODE_ENV !== 'production';
  const app = await buildApp({
    client,
    keyring,
    signing,
    db: database.db,
    taskQueue: temporal.taskQueue,
    // Accounts live in the database; outside production the demo accounts are seeded there.
    accounts: createAccountDirectory({
      demo,
      demoPassword: config.DEMO_PASSWORD,
      demoIntegratorKey: config.DEMO_INTEGRATOR_KEY,
      policy: accountPolicyOf(config),
    }),
    // A fresh secret per run in development: tokens do not outlive the process.
    jwtSecret: config.JWT_SECRET ?? randomBytes(32).toString('hex'),
    publicBaseUrl: publicBaseUrlOf(config),
    // Our own dev server's Web UI (the cookie of a login at the same host reaches the codec endpoint).
    temporalUiOrigins: [
      ...config.TEMPORAL_UI_ORIGINS,
      ...(temporal.externalAddress ? [] : [`http://127.0.0.1:${temporal.devServer.uiPort}`, `http://localhost:${temporal.devServer.uiPort}`]),
    ],
    logger: apiLoggerOptions(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
    trustProxy: config.TRUST_PROXY,
    verificationRecheck: recheckScheduleOf(config),
    callbackSecrets: callbackSecretsOf(config),
    webhookUrls: webhookUrlPolicyOf(config),
    ...(config.WEBHOOK_RETRY_SCHEDULE_MS ? { webhookRetryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE_MS } : {}),
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
    accessLogSpoolDir: config.ACCESS_LOG_SPOOL_DIR ?? path.resolve(config.DATA_DIR, 'access-log-spool'),
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  stops.push(() => app.close());

  const base = `http://${config.HOST}:${config.PORT}`;
  console.log(`
  GPLX renewal service is running
    Web console     ${base}/console/   (public lookup: ${base}/tra-cuu)
    API             ${base}/api/v1
    OpenAPI         ${base}/docs   (JSON: ${base}/docs/json)
    Temporal Web UI ${temporal.externalAddress ? '(external cluster)' : `http://127.0.0.1:${temporal.devServer.uiPort}   (payloads encrypted; decoded for auditors: docs/personal-data-in-temporal.md)`}
    Temporal        ${temporal.address}  namespace ${temporal.namespace}
${demo ? `  Demo accounts (password "${config.DEMO_PASSWORD}"): motcua (one-stop officer), thamdinh, thamdinh2 (appraisers),
    lanhdao (leader), ketoan (accountant), giamsat (supervisor), kiemtoan (auditor),
    quantri (level-1 admin), quantri2 (level-2 admin of 000.00.01.H22), motcua-khac (one-stop officer of 000.00.02.H22)
  Integrator key: X-API-Key: ${config.DEMO_INTEGRATOR_KEY}` : '  NODE_ENV=production: no demo accounts (create the first admin with: npx tsx scripts/create-admin.ts)'}
  Ctrl-C stops everything.
`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
