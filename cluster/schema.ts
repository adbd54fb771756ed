import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { PostgresServer } from './postgres';

/**
 * Temporal's two databases on PostgreSQL, made and brought to the release's schema with its own SQL
 * tool: `create-database` (only when missing), `setup-schema -v 0.0` (the version tables; a no-op
 * once there) and `update-schema` (applies only the versions not yet applied). Safe to run at every
 * start; an upgrade of the server is an update-schema away.
 */

const run = promisify(execFile);

export type TemporalStore = 'temporal' | 'visibility';

export interface SchemaOptions {
  sqlTool: string;
  server: PostgresServer;
  /** `schema/postgresql/v12` of the server module; undefined: the copy embedded in the tool. */
  schemaDir?: string;
  /** Where the tool's output goes. */
  logFile: string;
}

async function databaseExists(server: PostgresServer, name: string): Promise<boolean> {
  const sql = postgres(server.adminUrl, { max: 1, onnotice: () => undefined, connect_timeout: 10 });
  try {
    return (await sql`select 1 from pg_database where datname = ${name}`).length > 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function sqlTool(opts: SchemaOptions, database: string, args: string[]): Promise<void> {
  const argv = ['--plugin', 'postgres12', '--endpoint', opts.server.host, '--port', String(opts.server.port), '--user', opts.server.user, '--database', database, ...args];
  appendFileSync(opts.logFile, `\n$ ${path.basename(opts.sqlTool)} ${argv.join(' ')}\n`);
  try {
    const { stdout, stderr } = await run(opts.sqlTool, argv, {
      // The password through the environment, not the command line others can read.
      env: { ...process.env, SQL_PASSWORD: opts.server.password },
      maxBuffer: 16 * 1024 * 1024,
    });
    appendFileSync(opts.logFile, stdout + stderr);
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    appendFileSync(opts.logFile, `${e.stdout ?? ''}${e.stderr ?? ''}`);
    throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed (see ${opts.logFile}): ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}`);
  }
}

/** Creates `database` if missing and brings it to the schema of `store`; returns whether it was created. */
export async function ensureTemporalDatabase(opts: SchemaOptions, database: string, store: TemporalStore): Promise<{ created: boolean }> {
  const created = !(await databaseExists(opts.server, database));
  if (created) await sqlTool(opts, database, ['create-database', '--defaultdb', 'postgres']);
  await sqlTool(opts, database, ['setup-schema', '-v', '0.0']);
  await sqlTool(
    opts,
    database,
    opts.schemaDir ? ['update-schema', '-d', path.join(opts.schemaDir, store, 'versioned')] : ['update-schema', '--schema-name', `postgresql/v12/${store}`],
  );
  return { created };
}

/** The schema version a Temporal database is at (for the start-up report). */
export async function schemaVersionOf(server: PostgresServer, database: string): Promise<string | undefined> {
  const sql = postgres(server.urlOf(database), { max: 1, onnotice: () => undefined, connect_timeout: 10 });
  try {
    const [row] = await sql<{ curr_version: string }[]>`select curr_version from schema_version limit 1`;
    return row?.curr_version;
  } catch {
    return undefined;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
