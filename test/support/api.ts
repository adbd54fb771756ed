import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createAccountDirectory, type AccountPolicy } from '../../api/auth/accounts';
import { buildApp } from '../../api/app';
import type { PayloadKeyring } from '../../temporal/payload-keys';
import type { Stack } from './stack';

export const INTEGRATOR_KEY = 'test-integrator-key';
/** Where the tests' Temporal Web UI would be: the origin the codec endpoint lets call with credentials. */
export const TEST_UI_ORIGIN = 'http://127.0.0.1:8233';
/** Where the tests' public lookup page is said to be (the QR codes' address). */
export const TEST_PUBLIC_BASE_URL = 'https://dichvucong.test.gov.vn';

/** Passwords hashed at about a sixth of production's scrypt cost: the tests log in often, on two cores. */
export const TEST_SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 };

export async function buildTestApp(
  stack: Stack,
  client: Client = stack.env.client,
  policy: Partial<AccountPolicy> = {},
  extra: { keyring?: PayloadKeyring; temporalUiOrigins?: string[]; publicBaseUrl?: string; trustProxy?: string[]; accessLogSpoolDir?: string; metricsToken?: string } = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    client,
    keyring: extra.keyring ?? stack.keyring,
    signing: stack.signing,
    temporalUiOrigins: extra.temporalUiOrigins ?? [TEST_UI_ORIGIN],
    publicBaseUrl: extra.publicBaseUrl ?? TEST_PUBLIC_BASE_URL,
    ...(extra.trustProxy ? { trustProxy: extra.trustProxy } : {}),
    ...(extra.accessLogSpoolDir ? { accessLogSpoolDir: extra.accessLogSpoolDir } : {}),
    ...(extra.metricsToken ? { metricsToken: extra.metricsToken } : {}),
    db: stack.database.db,
    taskQueue: stack.taskQueue,
    accounts: createAccountDirectory({
      demo: true,
      demoPassword: 'demo',
      demoIntegratorKey: INTEGRATOR_KEY,
      policy: { scryptCost: TEST_SCRYPT_COST, ...policy },
    }),
    jwtSecret: 'test-secret-test-secret-test-secret-0123',
  });
  await app.ready();
  return app;
}

/** A thin client over app.inject that speaks as one caller. */
export class Caller {
  private constructor(
    private readonly app: FastifyInstance,
    /** What it authenticates with (Authorization or X-API-Key), for a request the helpers below do not make. */
    readonly headers: Record<string, string>,
  ) {}

  static integrator(app: FastifyInstance): Caller {
    return new Caller(app, { 'x-api-key': INTEGRATOR_KEY });
  }

  static async staff(app: FastifyInstance, username: string): Promise<Caller> {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'demo' } });
    expect(res.statusCode, res.body).toBe(200);
    return new Caller(app, { authorization: `Bearer ${res.json<{ token: string }>().token}` });
  }

  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
    return this.app.inject({ method, url, headers: this.headers, ...(body === undefined ? {} : { payload: body as object }) });
  }

  submit(application: unknown) {
    return this.app.inject({ method: 'POST', url: '/api/v1/dossiers', headers: this.headers, payload: application as object });
  }

  get(id: string) {
    return this.app.inject({ method: 'GET', url: `/api/v1/dossiers/${encodeURIComponent(id)}`, headers: this.headers });
  }

  act(id: string, action: string, body?: unknown, idempotencyKey?: string) {
    return this.app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${encodeURIComponent(id)}/actions/${action}`,
      headers: { ...this.headers, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  }

  /** Performs an action that must succeed and returns the new state. */
  async ok(id: string, action: string, body?: unknown): Promise<DossierBody> {
    const res = await this.act(id, action, body);
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
    return res.json<DossierBody>();
  }

  async waitFor(id: string, status: string): Promise<DossierBody> {
    for (let i = 0; i < 300; i++) {
      const res = await this.get(id);
      if (res.statusCode === 200 && res.json<DossierBody>().status === status) return res.json<DossierBody>();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${id} never reached ${status}: ${(await this.get(id)).body}`);
  }
}

// Loosely typed on purpose: the tests assert the JSON the API really sends.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DossierBody = Record<string, any>;
