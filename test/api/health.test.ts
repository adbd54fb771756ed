import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/api';
import { freePort } from '../support/ports';
import { startStack, type Stack } from '../support/stack';

/** The probes an orchestrator polls: live while the process answers, ready while Temporal and the database do. */
let stack: Stack;
let app: FastifyInstance;
let orphan: FastifyInstance;

beforeAll(async () => {
  stack = await startStack('time-skipping');
  app = await buildTestApp(stack);
  // The same API whose Temporal is nowhere to be reached.
  const nowhere = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 });
  orphan = await buildTestApp(stack, new Client({ connection: nowhere }));
});
afterAll(async () => {
  await orphan?.close();
  await app?.close();
  await stack?.stop();
});

describe('health', () => {
  it('is live and ready, without a login, when Temporal and the database answer', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'live' });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', dependencies: { temporal: 'up', database: 'up' } });
  });

  it('is live but not ready, naming Temporal, when Temporal does not answer', async () => {
    expect((await orphan.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const ready = await orphan.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('5');
    expect(ready.json()).toMatchObject({ status: 'unavailable', dependencies: { temporal: 'down', database: 'up' }, errors: { temporal: expect.any(String) } });
  });
});
