import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators } from '../../simulators/server';
import { newKeyLine } from '../../temporal/keyring';
import { freePort } from '../support/ports';
import { startStack, type Stack } from '../support/stack';

/**
 * The worker as production runs it (`npm run worker`, its own process on PostgreSQL): it polls
 * within seconds of its start (from the prebuilt workflow bundle) and serves the Temporal SDK's
 * Prometheus metrics on METRICS_ADDRESS. Needs a PostgreSQL server (TEST_DATABASE_URL; CI has one).
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('the stand-alone worker', () => {
  let stack: Stack;
  let worker: ChildProcess;
  let output = '';
  let metricsAddress: string;
  let dropDatabase: () => Promise<void>;
  const ROOT = path.join(__dirname, '..', '..');

  beforeAll(async () => {
    stack = await startStack('dev-server');
    const simulators = await startSimulators({ port: 0 });
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => undefined });
    const name = `gplx_w${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    dropDatabase = async () => {
      await simulators.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    };
    metricsAddress = `127.0.0.1:${await freePort()}`;
    worker = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'worker-process-')),
        DATABASE_URL: url.toString(),
        TEMPORAL_ADDRESS: stack.env.connection.options.address,
        TEMPORAL_TASK_QUEUE: `worker-process-${randomUUID()}`,
        REGISTRIES_URL: simulators.url,
        PAYLOAD_KEYS: newKeyLine('worker-test'),
        ACTION_SIGNING_KEYS: newKeyLine('worker-test-signing'),
        METRICS_ADDRESS: metricsAddress,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 600 && !/worker polling/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
  }, 120_000);
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await new Promise((r) => (worker?.exitCode === null ? worker.once('exit', r) : r(undefined)));
    await dropDatabase?.();
    await stack?.stop();
  });

  it('polls from the prebuilt bundle, saying how long after its start', () => {
    const line = /worker polling \S+ ([\d.]+) s after its start \(workflow bundle: (\w+)\)/.exec(output);
    expect(line, output).not.toBeNull();
    expect(line![2]).toBe('prebuilt');
  });

  it("serves the SDK's Prometheus metrics on METRICS_ADDRESS", async () => {
    let text = '';
    for (let i = 0; i < 50 && !/temporal_/.test(text); i++) {
      text = await fetch(`http://${metricsAddress}/metrics`).then((r) => r.text(), () => '');
      if (!/temporal_/.test(text)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(text).toMatch(/temporal_\w+/);
  });
});
