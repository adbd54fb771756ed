import { faultDrill } from './fault-drill';

/**
 * The traffic-police registry hanging (each call held 20 s, past the adapter's 5 s timeout) while
 * dossiers are verified; as the 503 drill, for the registry that times out instead of refusing.
 * The full form outlasts the retries with their timeouts (~51 s).
 */
export const registryTimeout = faultDrill({
  name: 'registry-timeout',
  summary: 'the police registry hanging (timeouts) for 60 s (short: 10 s)',
  probe: 'verify',
  trigger: 'start',
  begin: ({ stack }) => stack.fault('police-registry', 'timeout', 100_000, 20_000),
  holdMs: (t) => t.registryHangMs,
  end: ({ stack }) => stack.clearFaults(),
});
