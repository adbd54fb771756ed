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
import { seedReferenceData } from './seed';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const MIGRATIONS = path.join(__dirname, 'migrations');
/** Any constant shared by every process of this service; serialises concurrent migrations. */
const MIGRATION_LOCK = 724_2025;

/**
 * PostgreSQL when a URL is given, otherwise PGlite (real Postgres compiled to WASM) in `dataDir`,
 * or in memory when `dataDir` is omitted. Migrations and reference seeds run before the handle is returned.
 */
export async function openDatabase(opts: { url?: string; dataDir?: string } = {}): Promise<DatabaseHandle> {
  if (opts.url) {
    // One connection holds a session lock so concurrent start-ups (API and worker) migrate in turn.
    const migrator = postgres(opts.url, { max: 1, onnotice: () => undefined });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(drizzlePostgres({ client: migrator, schema }), { migrationsFolder: MIGRATIONS });
    } finally {
      await migrator.end({ timeout: 5 });
    }
    // A stopped server refuses at once, an unreachable one would hold a request for postgres.js's
    // default 30 s: 5 s, then the API answers 503 with Retry-After (db/unavailable.ts).
    const client = postgres(opts.url, { max: 10, connect_timeout: 5, onnotice: () => undefined });
    const db = drizzlePostgres({ client, schema });
    await seedReferenceData(db as unknown as Database);
    return { db: db as unknown as Database, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
  }
  const client = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS });
  await seedReferenceData(db as unknown as Database);
  return { db: db as unknown as Database, kind: 'pglite', close: () => client.close() };
}

export async function ping(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
