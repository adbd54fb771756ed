/**
 * bench/records: 100,000 recorded dossiers (mixed states, five agencies), then p50/p99 of lookup
 * by code, a filtered search page and the statistics call over HTTP, at rest and under a steady
 * 200 requests per second. PGlite by default; BENCH_DATABASE_URL=postgres://… for PostgreSQL.
 *
 *   npm run bench:records -- [--n 100000] [--rps 200] [--seconds 20] [--vacuum 1]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { createAccountDirectory } from '../api/auth/accounts';
import { buildApp } from '../api/app';
import { STATS_FRESH_MS } from '../api/routes/stats';
import { openDatabase } from '../db/client';
import { sql } from 'drizzle-orm';
import { dossiers } from '../db/schema';
import type { DossierState } from '../domain/dossier-state';
import { PORTAL_STATUS, type DossierStatus } from '../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../domain/procedure';
import { startTemporalDevServer } from '../scripts/temporal-dev-server';
import { loadTemporalConfig } from '../temporal.config';
import { serviceClient } from '../temporal/client';
import { keyringOf, newKeyLine, parseKeyLines } from '../temporal/keyring';
import { arg, benchApplication } from './support';

const N = arg('n', 100_000);
const RPS = arg('rps', 200);
const SECONDS = arg('seconds', 20);
const VACUUM = arg('vacuum', 1) !== 0;
const AGENCIES = ['000.00.01.H22', '000.00.02.H22', '000.00.03.H22', '000.00.04.H22', '000.00.05.H22'];
const YEAR_START = Date.parse('2026-01-01T00:00:00+07:00');

type Kind = 'lookup' | 'search' | 'stats';
type Row = Kind | 'lookupOpen' | 'lookupClosed' | 'statsNewPeriod';
/** The leader's work queue (the console's landing page), at rest only: the default list, a finding filter, a search by name. */
type QueueRow = 'queue' | 'queueFinding' | 'queueName';

