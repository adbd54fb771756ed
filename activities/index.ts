import { createCalendarSnapshots } from '../db/calendar';
import type { Database } from '../db/client';
import { createPaymentGatewayClient } from './registries/payment-gateway';
import { createPostalServiceClient } from './registries/postal-service';
import { createHealthRegistryClient } from './registries/health-registry';
import { createPoliceRegistryClient } from './registries/police-registry';
import { verificationActivities } from './verification';
import { receiptActivities } from './receipt';
import { dossierRecordActivities } from './dossier-record';
import { feeNoticeActivities } from './fee-notice';
import { shipmentActivities } from './shipment';
import { calendarActivities } from './calendar';
import { calendarPropagationActivities } from './calendar-propagation';
import type { Client } from '@temporalio/client';
import { webhookDeliveryActivities } from './webhook-delivery';
import { citizenOutreachActivities } from './citizen-outreach';
import { createNationalPortalClient } from './registries/national-portal';
import { createEmailGatewayClient, createSmsGatewayClient } from './registries/messaging';
import type { UrlPolicy } from '../webhooks/url-policy';

export interface RegistryUrls {
  healthRegistry: string;
  policeRegistry: string;
  paymentGateway: string;
  postalService: string;
  nationalPortal: string;
  smsGateway: string;
  emailGateway: string;
}

/**
 * Every activity the workflows call, bound to its dependencies; `temporal` is the service's own
 * (encrypting) client, with which the calendar propagation signals the open dossiers.
 */
export function createActivities(deps: { db: Database; registries: RegistryUrls; temporal: Client; webhookUrls?: UrlPolicy; publicBaseUrl?: string }) {
  const calendars = createCalendarSnapshots(deps.db);
  return {
    ...verificationActivities({
      health: createHealthRegistryClient(deps.registries.healthRegistry),
      police: createPoliceRegistryClient(deps.registries.policeRegistry),
    }),
    ...receiptActivities(deps.db, calendars),
    ...dossierRecordActivities(deps.db),
    ...calendarActivities(calendars),
    ...calendarPropagationActivities(deps.temporal),
    // Outside production by default: loopback receivers allowed (workers/main.ts passes the configured policy).
    ...citizenOutreachActivities({
      db: deps.db,
      portal: createNationalPortalClient(deps.registries.nationalPortal),
      sms: createSmsGatewayClient(deps.registries.smsGateway),
      email: createEmailGatewayClient(deps.registries.emailGateway),
      publicBaseUrl: deps.publicBaseUrl ?? 'http://127.0.0.1:3000',
    }),
    ...webhookDeliveryActivities({ db: deps.db, urlPolicy: deps.webhookUrls ?? { production: false, allowedHosts: [] } }),
    ...feeNoticeActivities(createPaymentGatewayClient(deps.registries.paymentGateway)),
    ...shipmentActivities(createPostalServiceClient(deps.registries.postalService)),
  };
}

/** All four registries behind one base URL, as the bundled simulators serve them. */
export function registryUrlsFrom(baseUrl: string): RegistryUrls {
  const base = baseUrl.replace(/\/$/, '');
  return {
    healthRegistry: `${base}/health-registry`,
    policeRegistry: `${base}/police-registry`,
    paymentGateway: `${base}/payment-gateway`,
    postalService: `${base}/postal-service`,
    nationalPortal: `${base}/national-portal`,
    smsGateway: `${base}/sms-gateway`,
    emailGateway: `${base}/email-gateway`,
  };
}
