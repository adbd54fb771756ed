import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, registryUrlsFrom } from '../../activities';
import { loadTemporalConfig } from '../../temporal.config';
import { serviceClient } from '../../temporal/client';
import { connectTemporal, connectTemporalWorker } from '../../temporal/connection';
import { workerDataConverter } from '../../temporal/data-converter';
import { createWorker } from '../../workers/create-worker';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { WORKFLOW_TYPE, stateQuery, type DossierInput } from '../../workflows/definitions';
import { application } from '../support/fixtures';
import { makeTlsFiles, startGrpcTlsProxy, type GrpcTlsProxy, type TlsFiles } from '../support/grpc-tls-proxy';
import { TEST_SIGNING_KEYRING } from '../support/payload-keys';
import { startStack, type Stack } from '../support/stack';

/**
 * Secure connections (issue 13, item 2): with TEMPORAL_TLS_* or TEMPORAL_API_KEY set, the API's
 * client and the worker reach a frontend that speaks only TLS, demands a client certificate, or
 * demands Temporal Cloud's API key; and without the right credentials they are refused rather
 * than falling back to anything weaker.
 */
const SERVER_NAME = 'temporal.gplx.test';
let stack: Stack;
let files: TlsFiles;
let mtls: GrpcTlsProxy;
let apiKeyed: GrpcTlsProxy;

beforeAll(async () => {
  stack = await startStack('dev-server');
  files = makeTlsFiles(SERVER_NAME);
  mtls = await startGrpcTlsProxy({ upstream: stack.env.address, files, requireClientCert: true });
  apiKeyed = await startGrpcTlsProxy({ upstream: stack.env.address, files, requireClientCert: false, apiKey: 'cloud-key-123' });
});
afterAll(async () => {
  await mtls?.close();
  await apiKeyed?.close();
  await stack?.stop();
});

const configFor = (proxy: GrpcTlsProxy, env: Record<string, string>) => loadTemporalConfig({ TEMPORAL_ADDRESS: proxy.address, ...env });
const mtlsEnv = () => ({
  TEMPORAL_TLS_CA: files.ca,
  TEMPORAL_TLS_CERT: files.clientCert,
  TEMPORAL_TLS_KEY: files.clientKey,
  TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
});

describe('a Temporal frontend behind mTLS', () => {
  it('runs a dossier with a worker and a client that both connect with the certificate', async () => {
    const config = configFor(mtls, mtlsEnv());
    const native = await connectTemporalWorker(config);
    const connection = await connectTemporal(config);
    const taskQueue = `tls-${randomUUID()}`;
    const client = serviceClient(connection, 'default', stack.keyring);
    const worker = await createWorker({
      connection: native,
      namespace: 'default',
      taskQueue,
      activities: createActivities({ db: stack.database.db, registries: registryUrlsFrom(stack.simulators.url), temporal: client }),
      dataConverter: workerDataConverter(stack.keyring, TEST_SIGNING_KEYRING),
    });
    const relayedBefore = mtls.counts.relayed;
    try {
      await worker.runUntil(async () => {
        const reference = `SUB-TLS${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
        const input: DossierInput = { reference, application: application(), submittedAt: new Date().toISOString(), procedure: RENEWAL_PROCEDURE };
        const h = await client.workflow.start(WORKFLOW_TYPE, { workflowId: reference, taskQueue, args: [input] });
        for (let i = 0; i < 200 && (await h.query(stateQuery)).status !== 'AWAITING_RECEIPT'; i++) await new Promise((r) => setTimeout(r, 100));
        expect((await h.query(stateQuery)).status).toBe('AWAITING_RECEIPT');
      });
    } finally {
      await connection.close();
      await native.close();
    }
    // Everything went through the TLS frontend: polls, completions, the start and the queries.
    expect(mtls.counts.relayed - relayedBefore).toBeGreaterThan(5);
  });

  it('is refused without the client certificate, with another CA, or under another server name', async () => {
    const { TEMPORAL_TLS_CERT: _c, TEMPORAL_TLS_KEY: _k, ...noClientCert } = mtlsEnv();
    await expect(connectTemporal(configFor(mtls, noClientCert), { connectTimeout: '3s' }).then((c) => c.workflowService.getSystemInfo({}))).rejects.toThrow();
    await expect(connectTemporal(configFor(mtls, { ...mtlsEnv(), TEMPORAL_TLS_CA: files.otherCa }), { connectTimeout: '3s' })).rejects.toThrow();
    await expect(connectTemporal(configFor(mtls, { ...mtlsEnv(), TEMPORAL_TLS_SERVER_NAME: 'other.gplx.test' }), { connectTimeout: '3s' })).rejects.toThrow();
    await expect(connectTemporalWorker(configFor(mtls, noClientCert))).rejects.toThrow();
  });
});

describe('a frontend that wants an API key, as Temporal Cloud does', () => {
  it('answers the client and the worker that send TEMPORAL_API_KEY over TLS, and refuses one without', async () => {
    const keyed = configFor(apiKeyed, { TEMPORAL_API_KEY: 'cloud-key-123', TEMPORAL_TLS_CA: files.ca, TEMPORAL_TLS_SERVER_NAME: SERVER_NAME });
    const connection = await connectTemporal(keyed);
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
    await connection.close();
    const native = await connectTemporalWorker(keyed);
    await native.close();

    const refusedBefore = apiKeyed.counts.refused;
    const withoutKey = configFor(apiKeyed, { TEMPORAL_TLS_CA: files.ca, TEMPORAL_TLS_SERVER_NAME: SERVER_NAME });
    const refusal = await connectTemporal(withoutKey, { connectTimeout: '3s' }).then(
      (c) => c.workflowService.getSystemInfo({}),
      (err: unknown) => err as Error & { cause?: Error & { code?: number } },
    );
    expect((refusal as { cause?: { code?: number } }).cause?.code).toBe(16); // UNAUTHENTICATED
    expect(apiKeyed.counts.refused).toBeGreaterThan(refusedBefore);
  });
});

describe('the connection settings', () => {
  it('say which variable is wrong, and never send an API key in clear', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CERT: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY/);
    expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).toThrow(/TEMPORAL_TLS/);
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CA: '/ca.pem' })).toThrow(/TEMPORAL_ADDRESS/);
    expect(loadTemporalConfig({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_API_KEY: 'k' }).tls).toEqual({});
    expect(loadTemporalConfig({ TEMPORAL_ADDRESS: 'h:7233' }).tls).toBeUndefined();
    expect(() => connectTemporal(loadTemporalConfig({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CA: '/nonexistent/ca.pem' }))).toThrow(/TEMPORAL_TLS_CA: cannot read/);
  });
});
