import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../temporal.config';

/**
 * What a Temporal cluster must hold before this service can run on it, ensured idempotently
 * through the operator and workflow services: the namespace, with the retention the service is
 * configured for (closed histories outlive it in PostgreSQL's archive), and the search attributes
 * the workflow publishes. A dev server gets them from its start flags; a cluster from this.
 */
const TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

export interface BootstrapReport {
  namespaceCreated: boolean;
  /** The retention the namespace had, when it was changed to the configured one. */
  retentionChangedFrom?: number;
  attributesAdded: string[];
}

const NOT_FOUND = 5;
const isNotFound = (err: unknown) => (err as { code?: number }).code === NOT_FOUND || /not found/i.test((err as Error).message ?? '');

/** Retention as TEMPORAL_RETENTION gives it: `30d`, `720h` or a number of days. */
export function retentionSeconds(text: string): number {
  const m = /^\s*(\d+)\s*(d|h)?\s*$/i.exec(text);
  if (!m) throw new Error(`TEMPORAL_RETENTION: a number of days ("30d") or hours ("720h"), not "${text}"`);
  const seconds = Number(m[1]) * (m[2]?.toLowerCase() === 'h' ? 3600 : 86_400);
  if (seconds < 86_400) throw new Error('TEMPORAL_RETENTION: at least one day (Temporal refuses less)');
  return seconds;
}

/** A namespace just registered is not known to every service of the cluster at once: asked again for up to 30 s. */
async function whileNotFound<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i >= 60 || !isNotFound(err)) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function bootstrapTemporal(connection: Connection, opts: { namespace: string; retentionSeconds: number }): Promise<BootstrapReport> {
  const report: BootstrapReport = { namespaceCreated: false, attributesAdded: [] };
  const { workflowService, operatorService } = connection;
  const retention = msToTs(opts.retentionSeconds * 1000);
  let described: temporal.api.workflowservice.v1.IDescribeNamespaceResponse | undefined;
  try {
    described = await workflowService.describeNamespace({ namespace: opts.namespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!described) {
    try {
      await workflowService.registerNamespace({ namespace: opts.namespace, workflowExecutionRetentionPeriod: retention });
      report.namespaceCreated = true;
    } catch (err) {
      // Another process registered it first: as good.
      if ((err as { code?: number }).code !== 6) throw err;
    }
    // A cluster takes a moment to serve a new namespace everywhere.
    await whileNotFound(() => workflowService.describeNamespace({ namespace: opts.namespace }));
  } else {
    const current = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
    if (current !== opts.retentionSeconds) {
      await workflowService.updateNamespace({ namespace: opts.namespace, config: { workflowExecutionRetentionTtl: retention } });
      report.retentionChangedFrom = current;
    }
  }

  const { customAttributes } = await whileNotFound(() => operatorService.listSearchAttributes({ namespace: opts.namespace }));
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of Object.values(SEARCH_ATTRIBUTES)) {
    const wanted = TYPES[key.type]!;
    const existing = customAttributes?.[key.name];
    if (existing === undefined || existing === null) missing[key.name] = wanted;
    else if (existing !== wanted) {
      throw new Error(`search attribute ${key.name} exists in namespace ${opts.namespace} with another type (${temporal.api.enums.v1.IndexedValueType[existing]}); this service needs ${key.type}`);
    }
  }
  if (Object.keys(missing).length) {
    await whileNotFound(() => operatorService.addSearchAttributes({ namespace: opts.namespace, searchAttributes: missing }));
    report.attributesAdded = Object.keys(missing);
  }
  return report;
}
