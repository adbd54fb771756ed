import { loadTemporalConfig } from '../temporal.config';
import { bootstrapTemporal, retentionSeconds } from '../temporal/bootstrap';
import { connectTemporal } from '../temporal/connection';

/**
 * `npm run temporal:bootstrap`: ensures, on the cluster TEMPORAL_ADDRESS names, the namespace
 * (TEMPORAL_NAMESPACE) with the retention TEMPORAL_RETENTION and the service's search attributes.
 * Safe to run any number of times; the worker does the same at every start.
 */
async function main(): Promise<void> {
  const config = loadTemporalConfig();
  const connection = await connectTemporal(config);
  try {
    const report = await bootstrapTemporal(connection, { namespace: config.namespace, retentionSeconds: retentionSeconds(config.retention) });
    console.log(
      `namespace ${config.namespace} on ${config.address}: ${report.namespaceCreated ? 'created' : 'present'}, retention ${config.retention}` +
        `${report.retentionChangedFrom !== undefined ? ` (was ${report.retentionChangedFrom / 86_400} d)` : ''}; ` +
        `search attributes ${report.attributesAdded.length ? `added: ${report.attributesAdded.join(', ')}` : 'all present'}`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
