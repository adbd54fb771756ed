/**
 * bench/records: 100,000 recorded dossiers (mixed states, five agencies), then p50/p99 of lookup
 * by code, a filtered search page and the statistics call over HTTP, at rest and under a steady
 * 200 requests per second. PGlite by default; BENCH_DATABASE_URL=postgres://… for PostgreSQL.
 *
 *   npm run bench:records -- [--n 100000] [--rps 200] [--seconds 20]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createAccountDirectory } from '../api/auth/accounts';
import { buildApp } from '../api/app';
import { openDatabase } from '../db/client';
import { sql } from 'drizzle-orm';
import { dossiers } from '../db/schema';
import { DOSSIER_STATUSES, PORTAL_STATUS, isTerminal } from '../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../domain/procedure';
import { startTemporalDevServer } from '../scripts/temporal-dev-server';
import { loadTemporalConfig } from '../temporal.config';
import { arg, benchApplication } from './support';

const N = arg('n', 100_000);
const RPS = arg('rps', 200);
const SECONDS = arg('seconds', 20);
const AGENCIES = ['000.00.01.H22', '000.00.02.H22', '000.00.03.H22', '000.00.04.H22', '000.00.05.H22'];
const YEAR_START = Date.parse('2026-01-01T00:00:00+07:00');

type Kind = 'lookup' | 'search' | 'stats';

const LOAD_GENERATOR = `
const { parentPort, workerData: w } = require('node:worker_threads');
(async () => {
  const out = { lookup: [], search: [], stats: [] };
  const failed = { lookup: 0, search: 0, stats: 0 };
  const total = w.rps * w.seconds;
  const started = performance.now();
  const inflight = [];
  let k = 0;
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / w.rps - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const kind = i % 20 === 0 ? 'stats' : i % 20 < 4 ? 'search' : 'lookup';
    const url = kind === 'lookup' ? w.lookups[k++ % w.lookups.length] : w[kind];
    const t = performance.now();
    inflight.push(fetch(url, { headers: w.auth }).then(async (res) => {
      await res.arrayBuffer();
      if (!res.ok) throw new Error(kind + ': ' + res.status);
      out[kind].push(performance.now() - t);
    }).catch(() => { failed[kind] += 1; }));
  }
  const sentIn = (performance.now() - started) / 1000;
  await Promise.all(inflight);
  parentPort.postMessage({ underLoad: out, failed, achieved: total / sentIn });
})();
`;
const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gplx-records-'));
  const dbUrl = process.env.BENCH_DATABASE_URL;
  const database = await openDatabase(dbUrl ? { url: dbUrl } : { dataDir: path.join(tmp, 'pglite') });
  const db = database.db;

  // ---- seed ----
  const t0 = performance.now();
  const codes: string[] = [];
  // Dossier codes take digits only: a random run number keeps repeated runs on PostgreSQL apart.
  const run = String(10 + Math.floor(Math.random() * 90));
  for (let start = 0; start < N; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(N, start + 1000); i++) {
      const status = DOSSIER_STATUSES[(i * 7) % DOSSIER_STATUSES.length]!;
      const agencyCode = AGENCIES[i % AGENCIES.length]!;
      const receivedAt = new Date(YEAR_START + ((i * 7919) % (330 * 86_400)) * 1000);
      const day = receivedAt.toISOString().slice(2, 10).replace(/-/g, '');
      const code = `${agencyCode}-${day}-${run}${String(i).padStart(6, '0')}`;
      const dueAt = new Date(receivedAt.getTime() + 7 * 86_400_000);
      const ended = isTerminal(status) || status === 'RESULT_READY' || status === 'SHIPPED';
      const application = { ...benchApplication(), agencyCode };
      if (i % 50 === 0) codes.push(code);
      rows.push({
        reference: `SUB-B${run}${String(i).padStart(20, '0')}`,
        agencyCode,
        code,
        application,
        submittedAt: receivedAt,
        receivedAt,
        status,
        portalStatus: PORTAL_STATUS[status],
        dueAt,
        late: i % 9 === 0,
        assignee: i % 4 === 0 ? 'thamdinh' : null,
        citizenId: application.applicant.citizenId,
        deliveryMethod: 'post',
        paidOnline: i % 3 === 0,
        supplementRequests: i % 11 === 0 ? 1 : 0,
        processingEndedAt: ended ? new Date(receivedAt.getTime() + 5 * 86_400_000) : null,
        onTime: ended ? i % 9 !== 0 : null,
        processingWorkingDays: ended ? 3 + (i % 5) : null,
        refused: status === 'REFUSED_AT_INTAKE',
        closedAt: isTerminal(status) ? new Date(receivedAt.getTime() + 6 * 86_400_000) : null,
        revision: 1,
        state: {
          reference: `SUB-B${run}${String(i).padStart(20, '0')}`, agencyCode, status, code, procedure: RENEWAL_PROCEDURE, application,
          submittedAt: receivedAt.toISOString(), receivedAt: receivedAt.toISOString(), dueAt: dueAt.toISOString(), verification: {},
          paused: false, late: i % 9 === 0, steps: [], transitions: [],
        },
      });
    }
    await db.insert(dossiers).values(rows);
  }
  const seedSeconds = (performance.now() - t0) / 1000;
  await db.execute(sql`analyze dossiers`);

  // ---- the API on a real Temporal dev server (lookups ask Temporal first, then the record) ----
  const temporal = loadTemporalConfig({
    ...process.env,
    TEMPORAL_ADDRESS: undefined,
    TEMPORAL_DEV_PORT: String(17_000 + Math.floor(Math.random() * 1000)),
    TEMPORAL_UI_PORT: String(18_000 + Math.floor(Math.random() * 1000)),
    TEMPORAL_DB_FILE: path.join(tmp, 'temporal.sqlite'),
    TEMPORAL_CLI_PATH: path.resolve(__dirname, '..', loadTemporalConfig().devServer.cliPath),
  });
  const server = await startTemporalDevServer(temporal, (m) => console.error(`# ${m}`));
  const connection = await Connection.connect({ address: temporal.address });
  const app = await buildApp({
    client: new Client({ connection, namespace: temporal.namespace }),
    db,
    taskQueue: temporal.taskQueue,
    accounts: createAccountDirectory({ demo: true, demoPassword: 'demo', demoIntegratorKey: 'bench-key-records' }),
    jwtSecret: randomBytes(32).toString('hex'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1`;
  const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'giamsat', password: 'demo' }) });
  const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  // The supervisor's agency is 000.00.01.H22: a fifth of the rows.
  const mine = codes.filter((c) => c.startsWith('000.00.01.H22'));
  let k = 0;
  const urls: Record<Kind, () => string> = {
    lookup: () => `${base}/dossiers/${mine[k++ % mine.length]}`,
    search: () => `${base}/dossiers?status=IN_APPRAISAL,AWAITING_APPROVAL&late=true&sort=dueAt&order=asc&limit=50`,
    stats: () => `${base}/stats?from=2026-03-01&to=2026-03-31`,
  };
  async function call(kind: Kind): Promise<number> {
    const t = performance.now();
    const res = await fetch(urls[kind](), { headers: auth });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${kind}: ${res.status}`);
    return performance.now() - t;
  }

  const atRest: Record<Kind, number[]> = { lookup: [], search: [], stats: [] };
  for (const kind of ['lookup', 'search', 'stats'] as const) {
    for (let i = 0; i < 20; i++) await call(kind); // warm-up
    for (let i = 0; i < 200; i++) atRest[kind].push(await call(kind));
  }

  console.error(`# at rest: ${(['lookup', 'search', 'stats'] as const).map((k) => `${k} p50 ${quantile(atRest[k], 0.5).toFixed(1)} p99 ${quantile(atRest[k], 0.99).toFixed(1)} ms`).join('; ')}`);

  // Open loop from a worker thread, so the load generator does not share the server's event loop:
  // requests leave on schedule whatever the answers do; 80 % lookups, 15 % searches, 5 % statistics.
  const load = new Worker(LOAD_GENERATOR, {
    eval: true,
    workerData: { lookups: mine.map((c) => `${base}/dossiers/${c}`), search: urls.search(), stats: urls.stats(), auth, rps: RPS, seconds: SECONDS },
  });
  const { underLoad, failed, achieved } = await new Promise<{ underLoad: Record<Kind, number[]>; failed: Record<Kind, number>; achieved: number }>((resolve, reject) => {
    load.once('message', resolve);
    load.once('error', reject);
  });
  await load.terminate();

  const fmt = (x: number) => x.toFixed(1).padStart(8);
  console.log(`bench/records: ${N.toLocaleString('en')} dossiers on ${database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'} (seeded in ${seedSeconds.toFixed(0)} s), Node ${process.version}`);
  console.log('  ms                  at rest p50     p99   | under load p50     p99   (target p99)');
  const targets: Record<Kind, number> = { lookup: 20, search: 200, stats: 200 };
  for (const kind of ['lookup', 'search', 'stats'] as const) {
    console.log(
      `  ${kind.padEnd(18)} ${fmt(quantile(atRest[kind], 0.5))} ${fmt(quantile(atRest[kind], 0.99))}   | ${fmt(quantile(underLoad[kind], 0.5))} ${fmt(quantile(underLoad[kind], 0.99))}   (< ${targets[kind]})`,
    );
  }
  console.log(`  load: ${RPS} req/s requested, ${achieved.toFixed(0)} req/s sent over ${SECONDS} s; failed (errors, timeouts): lookup ${failed.lookup}, search ${failed.search}, stats ${failed.stats}`);

  await app.close();
  await connection.close();
  await server.stop();
  await database.close();
  rmSync(tmp, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
