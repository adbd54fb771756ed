import { z } from 'zod';
import { DOSSIER_STATUSES, PORTAL_STATUS, type DossierStatus } from './dossier-status';
import type { RecordChanges } from './dossier-state';

/**
 * Outbound webhooks (Standard Webhooks v1): what integrators subscribe to and what they receive.
 * A message says only what a receiver needs to look the dossier up: its reference and code, the
 * status, when, and a per-dossier sequence to order by; never a name, ID number or address.
 */
export const WEBHOOK_EVENTS = ['dossier.status_changed', 'dossier.deadline_changed', 'dossier.late'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const instant = z.string().describe('ISO 8601 instant');
export const webhookDataSchema = z.object({
  reference: z.string(),
  code: z.string().nullable(),
  status: z.enum(DOSSIER_STATUSES),
  previousStatus: z.enum(DOSSIER_STATUSES).nullable(),
  portalStatus: z.number().int(),
  dueAt: instant.nullable(),
  at: instant,
  sequence: z.number().int().describe('counts per dossier: a receiver orders a dossier’s messages by it'),
});
export type WebhookData = z.infer<typeof webhookDataSchema>;

/** The body of every message, as Standard Webhooks recommends: type, timestamp, data. */
export const webhookMessageSchema = z.object({ type: z.enum(WEBHOOK_EVENTS), timestamp: instant, data: webhookDataSchema });
export type WebhookMessage = z.infer<typeof webhookMessageSchema>;

/** One event on its way out: the message and where it came from. Its id is the `webhook-id` of every attempt. */
export interface OutboundEvent {
  messageId: string;
  reference: string;
  agencyCode: string;
  message: WebhookMessage;
}

/** Deterministic, so a retried write of the record produces the same ids and no duplicates. */
export const messageIdOf = (reference: string, sequence: number, type: WebhookEvent) => `msg_${reference}_${sequence}_${type.slice('dossier.'.length)}`;

/** The events a write of the record brings: one per status change, appointment moved, or appointment passed. */
export function eventsOf(changes: RecordChanges): OutboundEvent[] {
  const { summary } = changes;
  const events: OutboundEvent[] = [];
  for (const t of changes.transitions) {
    const type: WebhookEvent | undefined =
      t.action === 'late' ? 'dossier.late' : t.action === 'deadline-moved' ? 'dossier.deadline_changed' : t.from !== t.to ? 'dossier.status_changed' : undefined;
    if (!type) continue;
    const data: WebhookData = {
      reference: changes.reference,
      code: summary.code ?? null,
      status: t.to,
      previousStatus: (t.from as DossierStatus | null) ?? null,
      portalStatus: PORTAL_STATUS[t.to],
      dueAt: summary.dueAt ?? null,
      at: t.at,
      sequence: t.seq,
    };
    events.push({ messageId: messageIdOf(changes.reference, t.seq, type), reference: changes.reference, agencyCode: summary.agencyCode, message: { type, timestamp: t.at, data } });
  }
  return events;
}

/** Standard Webhooks' schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (ms after the previous attempt). */
export const STANDARD_RETRY_SCHEDULE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
/** A subscription failing this long is disabled, and its owner sees why. */
export const FAILING_DISABLES_AFTER_MS = 5 * 24 * 3600_000;
/** After a rotation the old secret keeps signing beside the new one for this long. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3600_000;

export const webhookSubscriptionInput = z
  .object({
    url: z.url({ message: 'an absolute URL, https in production' }).max(2000),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).optional().describe('default: every event'),
  })
  .strict();

export const webhookSubscriptionView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  status: z.enum(['active', 'disabled']),
  disabledReason: z.string().nullable(),
  failingSince: instant.nullable(),
  createdAt: instant,
});

export const webhookDeliveryView = z.object({
  id: z.number().int(),
  messageId: z.string().describe('the webhook-id header: the same for every attempt of a message'),
  type: z.enum(WEBHOOK_EVENTS),
  attempt: z.number().int(),
  at: instant,
  status: z.number().int().nullable().describe("the receiver's HTTP status; null when it did not answer"),
  latencyMs: z.number().int().nullable(),
  error: z.string().nullable(),
});
