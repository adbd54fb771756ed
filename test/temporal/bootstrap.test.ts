import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../../temporal.config';
import { bootstrapTemporal, retentionSeconds } from '../../temporal/bootstrap';
import { TEMPORAL_CLI } from '../support/stack';

/**
 * A cluster that knows nothing of this service (issue 13, item 1): the bootstrap creates the
 * namespace with the configured retention and registers the search attributes, and a second run
 * changes nothing. Against a real Temporal server (the CLI's dev server), in namespaces of its own.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: TEMPORAL_CLI }, extraArgs: ['--log-level', 'error'] } });
});
afterAll(async () => {
  await env?.teardown();
});

const DAY = 86_400;

describe('the Temporal bootstrap', () => {
  it('creates the namespace with its retention and the search attributes, once', async () => {
    const namespace = `bootstrap-${randomUUID().slice(0, 8)}`;
    const first = await bootstrapTemporal(env.connection, { namespace, retentionSeconds: 30 * DAY });
    expect(first.namespaceCreated).toBe(true);
    expect(first.attributesAdded.sort()).toEqual(Object.values(SEARCH_ATTRIBUTES).map((k) => k.name).sort());
    const described = await env.connection.workflowService.describeNamespace({ namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * DAY);
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace });
    expect(customAttributes?.DossierLate).toBe(temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL);
    expect(customAttributes?.DossierDueAt).toBe(temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);

    // Idempotent: nothing to do the second time.
    expect(await bootstrapTemporal(env.connection, { namespace, retentionSeconds: 30 * DAY })).toEqual({ namespaceCreated: false, attributesAdded: [] });
    // A changed TEMPORAL_RETENTION is applied to the namespace.
    const changed = await bootstrapTemporal(env.connection, { namespace, retentionSeconds: 90 * DAY });
    expect(changed.retentionChangedFrom).toBe(30 * DAY);
    expect(Number((await env.connection.workflowService.describeNamespace({ namespace })).config?.workflowExecutionRetentionTtl?.seconds)).toBe(90 * DAY);
  });

  it('refuses a namespace where one of its search attributes has another type', async () => {
    const namespace = `bootstrap-${randomUUID().slice(0, 8)}`;
    await env.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: 7 * DAY } as never });
    for (let i = 0; i < 40; i++) {
      try {
        await env.connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { DossierLate: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD } });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await expect(bootstrapTemporal(env.connection, { namespace, retentionSeconds: 7 * DAY })).rejects.toThrow(/DossierLate exists .* with another type/);
  });

  it('reads TEMPORAL_RETENTION as days or hours, at least a day', () => {
    expect(retentionSeconds('30d')).toBe(30 * DAY);
    expect(retentionSeconds('720h')).toBe(30 * DAY);
    expect(retentionSeconds('14')).toBe(14 * DAY);
    expect(() => retentionSeconds('12h')).toThrow(/at least one day/);
    expect(() => retentionSeconds('a month')).toThrow(/TEMPORAL_RETENTION/);
  });
});
