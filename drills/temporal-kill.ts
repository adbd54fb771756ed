import { faultDrill } from './fault-drill';

/**
 * The Temporal server killed with SIGKILL mid-lifecycle, then started again on the same SQLite
 * file and port: the worker and the API must reconnect on their own, and every dossier go on.
 */
export const temporalKill = faultDrill({
  name: 'temporal-kill',
  summary: 'the Temporal server killed with kill -9, restarted on the same SQLite file and port',
  probe: 'reassign',
  trigger: 'mid',
  begin: ({ stack }) => stack.temporal.kill9(),
  holdMs: (t) => t.deadMs,
  end: ({ stack }) => stack.temporal.start(),
});
