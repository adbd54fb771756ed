import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';
import { seedDemoAgencies, seedReferenceData } from './seed';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const MIGRATIONS = path.join(__dirname, 'migrations');
/** Any constant shared by every process of this service; serialises concurrent migrations. */
const MIGRATION_LOCK = 724_2025;

export interface OpenOptions {
  url?: string;
  dataDir?: string;
  /**
   * Also seed the demo agencies (with "(demo)" names and a fake bank account): outside production,
   * for the embedded default, the tests and the walk-through. Default true; production passes false
   * and creates its agencies through the admin API.
   */
  demoAgencies?: boolean;
}

/**
 * PostgreSQL when a URL is given, otherwise PGlite (real Postgres compiled to WASM) in `dataDir`,
 * or in memory when `dataDir` is omitted: connected, migrated, and seeded with the reference data
 * every installation needs (the procedure version, the public-sector calendar) and, when asked,
 * the demo agencies. Each step is its own function below, for a caller that wants only some.
 */
export async function openDatabase(opts: OpenOptions = {}): Promise<DatabaseHandle> {
  if (opts.url) await migratePostgresDatabase(opts.url);
  const handle = opts.url ? connectPostgres(opts.url) : await openPglite(opts.dataDir);
  await seedReferenceData(handle.db);
  if (opts.demoAgencies ?? true) await seedDemoAgencies(handle.db);
  return handle;
}

/** Runs the migrations on a PostgreSQL server; one connection holds a session lock so concurrent start-ups (API and worker) migrate in turn. */
export async function migratePostgresDatabase(url: string): Promise<void> {
  const migrator = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres({ client: migrator, schema }), { migrationsFolder: MIGRATIONS });
  } finally {
    await migrator.end({ timeout: 5 });
  }
}

/** A pool of connections to a migrated PostgreSQL server. */
export function connectPostgres(url: string): DatabaseHandle {
  // A stopped server refuses at once, an unreachable one would hold a request for postgres.js's
  // default 30 s: 5 s, then the API answers 503 with Retry-After (db/unavailable.ts).
  const client = postgres(url, { max: 10, connect_timeout: 5, onnotice: () => undefined });
  const db = drizzlePostgres({ client, schema });
  return { db: db as unknown as Database, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
}

/** PGlite in `dataDir` (or in memory), migrated: it lives inside this process, so connecting and migrating are one. */
export async function openPglite(dataDir?: string): Promise<DatabaseHandle> {
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS });
  return { db: db as unknown as Database, kind: 'pglite', close: () => client.close() };
}

/** The rows of a raw `db.execute`: postgres.js answers them as an array, PGlite as `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as T[];
}

export async function ping(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
