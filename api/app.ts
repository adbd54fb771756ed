import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Database } from '../db/client';
import type { SigningKeyring } from '../temporal/action-signing';
import type { PayloadKeyring } from '../temporal/payload-keys';
import type { AccountDirectorySource } from './auth/accounts';
import { accessLogPlugin } from './access-log';
import { authPlugin } from './auth/plugin';
import { registerConsole } from './console';
import { createDossierGateway } from './dossier-gateway';
import { registerErrorResponses } from './error-responses';
import { HttpError, frameworkErrors, registerErrorHandling } from './errors';
import { registerInputGuard } from './input-guard';
import { registerSecurityHeaders } from './security-headers';
import { createCalendarCache } from './calendar-cache';
import { createCalendarPropagation } from './calendar-propagation';
import { registerOpenApi } from './openapi';
import { accessLogRoutes } from './routes/access-log';
import { actionRoutes } from './routes/actions';
import { auditRoutes } from './routes/audit';
import { codecRoutes } from './routes/codec';
import { adminAccountRoutes } from './routes/admin-accounts';
import { adminAgencyRoutes } from './routes/admin-agencies';
import { adminApiKeyRoutes } from './routes/admin-api-keys';
import { authRoutes } from './routes/auth';
import { calendarRoutes } from './routes/calendar';
import { dashboardRoutes } from './routes/dashboard';
import { documentRoutes } from './routes/documents';
import { dossierRoutes } from './routes/dossiers';
import { dossierSearchRoutes } from './routes/dossier-search';
import { publicLookupRoutes } from './routes/public-lookup';
import { faqRoutes } from './routes/faq';
import { statsRoutes } from './routes/stats';
import { trackingRegisterRoutes } from './routes/tracking-register';
import type { RecheckSchedule } from '../domain/verification';
import { healthRoutes } from './routes/health';
import { registerMetrics } from './metrics';
import { workQueueRoutes } from './routes/work-queue';
import { appraiserRoutes } from './routes/appraisers';
import { paymentCallbackRoutes } from './routes/payment-callback';
import { postalCallbackRoutes } from './routes/postal-callback';
import { smsCallbackRoutes } from './routes/sms-callback';
import { createCallbackThrottle } from './callback-throttle';
import { webhookRoutes } from './routes/webhooks';
import type { UrlPolicy } from '../webhooks/url-policy';
import { DEMO_CALLBACK_SECRETS, type CallbackSecrets } from '../service.config';

export interface AppDeps {
  /** A client with the service's data converter (temporal/client.ts). */
  client: Client;
  /** The payload keys: the codec endpoint and the replayer open histories with them. */
  keyring: PayloadKeyring;
  /** The key the API signs each action request with (the worker checks it). */
  signing: SigningKeyring;
  db: Database;
  taskQueue: string;
  /** Accounts, sessions and API keys: opened on `db` (createAccountDirectory in api/auth/accounts.ts). */
  accounts: AccountDirectorySource;
  jwtSecret: string;
  /** Where citizens reach the public lookup page (the QR codes point there): configured, never taken from a request. */
  publicBaseUrl: string;
  logger?: FastifyServerOptions['logger'];
  /** Where the Temporal Web UI is served from: the origins allowed to call the codec endpoint with credentials. */
  temporalUiOrigins?: string[];
  /** The proxies whose X-Forwarded-For is believed (TRUST_PROXY); none by default. */
  trustProxy?: string[];
  /**
   * Where access-log entries are spooled before the answer leaves (db/access-log-spool.ts): one
   * directory per API process, on a disk that outlives the process. A fresh temporary directory
   * when omitted (tests, benchmarks).
   */
  accessLogSpoolDir?: string;
  /** How often a registry that was down at verification is asked again (VERIFICATION_RECHECK_*; domain/verification.ts's default). */
  verificationRecheck?: RecheckSchedule;
  /** The bearer token a Prometheus scraper sends to GET /metrics (METRICS_TOKEN); open when absent. */
  metricsToken?: string;
  /** What inbound callbacks are verified with (service.config.ts callbackSecretsOf); the simulators' demo secrets when absent. */
  callbackSecrets?: CallbackSecrets;
  /** Where webhooks may go (service.config.ts webhookUrlPolicyOf); outside production's rules when absent. */
  webhookUrls?: UrlPolicy;
  /** The webhook retry schedule a manual retry is sent with (WEBHOOK_RETRY_SCHEDULE_MS); Standard Webhooks' when absent. */
  webhookRetryScheduleMs?: number[];
}

