import { createHash } from 'node:crypto';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './data-converter';

/**
 * The workflow code as the worker runs it and the replayer checks it: bundled once per process,
 * and the build id that names it.
 */

const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundled once per process: several workers (tests, benchmarks) share it. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundlerLogger });
  return bundle;
}

let buildId: Promise<string> | undefined;

/**
 * The worker build: what identifies the workflow code a worker runs. `WORKER_BUILD_ID` when the
 * deployment sets one (e.g. a release tag), otherwise `bundle-sha256:` and the sha256 of the
 * workflow bundle's code, so any change to the workflow code, or to what it imports, is a new build.
 * Computed once per process. The worker passes it to Temporal, which stamps it on every
 * WorkflowTaskCompleted event: a history says which builds ran it.
 */
export function workerBuildId(): Promise<string> {
  buildId ??= (async () => {
    const fromEnv = process.env.WORKER_BUILD_ID?.trim();
    if (fromEnv) {
      if (fromEnv.length > 255) throw new Error('WORKER_BUILD_ID: at most 255 characters');
      return fromEnv;
    }
    const { code } = await workflowBundle();
    return `bundle-sha256:${createHash('sha256').update(code).digest('hex')}`;
  })();
  return buildId;
}

export const quietBundlerLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (m: string, meta?: Record<string, unknown>) => console.warn(m, meta ?? ''),
  error: (m: string, meta?: Record<string, unknown>) => console.error(m, meta ?? ''),
};
