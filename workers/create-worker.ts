import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowBundle, workerBuildId } from '../temporal/workflow-bundle';
import type { createActivities } from '../activities';

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof createActivities>;
  /** The service's data converter (temporal/data-converter.ts): payloads are encrypted before Temporal sees them. */
  dataConverter: DataConverter;
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    buildId: await workerBuildId(),
    // The workflow reports each transition to this sink for the audit replayer; a live worker has no use for it.
    sinks: { audit: { transition: { fn: () => undefined, callDuringReplay: false } } },
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
  });
}

export { NativeConnection };
