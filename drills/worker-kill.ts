import { faultDrill } from './fault-drill';

/**
 * The worker killed with SIGKILL while dossiers are mid-lifecycle (workflow tasks, local activities
 * writing the record, registry calls in flight), then started again. Nothing may be lost or done
 * twice, and the record must keep the times the history keeps.
 */
export const workerKill = faultDrill({
  name: 'worker-kill',
  summary: 'the worker killed with kill -9 mid-lifecycle, then restarted',
  probe: 'reassign',
  trigger: 'mid',
  begin: ({ stack }) => stack.killWorker(),
  holdMs: (t) => t.deadMs,
  end: ({ stack }) => stack.startWorker(),
});
