import { faultDrill } from './fault-drill';

/**
 * The health registry answering 503 to every call while dossiers are verified. The full form lasts
 * longer than the workflow's registry retries (about 31 s): a registry back later must still give
 * each dossier its real finding, never leave it "unavailable" for good.
 */
export const registry503 = faultDrill({
  name: 'registry-503',
  summary: 'the health registry answering 503 for 40 s (short: 10 s)',
  probe: 'verify',
  trigger: 'start',
  begin: ({ stack }) => stack.fault('health-registry', 'error', 100_000),
  holdMs: (t) => t.registryDownMs,
  end: ({ stack }) => stack.clearFaults(),
});
