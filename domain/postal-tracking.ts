import { z } from 'zod';

/**
 * The postal service's tracking events (its callback, api/routes/postal-callback.ts): one schema
 * for the callback's body, its documentation and the rows kept of it (db/tracking-events.ts).
 */
export const TRACKING_EVENTS = ['accepted', 'in_transit', 'out_for_delivery', 'delivered', 'failed', 'returned'] as const;
export type TrackingEventKind = (typeof TRACKING_EVENTS)[number];

export const trackingCallbackSchema = z
  .object({
    trackingNumber: z.string().trim().min(1).max(64),
    event: z.enum(TRACKING_EVENTS),
    at: z.iso.datetime({ offset: true, message: 'an ISO 8601 instant with its offset' }).describe('when it happened, by the post (events may arrive late or out of order)'),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type TrackingCallback = z.output<typeof trackingCallbackSchema>;

/** What an event does to the dossier: only these end a delivery attempt; the others are progress lines. */
export function deliveryOutcomeOf(event: TrackingEventKind): 'delivered' | 'failed' | undefined {
  if (event === 'delivered') return 'delivered';
  if (event === 'failed' || event === 'returned') return 'failed';
  return undefined;
}

/** How an event is shown to officers and citizens. */
export const TRACKING_EVENT_LABELS: Record<TrackingEventKind, string> = {
  accepted: 'Bưu cục đã nhận',
  in_transit: 'Đang vận chuyển',
  out_for_delivery: 'Đang giao',
  delivered: 'Đã giao',
  failed: 'Giao không thành công',
  returned: 'Chuyển hoàn',
};
