import { Runtime } from '@temporalio/worker';
import { createActivities, registryUrlsFrom } from '../activities';
import { openDatabase } from '../db/client';
import { loadServiceConfig, publicBaseUrlOf, webhookUrlPolicyOf } from '../service.config';
import { startWebhookDispatcher } from '../webhooks/dispatcher';
import { loadTemporalConfig } from '../temporal.config';
import { serviceClient } from '../temporal/client';
import { loadSigningKeyring } from '../temporal/action-signing';
import { serviceDataConverter, workerDataConverter } from '../temporal/data-converter';
import { loadPayloadKeyring } from '../temporal/payload-keys';
import { bundleSource, workerBuildId } from '../temporal/workflow-bundle';
import { createOutboundWorker, createWorker } from './create-worker';
import { startHistoryArchiver } from '../audit/history-archiver';
import { bootstrapTemporal, retentionSeconds } from '../temporal/bootstrap';
import { connectTemporal, connectTemporalWorker } from '../temporal/connection';
import { promoteWorkerVersion } from '../temporal/worker-deployment';

/** The worker as its own process, for production: TEMPORAL_ADDRESS, DATABASE_URL and the registry URLs come from the environment. */
async function main(): Promise<void> {
  const config = loadServiceConfig();
  const temporal = loadTemporalConfig();
  // Before any connection: the SDK's runtime is configured once per process.
  if (config.METRICS_ADDRESS) Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: config.METRICS_ADDRESS } } } });
  const keyring = loadPayloadKeyring(config);
  const signing = loadSigningKeyring(config);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required (PGlite runs only inside the embedded default, npm start)');
  const base = config.REGISTRIES_URL ? registryUrlsFrom(config.REGISTRIES_URL) : undefined;
  const pick = (specific: string | undefined, fallback: string | undefined, name: string) => {
    const url = specific ?? fallback;
    if (!url) throw new Error(`${name} or REGISTRIES_URL is required`);
    return url;
  };
  const registries = {
    healthRegistry: pick(config.HEALTH_REGISTRY_URL, base?.healthRegistry, 'HEALTH_REGISTRY_URL'),
    policeRegistry: pick(config.POLICE_REGISTRY_URL, base?.policeRegistry, 'POLICE_REGISTRY_URL'),
    paymentGateway: pick(config.PAYMENT_GATEWAY_URL, base?.paymentGateway, 'PAYMENT_GATEWAY_URL'),
    postalService: pick(config.POSTAL_SERVICE_URL, base?.postalService, 'POSTAL_SERVICE_URL'),
    nationalPortal: pick(config.NATIONAL_PORTAL_URL, base?.nationalPortal, 'NATIONAL_PORTAL_URL'),
    smsGateway: pick(config.SMS_GATEWAY_URL, base?.smsGateway, 'SMS_GATEWAY_URL'),
    emailGateway: pick(config.EMAIL_GATEWAY_URL, base?.emailGateway, 'EMAIL_GATEWAY_URL'),
  };
  // Production seeds no demo agency: its own are created through the admin API.
  const database = await openDatabase({ url: config.DATABASE_URL, demoAgencies: config.NODE_ENV !== 'production' });
  // A cluster gets its namespace, retention and search attributes from here (a dev server from its flags), idempotently.
  const clientConnection = await connectTemporal(temporal);
  const bootstrap = await bootstrapTemporal(clientConnection, { namespace: temporal.namespace, retentionSeconds: retentionSeconds(temporal.retention) });
  if (bootstrap.namespaceCreated || bootstrap.attributesAdded.length || bootstrap.retentionChangedFrom !== undefined) console.log(`temporal bootstrap: ${JSON.stringify(bootstrap)}`);
  const client = serviceClient(clientConnection, temporal.namespace, keyring);
  const connection = await connectTemporalWorker(temporal);
  const buildId = await workerBuildId();
  const versioning = temporal.versioning.enabled ? { deploymentName: temporal.versioning.deploymentName, buildId } : undefined;
  const workerOptions = {
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    activities: createActivities({ db: database.db, registries, temporal: client, webhookUrls: webhookUrlPolicyOf(config), publicBaseUrl: publicBaseUrlOf(config) }),
    dataConverter: workerDataConverter(keyring, signing),
    ...(temporal.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: temporal.maxCachedWorkflows } : {}),
    ...(versioning ? { versioning } : {}),
  };
  const worker = await createWorker(workerOptions);
  const outboundWorker = await createOutboundWorker(workerOptions);
  // Closed dossiers' histories go to PostgreSQL before Temporal's retention drops them.
  const archiver = startHistoryArchiver({
    client,
    db: database.db,
    fallbackBuildId: buildId,
    dataConverter: serviceDataConverter(keyring),
  });
  // The outbox's events to the subscribers' delivery queues (one dispatcher at a time across workers).
  const dispatcher = startWebhookDispatcher({
    client,
    db: database.db,
    taskQueue: temporal.taskQueue,
    ...(config.WEBHOOK_RETRY_SCHEDULE_MS ? { scheduleMs: config.WEBHOOK_RETRY_SCHEDULE_MS } : {}),
    log: { warn: (m) => console.error(m) },
  });
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves once it has drained.
  const running = Promise.all([worker.run(), outboundWorker.run()]);
  if (versioning) {
    // Not being current is no reason to stop polling: the operator can promote the build later.
    const promotion = await promoteWorkerVersion(clientConnection, { namespace: temporal.namespace, ...versioning, promote: temporal.versioning.promote }).catch(
      (err: unknown) => {
        console.error(`worker deployment ${versioning.deploymentName}: could not make build ${buildId} current (${(err as Error).message})`);
        return undefined;
      },
    );
    if (promotion) console.log(
      `worker deployment ${versioning.deploymentName}, build ${buildId}: ` +
        (promotion.promoted
          ? `now current (was ${promotion.previous ?? 'none'})`
          : promotion.previous === buildId
            ? 'current'
            : `not current (current: ${promotion.previous ?? 'none'}; promote with temporal worker deployment set-current-version)`),
    );
  }
  // A bundle built at start-up means the checkout changed since `npm run build:workflows`: said, since it costs every restart seconds.
  console.log(`worker polling ${temporal.taskQueue} ${(performance.now() / 1000).toFixed(1)} s after its start (workflow bundle: ${bundleSource()})`);
  await running;
  await dispatcher.stop();
  await archiver.stop();
  await clientConnection.close();
  await connection.close();
  await database.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