export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    logger: deps.logger ?? false,
    ...(deps.trustProxy !== undefined ? { trustProxy: deps.trustProxy } : {}),
    // What every route takes unless it says otherwise (a submission, a login, an admin's edit are a few KB);
    // the actions, the replay and the codec endpoint set their own.
    bodyLimit: 32 * 1024,
    // Ids in URLs are opaque; never let a long one through to Temporal.
    routerOptions: { maxParamLength: 128 },
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerErrorResponses(app);
  registerInputGuard(app);
  await registerSecurityHeaders(app);
  await registerOpenApi(app);
  await app.register(authPlugin, { accounts: await deps.accounts.open(deps.db), jwtSecret: deps.jwtSecret });
  // Only routes that ask for it are limited (the public lookup); staff routes sit behind a login.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new HttpError(429, 'RATE_LIMITED', `too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`),
  });

  // Before the routes, so its hook covers every one of them.
  await app.register(accessLogPlugin, { db: deps.db, spoolDir: deps.accessLogSpoolDir ?? mkdtempSync(path.join(os.tmpdir(), 'gplx-access-log-')) });
  // Beside it, so its hooks time every route registered below.
  await registerMetrics(app, { db: deps.db, ...(deps.metricsToken ? { token: deps.metricsToken } : {}) });

  const calendars = createCalendarCache(deps.db);
  const gateway = createDossierGateway({
    client: deps.client,
    db: deps.db,
    taskQueue: deps.taskQueue,
    calendars,
    signing: deps.signing,
    ...(deps.verificationRecheck ? { recheck: deps.verificationRecheck } : {}),
  });
  await app.register(
    async (v1) => {
      await v1.register(authRoutes, { jwtSecret: deps.jwtSecret });
      await v1.register(dossierRoutes, { gateway, db: deps.db });
      await v1.register(dossierSearchRoutes, { db: deps.db });
      await v1.register(statsRoutes, { db: deps.db });
      await v1.register(dashboardRoutes, { db: deps.db });
      await v1.register(workQueueRoutes, { db: deps.db, calendars });
      await v1.register(appraiserRoutes, { db: deps.db });
      await v1.register(publicLookupRoutes, { gateway, db: deps.db, publicBaseUrl: deps.publicBaseUrl });
      await v1.register(faqRoutes, { db: deps.db });
      await v1.register(trackingRegisterRoutes, { db: deps.db });
      await v1.register(actionRoutes, { gateway });
      await v1.register(documentRoutes, { gateway, db: deps.db });
      await v1.register(auditRoutes, { client: deps.client, db: deps.db, keyring: deps.keyring });
      await v1.register(calendarRoutes, { db: deps.db, propagation: createCalendarPropagation(deps.client, deps.taskQueue), calendars });
      await v1.register(adminAgencyRoutes, { db: deps.db });
      await v1.register(adminAccountRoutes, { db: deps.db });
      await v1.register(adminApiKeyRoutes, { db: deps.db });
      await v1.register(accessLogRoutes, { db: deps.db });
      const callbackSecrets = deps.callbackSecrets ?? DEMO_CALLBACK_SECRETS;
      const throttle = createCallbackThrottle();
      await v1.register(paymentCallbackRoutes, { db: deps.db, gateway, secret: callbackSecrets.paymentGateway, throttle });
      await v1.register(postalCallbackRoutes, { db: deps.db, gateway, secret: callbackSecrets.post, throttle });
      await v1.register(smsCallbackRoutes, { gateway, secret: callbackSecrets.sms, throttle });
      await v1.register(webhookRoutes, {
        db: deps.db,
        client: deps.client,
        taskQueue: deps.taskQueue,
        urlPolicy: deps.webhookUrls ?? { production: false, allowedHosts: [] },
        ...(deps.webhookRetryScheduleMs ? { scheduleMs: deps.webhookRetryScheduleMs } : {}),
      });
    },
    { prefix: '/api/v1' },
  );

  // The Temporal Web UI's codec server (Temporal's remote codec protocol), beside the API.
  await app.register(codecRoutes, { prefix: '/codec', keyring: deps.keyring, uiOrigins: deps.temporalUiOrigins ?? [] });

  await registerConsole(app);

  await app.register(healthRoutes, { client: deps.client, db: deps.db });
  return app;
}
