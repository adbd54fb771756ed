import { faultDrill } from './fault-drill';

/**
 * The postal service down while dossiers are shipped. As the payment drill: 503 past the API's
 * wait, the same key again once it is back, and one shipment (one tracking number) each.
 */
export const postalDown = faultDrill({
  name: 'postal-down',
  summary: 'the postal service answering 503 for 40 s (short: 10 s) while dossiers are shipped',
  probe: 'ship',
  trigger: 'start',
  begin: ({ stack }) => stack.fault('postal-service', 'error', 100_000),
  holdMs: (t) => t.serviceDownMs,
  end: ({ stack }) => stack.clearFaults(),
});
