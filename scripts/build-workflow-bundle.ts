import { buildWorkflowBundle } from '../temporal/workflow-bundle';

/**
 * `npm run build:workflows` (also run by `npm install`): the workflow bundle, built once so a
 * worker starts from it in seconds instead of bundling for 12–15 s at every start.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const built = await buildWorkflowBundle();
  console.log(`[workflows] bundle built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${built.codePath} (${(built.bytes / 1024).toFixed(0)} KiB, sources ${built.fingerprint.slice(0, 12)})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
