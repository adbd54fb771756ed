import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../test/support/ports';
import os from 'node:os';
import path from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Application } from '../domain/application';
import { startTemporalDevServer } from '../scripts/temporal-dev-server';
import { loadTemporalConfig, type TemporalConfig } from '../temporal.config';
import { serviceClient } from '../temporal/client';
import { signAction, type SigningKeyring } from '../temporal/action-signing';
import type { Actor } from '../domain/roles';
import { keyringOf, newKeyLine, parseKeyLines } from '../temporal/keyring';

const ROOT = path.join(__dirname, '..');
export const BENCH_INTEGRATOR_KEY = 'bench-integrator-key';
export const AGENCY = '000.00.01.H22';


export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BenchService {
  temporal: TemporalConfig;
  base: string;
  client: Client;
  /** The key the service checks action requests with: the benchmark's direct client signs with it, as the API does. */
  signing: SigningKeyring;
  /** For a worker of the benchmark's own (the bare workflow of bench/lifecycle). */
  nativeConnection: NativeConnection;
  service: ChildProcess;
  /** Peak resident set of the service process (worker + API + PGlite + simulators), MiB. */
  peakRssMb(): number;
  /** CPU seconds used so far by the Temporal server, the service process and this process. */
  cpuSeconds(): { temporal: number; service: number; bench: number };
  stop(): Promise<void>;
}

/**
 * A Temporal dev server (SQLite file in a temp folder, or BENCH_TEMPORAL_DIR, e.g. /dev/shm to
 * take the disk out) and the service in its own process, so its memory is measured alone.
 */
export async function startBenchService(): Promise<BenchService> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gplx-bench-'));
  const [temporalPort, uiPort, apiPort, simPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const temporal = loadTemporalConfig({
    ...process.env,
    TEMPORAL_ADDRESS: undefined,
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DB_FILE: path.join(process.env.BENCH_TEMPORAL_DIR ?? tmp, `temporal-${temporalPort}.sqlite`),
    TEMPORAL_CLI_PATH: path.resolve(ROOT, loadTemporalConfig().devServer.cliPath),
  });
  const server = await startTemporalDevServer(temporal, (m) => console.error(`# ${m}`));
  // The service and this process's own client share one key, as the API and the worker do.
  const keys = newKeyLine('bench');
  const signingKeys = newKeyLine('bench-signing');
  // BENCH_SERVICE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the service process.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const service = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'scripts', 'dev.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      PORT: String(apiPort),
      SIMULATORS_PORT: String(simPort),
      DATA_DIR: tmp,
      LOG_LEVEL: 'warn',
      DEMO_INTEGRATOR_KEY: BENCH_INTEGRATOR_KEY,
      PAYLOAD_KEYS: keys,
      ACTION_SIGNING_KEYS: signingKeys,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 600 || service.exitCode !== null) throw new Error('service did not start');
    await sleep(200);
  }
  const connection = await Connection.connect({ address: temporal.address });
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  return {
    temporal,
    base,
    client: serviceClient(connection, temporal.namespace, keyringOf(parseKeyLines(keys, 'bench'))),
    nativeConnection,
    signing: keyringOf(parseKeyLines(signingKeys, 'bench-signing')),
    service,
    cpuSeconds: () => ({ temporal: cpuOf(server.pid), service: cpuOf(service.pid!), bench: cpuOf(process.pid) }),
    peakRssMb: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${service.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024,
    async stop() {
      await connection.close();
      await nativeConnection.close();
      service.kill('SIGTERM');
      await new Promise((r) => service.once('exit', r));
      await server.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** User + system CPU time of a process, from /proc (Linux). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: process.env.DEMO_PASSWORD ?? 'demo' }),
  });
  return ((await res.json()) as { token: string }).token;
}

let seq = 0;
export function benchApplication(): Application {
  seq += 1;
  const suffix = String(1000 + (seq % 8000));
  return {
    agencyCode: AGENCY,
    applicant: {
      fullName: 'Trần Thị Bình', dateOfBirth: '1990-01-01', citizenId: `07909000${suffix}`, phone: '0987654321',
      email: 'binh@example.vn', address: '1 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội',
    },
    licence: { number: `01012345${suffix}`, class: 'B', issuedOn: '2016-01-01', expiresOn: '2026-12-01' },
    healthCertificateId: `GKSK-07909000${suffix}`,
    delivery: { method: 'post', address: '1 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội' },
  };
}

/** Runs `one(i)` for i < n with at most `concurrency` in flight; returns the seconds it took. */
export async function pool(n: number, concurrency: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await one(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}

export const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/** An action request as the API sends it: signed (temporal/action-signing.ts). */
export function signedRequest(signing: SigningKeyring, reference: string, action: string, actor: Actor, body: Record<string, unknown>) {
  const who = { username: actor.username, roles: actor.roles, agencyCode: actor.agencyCode };
  return { actor: who, body, signature: signAction(signing, { action, reference, at: new Date().toISOString(), actor: who, body }) };
}