const LOAD_GENERATOR = `
const { parentPort, workerData: w } = require('node:worker_threads');
(async () => {
  const out = { lookup: [], search: [], stats: [], lookupOpen: [], lookupClosed: [] };
  const failed = { lookup: 0, search: 0, stats: 0 };
  const total = w.rps * w.seconds;
  const started = performance.now();
  const inflight = [];
  let k = 0;
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / w.rps - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const kind = i % 20 === 0 ? 'stats' : i % 20 < 4 ? 'search' : 'lookup';
    const j = kind === 'lookup' ? k++ % w.lookups.length : -1;
    const url = kind === 'lookup' ? w.lookups[j] : w[kind];
    const t = performance.now();
    inflight.push(fetch(url, { headers: w.auth }).then(async (res) => {
      await res.arrayBuffer();
      if (!res.ok) throw new Error(kind + ': ' + res.status);
      const ms = performance.now() - t;
      out[kind].push(ms);
      if (kind === 'lookup') out[w.lookupOpen[j] ? 'lookupOpen' : 'lookupClosed'].push(ms);
    }).catch(() => { failed[kind] += 1; }));
  }
  const sentIn = (performance.now() - started) / 1000;
  await Promise.all(inflight);
  parentPort.postMessage({ underLoad: out, failed, achieved: total / sentIn });
})();
`;
/** A deterministic uniform number in [0, 1) for dossier i and purpose salt, so every run seeds the same record. */
function uniform(i: number, salt: number): number {
  let x = (Math.imul(i, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}
const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gplx-records-'));
  const keyring = keyringOf(parseKeyLines(newKeyLine('bench'), 'bench'));
  const dbUrl = process.env.BENCH_DATABASE_URL;
  const database = await openDatabase(dbUrl ? { url: dbUrl } : { dataDir: path.join(tmp, 'pglite') });
  const db = database.db;

  // ---- seed ----
  // A year of a province's records as the service leaves them: most dossiers closed, a few percent
  // open. Receipts are spread over 330 days; the record's "now" is the end of that span. Processing
  // takes 1.5-7 days (5 working days is the legal limit, due 7 days after receipt), 8 % finish late
  // (7.5-14.5 days), 1.5 % are stopped at appraisal; a result is delivered 1-3 days after processing
  // ends, and 1 % are never collected (RESULT_READY open for good). 1 % are refused at intake and
  // 0.5 % withdrawn before receipt (no dossier code). So only what was received in the last days is
  // still in progress, and about 3 % of all dossiers are open (not closed) at the end.
  // Rows are inserted in pseudo-random time order, so a period's rows are scattered over the heap:
  // a worst case for the queries, since real records are written roughly as dossiers arrive.
  const t0 = performance.now();
  const codes: string[] = [];
  /** Sampled codes of open dossiers: their lookup asks the workflow first (here: not found, then the record). */
  const openCodes = new Set<string>();
  // Dossier codes take digits only: a random run number keeps repeated runs on PostgreSQL apart.
  const run = String(10 + Math.floor(Math.random() * 90));
  const DAY = 86_400_000;
  const SPAN_DAYS = 330;
  const end = YEAR_START + SPAN_DAYS * DAY;
  for (let start = 0; start < N; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(N, start + 1000); i++) {
      const agencyCode = AGENCIES[i % AGENCIES.length]!;
      const submittedAt = new Date(YEAR_START + ((i * 7919) % (SPAN_DAYS * 86_400)) * 1000);
      const reference = `SUB-B${run}${String(i).padStart(20, '0')}`;
      const application = { ...benchApplication(), agencyCode };
      const r = uniform(i, 1);
      let status: DossierStatus;
      let receivedAt: Date | undefined, dueAt: Date | undefined, ended: Date | undefined, closedAt: Date | undefined;
      let late = false, onTime: boolean | undefined, workingDays: number | undefined, refused = false;
      if (r < 0.01) {
        status = 'REFUSED_AT_INTAKE';
        refused = true;
        closedAt = new Date(submittedAt.getTime() + 0.5 * DAY);
      } else if (r < 0.015) {
        status = 'WITHDRAWN';
        closedAt = new Date(submittedAt.getTime() + 0.7 * DAY);
      } else if (end - submittedAt.getTime() < 0.5 * DAY) {
        status = (['SUBMITTED', 'VERIFYING', 'AWAITING_RECEIPT'] as const)[Math.floor(uniform(i, 2) * 3)]!;
      } else {
        receivedAt = new Date(submittedAt.getTime() + 0.5 * DAY);
        dueAt = new Date(receivedAt.getTime() + 7 * DAY);
        const isLate = uniform(i, 3) < 0.08;
        const stopped = uniform(i, 4) < 0.015;
        const days = isLate ? 7.5 + uniform(i, 5) * 7 : 1.5 + uniform(i, 5) * 5.4;
        const endsAt = receivedAt.getTime() + days * DAY;
        const neverCollected = uniform(i, 6) < 0.01;
        if (endsAt > end) {
          const progress = (end - receivedAt.getTime()) / (endsAt - receivedAt.getTime());
          status = uniform(i, 8) < 0.05 ? 'AWAITING_SUPPLEMENT' : progress < 0.2 ? 'RECEIVED' : progress < 0.6 ? 'IN_APPRAISAL' : progress < 0.8 ? 'AWAITING_APPROVAL' : 'AWAITING_PAYMENT';
          late = dueAt.getTime() < end;
        } else {
          ended = new Date(endsAt);
          onTime = !isLate;
          late = isLate;
          workingDays = Math.round(days * (5 / 7) * 100) / 100;
          refused = stopped;
          const closesAt = stopped ? endsAt : neverCollected ? Infinity : endsAt + (1 + uniform(i, 7) * 2) * DAY;
          if (closesAt <= end) {
            status = stopped ? 'STOPPED' : 'DELIVERED';
            closedAt = new Date(closesAt);
          } else status = !neverCollected && uniform(i, 9) < 0.7 ? 'SHIPPED' : 'RESULT_READY';
        }
      }
      const code = receivedAt ? `${agencyCode}-${receivedAt.toISOString().slice(2, 10).replace(/-/g, '')}-${run}${String(i).padStart(6, '0')}` : undefined;
      if (code && i % 50 === 0) {
        codes.push(code);
        if (!closedAt) openCodes.add(code);
      }
      const assignee = receivedAt && uniform(i, 10) < 0.5 ? (uniform(i, 11) < 0.5 ? 'thamdinh' : 'thamdinh2') : undefined;
      const state: DossierState = {
        reference, agencyCode, status, code, procedure: RENEWAL_PROCEDURE, application, assignee,
        submittedAt: submittedAt.toISOString(), receivedAt: receivedAt?.toISOString(), dueAt: dueAt?.toISOString(), verification: {},
        paused: false, late, steps: [], transitions: [], closedAt: closedAt?.toISOString(),
        ...(ended ? { processingEnded: { at: ended.toISOString(), onTime: onTime!, workingDays } } : {}),
      };
      rows.push({
        reference,
        agencyCode,
        code: code ?? null,
        application,
        submittedAt,
        receivedAt: receivedAt ?? null,
        status,
        portalStatus: PORTAL_STATUS[status],
        dueAt: dueAt ?? null,
        late,
        assignee: assignee ?? null,
        citizenId: application.applicant.citizenId,
        deliveryMethod: 'post',
        paidOnline: ended !== undefined && !refused && uniform(i, 12) < 0.7,
        supplementRequests: receivedAt && uniform(i, 13) < 0.1 ? 1 : 0,
        processingEndedAt: ended ?? null,
        onTime: onTime ?? null,
        processingWorkingDays: workingDays ?? null,
        refused,
        closedAt: closedAt ?? null,
        revision: 1,
        state,
      });
    }
    await db.insert(dossiers).values(rows);
  }
  const seedSeconds = (performance.now() - t0) / 1000;
  // A PostgreSQL server's autovacuum would have vacuumed and analysed a table this size long before
  // a year of records is written; VACUUM also sets the visibility map that index-only scans rely on.
  // PGlite runs no autovacuum (one backend, no background workers), so there the embedded service
  // has to run VACUUM ANALYZE itself; --vacuum 0 measures without it (ANALYZE only).
  await db.execute(VACUUM ? sql`vacuum analyze dossiers` : sql`analyze dossiers`);
  // Runs on PostgreSQL add to what earlier runs left: say so, since the table's size is the point.
  const [{ held }] = (await db.select({ held: sql<number>`count(*)::int` }).from(dossiers)) as [{ held: number }];

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
    client: serviceClient(connection, temporal.namespace, keyring),
    keyring,
    signing: keyringOf(parseKeyLines(newKeyLine('bench'), 'bench')),
    publicBaseUrl: 'http://127.0.0.1:3000',
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
  // A month-long period starting `j` days after 1 February: no two calls of the at-rest series ask
  // for the same one, so none is answered from the route's short-lived cache: the query's own cost.
  const newPeriod = (j: number) => {
    const day = (d: number) => new Date(Date.UTC(2026, 1, 1) + d * 86_400_000).toISOString().slice(0, 10);
    return `${base}/stats?from=${day(j)}&to=${day(j + 29)}`;
  };
  async function call(url: string): Promise<number> {
    const t = performance.now();
    const res = await fetch(url, { headers: auth });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return performance.now() - t;
  }

  const atRest: Record<Row, number[]> = { lookup: [], lookupOpen: [], lookupClosed: [], search: [], stats: [], statsNewPeriod: [] };
  for (const kind of ['lookup', 'search', 'stats'] as const) {
    for (let i = 0; i < 20; i++) await call(urls[kind]()); // warm-up
    for (let i = 0; i < 200; i++) {
      const code = mine[k % mine.length]!;
      const ms = await call(urls[kind]());
      atRest[kind].push(ms);
      if (kind === 'lookup') atRest[openCodes.has(code) ? 'lookupOpen' : 'lookupClosed'].push(ms);
    }
  }
  for (let j = 0; j < 20; j++) await call(newPeriod(200 + j)); // warm-up
  for (let j = 0; j < 200; j++) atRest.statsNewPeriod.push(await call(newPeriod(j)));

  const leaderLogin = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lanhdao', password: 'demo' }) });
  const leaderAuth = { authorization: `Bearer ${((await leaderLogin.json()) as { token: string }).token}` };
  const queueUrls: Record<QueueRow, string> = {
    queue: `${base}/work-queue?limit=50`,
    queueFinding: `${base}/work-queue?finding=UNRESOLVED_VIOLATION&limit=50`,
    queueName: `${base}/work-queue?q=${encodeURIComponent('Văn An')}&limit=50`,
  };
  const queueTimes: Record<QueueRow, number[]> = { queue: [], queueFinding: [], queueName: [] };
  for (const row of Object.keys(queueUrls) as QueueRow[]) {
    const timed = async () => {
      const t = performance.now();
      const res = await fetch(queueUrls[row], { headers: leaderAuth });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${queueUrls[row]}: ${res.status}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 10; i++) await timed(); // warm-up
    for (let i = 0; i < 100; i++) queueTimes[row].push(await timed());
  }

  console.error(`# at rest: ${(['lookup', 'search', 'stats', 'statsNewPeriod'] as const).map((k) => `${k} p50 ${quantile(atRest[k], 0.5).toFixed(1)} p99 ${quantile(atRest[k], 0.99).toFixed(1)} ms`).join('; ')}`);

  // Open loop from a worker thread, so the load generator does not share the server's event loop:
  // requests leave on schedule whatever the answers do; 80 % lookups, 15 % searches, 5 % statistics.
  const eluBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const load = new Worker(LOAD_GENERATOR, {
    eval: true,
    workerData: {
      lookups: mine.map((c) => `${base}/dossiers/${c}`), lookupOpen: mine.map((c) => openCodes.has(c)),
      search: urls.search(), stats: urls.stats(), auth, rps: RPS, seconds: SECONDS,
    },
  });
  const { underLoad, failed, achieved } = await new Promise<{ underLoad: Record<Exclude<Row, 'statsNewPeriod'>, number[]>; failed: Record<Kind, number>; achieved: number }>((resolve, reject) => {
    load.once('message', resolve);
    load.once('error', reject);
  });
  await load.terminate();
  // How busy the server's event loop (Fastify, and PGlite when embedded) was under load, and the
  // process's CPU (both threads: the server and the load generator) per second of wall time.
  const serverBusy = performance.eventLoopUtilization(eluBefore).utilization;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuCores = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);

  const fmt = (x: number) => x.toFixed(1).padStart(8);
  console.log(`bench/records: ${N.toLocaleString('en')} dossiers on ${database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'} (seeded in ${seedSeconds.toFixed(0)} s${held !== N ? `; the table holds ${held.toLocaleString('en')}` : ''}), Node ${process.version}`);
  console.log('  ms                  at rest p50     p99   | under load p50     p99   (target p99)');
  const openShare = (100 * mine.filter((c) => openCodes.has(c)).length) / mine.length;
  const rows: [Row, string, string][] = [
    ['lookup', 'lookup', '< 20'],
    ['lookupOpen', `  open (${openShare.toFixed(1)} %)`, ''],
    ['lookupClosed', '  closed', ''],
    ['search', 'search', '< 200'],
    ['stats', 'stats', '< 200'],
    ['statsNewPeriod', '  each a new period', ''],
  ];
  for (const [row, label, target] of rows) {
    const loaded = row === 'statsNewPeriod' ? '       -        -' : `${fmt(quantile(underLoad[row], 0.5))} ${fmt(quantile(underLoad[row], 0.99))}`;
    console.log(`  ${label.padEnd(18)} ${fmt(quantile(atRest[row], 0.5))} ${fmt(quantile(atRest[row], 0.99))}   | ${loaded}   ${target ? `(${target})` : ''}`.trimEnd());
  }
  for (const [row, label] of [['queue', 'work queue'], ['queueFinding', '  by finding'], ['queueName', '  by name']] as [QueueRow, string][]) {
    console.log(`  ${label.padEnd(18)} ${fmt(quantile(queueTimes[row], 0.5))} ${fmt(quantile(queueTimes[row], 0.99))}   |        -        -`);
  }
  console.log(`  lookups: ${mine.length} codes, ${openShare.toFixed(1)} % of them open (asked of Temporal first); stats: one dashboard URL, answers shared ${STATS_FRESH_MS / 1000} s; ${VACUUM ? 'vacuum analyze' : 'analyze only'} after seeding`);
  console.log(`  load: ${RPS} req/s requested, ${achieved.toFixed(0)} req/s sent over ${SECONDS} s; failed (errors, timeouts): lookup ${failed.lookup}, search ${failed.search}, stats ${failed.stats}`);
  console.log(`  under load: server event loop busy ${(100 * serverBusy).toFixed(0)} %, bench process CPU ${cpuCores.toFixed(2)} cores (of ${os.availableParallelism()})`);

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
