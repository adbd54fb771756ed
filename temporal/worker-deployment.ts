import type { Connection } from '@temporalio/client';

/**
 * Makes a starting worker's build the current version of its Worker Deployment, when told to:
 * `if-none` only while the deployment has no current version yet (the first installation; every
 * later build waits for the operator's `temporal worker deployment set-current-version`, after a
 * replay of production histories), `always` for the embedded default and tests, `never` to leave it
 * to the operator entirely. The server learns of a version from its first poll, so the call is
 * retried until it does.
 */
export interface PromotionReport {
  /** The build that was current before (null: none, or unversioned workers). */
  previous: string | null;
  promoted: boolean;
}

const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;

export async function promoteWorkerVersion(
  connection: Connection,
  opts: { namespace: string; deploymentName: string; buildId: string; promote: 'if-none' | 'always' | 'never'; waitMs?: number },
): Promise<PromotionReport> {
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  const service = connection.workflowService;
  for (;;) {
    try {
      const described = await service.describeWorkerDeployment({ namespace: opts.namespace, deploymentName: opts.deploymentName });
      const previous = described.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || null;
      const wanted = opts.promote === 'always' || (opts.promote === 'if-none' && previous === null);
      if (!wanted || previous === opts.buildId) return { previous, promoted: false };
      await service.setWorkerDeploymentCurrentVersion({
        namespace: opts.namespace,
        deploymentName: opts.deploymentName,
        buildId: opts.buildId,
        conflictToken: described.conflictToken,
        identity: `gplx-worker/${opts.buildId}`,
        // A deployment's first version has no task queues to compare with; later ones are the operator's call.
        ignoreMissingTaskQueues: true,
      });
      return { previous, promoted: true };
    } catch (err) {
      const code = (err as { code?: number }).code;
      // Not yet known to the server (no poll has reached it), or another worker changed it meanwhile.
      const transient = code === NOT_FOUND || code === FAILED_PRECONDITION || code === 10 /* ABORTED */;
      if (!transient || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
