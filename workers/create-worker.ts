import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowBundle, workerBuildId } from '../temporal/workflow-bundle';
import type { createActivities } from '../activities';

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof createActivities>;
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: opts.activities,
    buildId: await workerBuildId(),
    // The workflow reports each transition to this sink for the audit replayer; a live worker has no use for it.
    sinks: { audit: { transition: { fn: () => undefined, callDuringReplay: false } } },
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
  });
}

export { NativeConnection };
