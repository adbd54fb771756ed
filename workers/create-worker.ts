import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workerBuildId, workflowBundle } from '../temporal/workflow-bundle';
import type { createActivities } from '../activities';
import { outboundTaskQueueOf } from '../temporal.config';

/**
 * Worker Versioning (Worker Deployments): the worker announces the deployment it belongs to and the
 * build it runs, and each dossier follows AUTO_UPGRADE: on the deployment's next current version it
 * continues on the new build, whose `patched()` branches keep its history replaying. Dossiers live
 * for weeks (supplements, appointments); pinning them would keep every old build's workers running
 * that long, and a fix to the legal clock must reach the dossiers already running. Why, and the
 * upgrade procedure: docs/changing-the-workflow.md.
 */
export interface WorkerVersioning {
  deploymentName: string;
  buildId: string;
}

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof createActivities>;
  /** The service's data converter (temporal/data-converter.ts): payloads are encrypted before Temporal sees them. */
  dataConverter: DataConverter;
  maxCachedWorkflows?: number;
  /** Absent: an unversioned worker (the time-skipping test server knows no deployments). */
  versioning?: WorkerVersioning;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    ...(opts.versioning
      ? {
          workerDeploymentOptions: {
            version: { deploymentName: opts.versioning.deploymentName, buildId: opts.versioning.buildId },
            useWorkerVersioning: true,
            defaultVersioningBehavior: 'AUTO_UPGRADE' as const,
          },
        }
      : // Unversioned (the time-skipping test server, TEMPORAL_WORKER_VERSIONING=off): the build still labels every task it completes.
        { buildId: await workerBuildId() }),
    // The workflow reports each transition to this sink for the audit replayer; a live worker has no use for it.
    sinks: { audit: { transition: { fn: () => undefined, callDuringReplay: false } } },
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
  });
}

/**
 * The worker of the outbound queue (temporal.config.ts outboundTaskQueueOf): the same code,
 * activities and build as the dossiers' worker, polling beside it in the same process.
 */
export function createOutboundWorker(opts: Parameters<typeof createWorker>[0]): Promise<Worker> {
  return createWorker({ ...opts, taskQueue: outboundTaskQueueOf(opts.taskQueue) });
}

export { NativeConnection };
