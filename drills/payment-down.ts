import { faultDrill } from './fault-drill';

/**
 * The payment gateway down while dossiers are approved. The full form outlasts the API's 30 s
 * wait, so approvals are answered 503 and sent again with the same key: one fee notice each.
 */
export const paymentDown = faultDrill({
  name: 'payment-down',
  summary: 'the payment gateway answering 503 for 40 s (short: 10 s) while dossiers are approved',
  probe: 'approve',
  trigger: 'start',
  begin: ({ stack }) => stack.fault('payment-gateway', 'error', 100_000),
  holdMs: (t) => t.serviceDownMs,
  end: ({ stack }) => stack.clearFaults(),
});
