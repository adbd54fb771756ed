/**
 * bench/worker-start: how long a worker process takes from its start to polling its task queue,
 * started from the prebuilt workflow bundle (npm run build:workflows, run by npm install) and
 * bundling at start-up as it used to (WORKFLOW_PREBUILT=off). Each start is a fresh process
 * (`tsx`, as `npm run worker` starts one) against a real Temporal dev server.
 *
 *   npm run bench:worker-start -- [--n 5]
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadTemporalConfig } from '../temporal.config';
import { buildWorkflowBundle } from '../temporal/workflow-bundle';
import { arg } from './support';

const N = arg('n', 5);
const ROOT = path.join(__dirname, '..');

async function main(): Promise<void> {
  await buildWorkflowBundle();
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: path.resolve(ROOT, loadTemporalConfig().devServer.cliPath) }, extraArgs: ['--log-level', 'error'] },
  });
  const address = env.connection.options.address;
  const rows: { mode: string; ms: number[] }[] = [];
  for (const mode of ['prebuilt', 'bundled'] as const) {
    const ms: number[] = [];
    for (let i = 0; i < N; i++) {
      const out = execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(__dirname, 'worker-start-child.ts'), address, `bench-start-${mode}-${i}`], {
        env: { ...process.env, WORKFLOW_PREBUILT: mode === 'prebuilt' ? 'on' : 'off' },
        encoding: 'utf8',
      });
      const result = JSON.parse(out.trim().split('\n').pop()!) as { pollingAfterMs: number; bundle: string };
      if (result.bundle !== mode) throw new Error(`expected a ${mode} start, got ${result.bundle}`);
      ms.push(result.pollingAfterMs);
    }
    rows.push({ mode, ms });
  }
  await env.teardown();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\nworker start to polling, ${N} fresh processes each (ms)`);
  console.log('bundle      median     min     max');
  for (const r of rows) console.log(`${r.mode.padEnd(10)} ${String(median(r.ms)).padStart(7)} ${String(Math.min(...r.ms)).padStart(7)} ${String(Math.max(...r.ms)).padStart(7)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
