import { faultDrill } from './fault-drill';

/**
 * The API killed with SIGKILL mid-lifecycle, then started again: requests in flight get no answer
 * and are sent again by their clients with the same Idempotency-Key (and submissions with the same
 * externalRef), which must apply each once. The access-log batch it held in memory is lost with it.
 */
export const apiKill = faultDrill({
  name: 'api-kill',
  summary: 'the API killed with kill -9 mid-lifecycle, then restarted',
  probe: 'reassign',
  trigger: 'mid',
  begin: ({ stack }) => stack.killApi(),
  holdMs: (t) => t.deadMs,
  end: ({ stack }) => stack.startApi(),
});
