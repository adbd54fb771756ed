import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../temporal.config';

/**
 * The one way every process of this service (API, worker, bootstrap, audit, benchmarks) reaches
 * Temporal: the address, and for a secured cluster TLS (the server's CA, a client certificate for
 * mTLS, a server name override) or Temporal Cloud's API key. Certificates are read from files, as
 * a secret store mounts them, once per connection so a rotated certificate is taken at the next
 * start.
 */
export function temporalConnectionOptions(config: TemporalConfig): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  return {
    address: config.address,
    ...(config.tls ? { tls: tlsOf(config.tls) } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}

function tlsOf(tls: NonNullable<TemporalConfig['tls']>): TLSConfig {
  const read = (file: string, variable: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  return {
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(tls.caFile ? { serverRootCACertificate: read(tls.caFile, 'TEMPORAL_TLS_CA') } : {}),
    ...(tls.certFile && tls.keyFile
      ? { clientCertPair: { crt: read(tls.certFile, 'TEMPORAL_TLS_CERT'), key: read(tls.keyFile, 'TEMPORAL_TLS_KEY') } }
      : {}),
  };
}

/** A client connection (API, bootstrap, archiver, scripts). */
export function connectTemporal(config: TemporalConfig, extra: Pick<ConnectionOptions, 'connectTimeout'> = {}): Promise<Connection> {
  return Connection.connect({ ...temporalConnectionOptions(config), ...extra });
}

/** A worker's connection (the Rust core's), with the same address and credentials. */
export function connectTemporalWorker(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(config));
}
