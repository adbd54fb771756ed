import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** The bundled workflow code, as Worker.create and the replayer take it (source maps are inline). */
export interface WorkflowCode {
  code: string;
}
import { FAILURE_CONVERTER_PATH } from './data-converter';

/**
 * The workflow code as the worker runs it and the replayer checks it: built once (at install, or
 * `npm run build:workflows`) or, when the sources have changed since, bundled once per process;
 * and the build id that names it.
 */

const ROOT = path.join(__dirname, '..');
const WORKFLOWS_PATH = path.join(ROOT, 'workflows', 'index.ts');
/** Where `npm run build:workflows` (run by `npm install`) leaves the bundle the worker starts from. */
export const PREBUILT_DIR = path.join(ROOT, '.temporal', 'workflow-bundle');

/**
 * What the bundle is made of: the workflow code, everything it imports from this project, the
 * bundler's own options and the locked dependencies. A prebuilt bundle whose fingerprint is not
 * the sources' is stale and never run: a worker must not run other code than the checkout's.
 */
const SOURCES = ['workflows', 'domain', 'temporal.config.ts', 'temporal/failure-converter.cjs', 'temporal/workflow-bundle.ts', 'package-lock.json'];

export function sourceFingerprint(root = ROOT): string {
  const hash = createHash('sha256');
  const add = (rel: string) => {
    const full = path.join(root, rel);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const entry of readdirSync(full).sort()) add(path.join(rel, entry));
      return;
    }
    hash.update(rel).update('\0').update(readFileSync(full)).update('\0');
  };
  for (const rel of SOURCES) add(rel);
  return hash.digest('hex');
}

const bundleNow = () => bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundlerLogger });

/** Builds the bundle into `dir`, with the fingerprint of the sources it was built from. */
export async function buildWorkflowBundle(dir = PREBUILT_DIR): Promise<{ codePath: string; fingerprint: string; bytes: number }> {
  const fingerprint = sourceFingerprint();
  const { code } = await bundleNow();
  mkdirSync(dir, { recursive: true });
  const codePath = path.join(dir, 'workflow-bundle.js');
  // The manifest goes first and comes back last: a build cut short leaves none that vouches for it.
  rmSync(path.join(dir, 'manifest.json'), { force: true });
  writeFileSync(codePath, code);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ fingerprint, sha256: createHash('sha256').update(code).digest('hex') }));
  return { codePath, fingerprint, bytes: Buffer.byteLength(code) };
}

/** The prebuilt bundle when it was built from these very sources and is intact; otherwise undefined. */
export function prebuiltBundle(dir = PREBUILT_DIR): WorkflowCode | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { fingerprint?: string; sha256?: string };
    if (manifest.fingerprint !== sourceFingerprint()) return undefined;
    const code = readFileSync(path.join(dir, 'workflow-bundle.js'), 'utf8');
    if (createHash('sha256').update(code).digest('hex') !== manifest.sha256) return undefined;
    return { code };
  } catch {
    return undefined;
  }
}

let bundle: Promise<WorkflowCode> | undefined;
let source: 'prebuilt' | 'bundled' | undefined;
/** How this process got its bundle: from the build step, or bundled at start-up (12–15 s). */
export const bundleSource = () => source;

/**
 * Once per process, shared by every worker in it (tests, benchmarks): the prebuilt bundle when it
 * matches the sources, so a worker polls within a few seconds of its start; otherwise bundled now.
 */
export function workflowBundle(): Promise<WorkflowCode> {
  bundle ??= (async () => {
    // WORKFLOW_PREBUILT=off bundles at start-up whatever is prebuilt (bench/worker-start compares the two).
    const prebuilt = process.env.WORKFLOW_PREBUILT === 'off' ? undefined : prebuiltBundle();
    source = prebuilt ? 'prebuilt' : 'bundled';
    return prebuilt ?? bundleNow();
  })();
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
