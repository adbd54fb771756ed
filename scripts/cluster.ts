import { startCluster } from '../cluster';
import { ensureTemporalBinaries } from '../cluster/build';
import { BUILD_LOG } from '../cluster/paths';

/**
 * `npm run cluster`: the service as production runs it, on one machine — the Temporal server
 * (built from source once) on PostgreSQL, two workers, two APIs, the registry simulators — until
 * Ctrl-C, which stops each in order. `npm run cluster -- --build-only` builds the binaries and exits
 * (CI does it before the tests). What it reads: docs/operations.md#a-production-shaped-cluster-on-one-machine.
 */

const log = (m: string) => console.log(`[cluster] ${m}`);

async function main(): Promise<void> {
  if (process.argv.includes('--build-only')) {
    const t0 = performance.now();
    const b = await ensureTemporalBinaries({ log });
    log(`${b.builtInSeconds === undefined ? 'already built' : `built in ${b.builtInSeconds.toFixed(0)} s`}: ${b.server}, ${b.sqlTool} (log ${BUILD_LOG}); ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return;
  }
  let stopping: Promise<void> | undefined;
  const running: { cluster?: Awaited<ReturnType<typeof startCluster>> } = {};
  const stop = (signal: string) => {
    if (stopping) return;
    log(`${signal}: stopping the APIs, draining the workers, then the simulators, Temporal and PostgreSQL`);
    stopping = (running.cluster?.stop() ?? Promise.resolve()).then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: npm passes Ctrl-C on too, and a second one must not kill us mid-stop.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));

  const t0 = performance.now();
  const c = await startCluster({ log });
  running.cluster = c;
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const row = (name: string, pid: number | string, address: string, logFile: string) => `  ${name.padEnd(16)} ${String(pid).padStart(7)}  ${address.padEnd(52)} ${logFile}`;
  console.log(`
GPLX cluster up in ${seconds} s (${Object.entries(c.timings).map(([k, v]) => `${k} ${v} s`).join(', ')}); state in ${c.dir}

  process              pid  address                                              log
${c.processes().map((p) => row(p.name, p.pid, p.address ?? '', p.logFile)).join('\n')}
${row('postgres', c.postgres.startedHere ? 'daemon' : 'given', c.postgres.adminUrl.replace(/\/postgres$/, ''), c.postgres.dataDir ? `${c.postgres.dataDir}/server.log` : '')}

  TEMPORAL_ADDRESS=${c.temporalAddress}  namespace ${c.namespace}, task queue ${c.taskQueue}
  DATABASE_URL=${c.databaseUrl}  (Temporal: ${c.databases.temporal}, ${c.databases.visibility})
  API       ${c.apiUrls.map((u) => `${u}/api/v1`).join('   ')}
  OpenAPI   ${c.apiUrls[0]}/docs     console ${c.apiUrls[0]}/console/
  probes    ${c.apiUrls.map((u) => `${u}/health/ready`).join('   ')}
  metrics   ${c.apiUrls.map((u) => `${u}/metrics`).join('   ')}   Temporal ${c.temporalMetricsUrl}
  demo accounts: motcua, lanhdao, thamdinh, ketoan, giamsat, quantri, … password ${process.env.DEMO_PASSWORD ?? 'demo'}; X-API-Key ${c.env.DEMO_INTEGRATOR_KEY ?? 'demo-integrator-key'}

Ctrl-C stops everything.`);
  // Child processes keep the loop alive; this says so outright.
  setInterval(() => undefined, 1 << 30);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
