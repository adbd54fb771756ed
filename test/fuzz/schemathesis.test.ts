import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATOR_KEY, buildTestApp } from '../support/api';
import { startStack, type Stack } from '../support/stack';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMATHESIS = path.join(ROOT, '.fuzz', 'venv', 'bin', 'schemathesis');
const REPORTS = process.env.FUZZ_REPORTS ?? path.join(ROOT, 'test', 'artifacts', 'schemathesis');
/** Per operation and caller; docs/security.md gives the run's length with it. Override with FUZZ_EXAMPLES. */
const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 25);
/** While working on some routes: FUZZ_INCLUDE=<path regex>, FUZZ_CALLERS=officer,admin. */
const INCLUDE = process.env.FUZZ_INCLUDE ? ['--include-path-regex', process.env.FUZZ_INCLUDE] : [];
const CALLERS = (process.env.FUZZ_CALLERS ?? 'anonymous,integrator,officer,admin').split(',');
const CHECKS = 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance';

interface Outcome { caller: string; operations: number; requests: number; failures: string[] }

/**
 * Schemathesis against the OpenAPI document, as each kind of caller, on a stack of its own (its own
 * database and Temporal): whatever it generates, the API answers with a status and a body it documents,
 * and never a 5xx. The admin goes last: its calls change accounts and the calendar.
 */
describe('the API under schemathesis', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let base: string;
  const headersOf: Record<string, string[]> = {};

  beforeAll(async () => {
    expect(existsSync(SCHEMATHESIS), 'run scripts/setup-schemathesis.sh').toBe(true);
    stack = await startStack('dev-server');
    app = await buildTestApp(stack);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    mkdirSync(REPORTS, { recursive: true });
    // Logged in before any run: the failed logins schemathesis makes, all from this address, would
    // (rightly) throttle a later login from here.
    headersOf.anonymous = [];
    headersOf.integrator = [`X-API-Key: ${INTEGRATOR_KEY}`];
    headersOf.officer = [await login('motcua')];
    headersOf.admin = [await login('quantri')];
  });
  afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  async function login(username: string): Promise<string> {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'demo' } });
    expect(res.statusCode, res.body).toBe(200);
    return `Authorization: Bearer ${res.json<{ token: string }>().token}`;
  }

  async function fuzz(caller: string, headers: string[]): Promise<Outcome> {
    // A logout would end the very login the run speaks with; the anonymous run still tries it.
    const exclude = caller === 'anonymous' || caller === 'integrator' ? [] : ['--exclude-path', '/api/v1/auth/logout'];
    const junit = path.join(REPORTS, `${caller}.xml`);
    const args = [
      'run', `${base}/docs/json`, '--url', base,
      '--checks', CHECKS, '--max-examples', String(EXAMPLES), '--seed', '20261201',
      '--workers', '1', '--request-timeout', '30', '--phases', 'examples,coverage,fuzzing',
      '--suppress-health-check', 'all', '--no-color',
      '--report', 'junit', '--report-junit-path', junit,
      ...exclude,
      ...INCLUDE,
      ...headers.flatMap((h) => ['--header', h]),
    ];
    const { stdout } = await run(SCHEMATHESIS, args, { maxBuffer: 64 * 1024 * 1024, cwd: REPORTS, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } }).catch(
      (err: { stdout?: string; stderr?: string; code?: number }) => {
        if (err.code === 1 && err.stdout) return { stdout: err.stdout }; // failures found: reported below
        throw new Error(`schemathesis did not run: ${err.stderr ?? err}`);
      },
    );
    writeFileSync(path.join(REPORTS, `${caller}.txt`), stdout);
    const xml = readFileSync(junit, 'utf8');
    // A failure (a check that did not hold) or an error (schemathesis could not test the operation) alike.
    const failures = [...xml.matchAll(/<testcase name="([^"]+)"[^>]*>\s*<(failure|error)\b([^>]*)>/g)].map((m) => `${m[1]}: ${m[2]}${m[3]}`);
    const operations = [...xml.matchAll(/<testcase /g)].length;
    const requests = Number(/(\d+) (?:generated|requests)/.exec(stdout)?.[1] ?? NaN);
    return { caller, operations, requests, failures };
  }

  const outcomes: Outcome[] = [];
  afterAll(() => {
    writeFileSync(
      path.join(REPORTS, 'summary.json'),
      JSON.stringify({ examplesPerOperation: EXAMPLES, outcomes: outcomes.map(({ failures, ...o }) => ({ ...o, failures: failures.length })) }, null, 2),
    );
  });

  for (const caller of ['anonymous', 'integrator', 'officer', 'admin'] as const) {
    it.runIf(CALLERS.includes(caller))(`answers ${caller} as documented, never with a server error`, async () => {
      const outcome = await fuzz(caller, headersOf[caller]!);
      outcomes.push(outcome);
      if (!INCLUDE.length) expect(outcome.operations).toBeGreaterThan(50);
      expect(outcome.failures, readFileSync(path.join(REPORTS, `${caller}.txt`), 'utf8').slice(-20_000)).toEqual([]);
    }, 1_800_000);
  }
});
