import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants as fsConstants, createReadStream, createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, rowsOf, type DatabaseHandle } from './client';

/**
 * Backups of the results database (scripts/backup.ts, scripts/restore.ts).
 *
 * A backup is one file: a 4096-byte header (the magic `gplx-backup/1 `, then the manifest as one
 * line of JSON, padded with spaces, ending in a newline) followed by the payload: PGlite's data
 * directory as a tar.gz (`dumpDataDir()`), or `pg_dump --format=custom` of the PostgreSQL database.
 * The manifest says which, when, at which migration, how many rows the main tables held, and the
 * payload's size and sha256: restore checks all of it before it touches anything, and afterwards
 * opens the restored database (migrations run) and compares the row counts.
 * `tail -c +4097 FILE` is the bare payload, for `pg_restore` or `tar` by hand.
 */

export const HEADER_BYTES = 4096;
const MAGIC = 'gplx-backup/1 ';
const MIGRATIONS_JOURNAL = path.join(__dirname, 'migrations', 'meta', '_journal.json');
/** Tables whose row counts the manifest records and restore checks (the seeds never write them). */
export const COUNTED_TABLES = ['dossiers', 'dossier_transitions', 'workflow_histories', 'access_log', 'accounts'] as const;

export type BackupKind = 'pglite' | 'postgres';

export interface BackupManifest {
  format: 'gplx-backup';
  version: 1;
  kind: BackupKind;
  createdAt: string;
  /** What was backed up: the data directory, or user@host:port/database (never a password). */
  source: string;
  /** `select version()` of the server (PGlite's Postgres, or the PostgreSQL server). */
  server: string;
  /** Schema migrations applied in the backed-up database, and the tag of the last one. */
  migrations: { applied: number; last: string | null };
  /** Row counts of COUNTED_TABLES in the backed-up snapshot (a table the schema did not have yet is absent). */
  rows: Partial<Record<(typeof COUNTED_TABLES)[number], number>>;
  payload: { format: 'tar.gz' | 'pg_dump-custom'; bytes: number; sha256: string };
}

/** One line about a backup: what, when, which schema, how many rows, the payload's hash. */
export function describeManifest(m: BackupManifest): string {
  const rows = Object.entries(m.rows).map(([t, n]) => `${n} ${t}`).join(', ');
  return `${m.kind} backup of ${m.source}, made ${m.createdAt}: ${m.migrations.applied} migrations (last ${m.migrations.last ?? 'none'}); ${rows}; payload ${m.payload.format} ${m.payload.bytes} bytes, sha256 ${m.payload.sha256}`;
}

/** A refusal before anything was changed: the target is in use or not empty, the file is damaged, the kinds differ. */
export class BackupRefusedError extends Error {}

// ---------------------------------------------------------------------------------------------
// The file

function encodeHeader(manifest: BackupManifest): Buffer {
  const text = Buffer.from(MAGIC + JSON.stringify(manifest), 'utf8');
  if (text.length + 1 > HEADER_BYTES) throw new Error('backup manifest too long for its header');
  return Buffer.concat([text, Buffer.alloc(HEADER_BYTES - text.length - 1, ' '), Buffer.from('\n')]);
}

function decodeHeader(header: Buffer, file: string): BackupManifest {
  const text = header.toString('utf8');
  if (header.length < HEADER_BYTES || !text.startsWith(MAGIC)) throw new BackupRefusedError(`${file} is not a GPLX backup (no "${MAGIC.trim()}" header)`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text.slice(MAGIC.length).trim()) as BackupManifest;
  } catch {
    throw new BackupRefusedError(`${file}: the backup's manifest is not readable JSON`);
  }
  if (manifest.format !== 'gplx-backup' || manifest.version !== 1 || (manifest.kind !== 'pglite' && manifest.kind !== 'postgres')) {
    throw new BackupRefusedError(`${file}: unknown backup format ${manifest.format}/${manifest.version} (${manifest.kind})`);
  }
  if (!/^[0-9a-f]{64}$/.test(manifest.payload?.sha256 ?? '') || !Number.isInteger(manifest.payload?.bytes)) throw new BackupRefusedError(`${file}: the manifest has no payload size or sha256`);
  return manifest;
}

function hashing(): { stream: Transform; result(): { bytes: number; sha256: string } } {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

/**
 * Writes `payload` after a header, then the header (which needs the payload's hash), to a new file
 * of mode 0600 (never over an existing one); a failure leaves no file behind.
 */
async function writeBackupFile(
  file: string,
  produce: (into: Writable) => Promise<void>,
  manifestOf: (written: { bytes: number; sha256: string }) => BackupManifest | Promise<BackupManifest>,
): Promise<BackupManifest> {
  if (existsSync(file)) throw new BackupRefusedError(`${file} exists: a backup is never written over another file`);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial-${process.pid}`;
  // The payload goes after the header's place; the file is private from its first byte.
  const out = createWriteStream(partial, { flags: 'wx', mode: 0o600, start: HEADER_BYTES });
  try {
    await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
    await fs.chmod(partial, 0o600);
    const hash = hashing();
    // The producer writes (and ends) the hashing stream, which feeds the file.
    await Promise.all([produce(hash.stream), pipeline(hash.stream, out)]);
    const manifest = await manifestOf(hash.result());
    const fh = await fs.open(partial, 'r+');
    try {
      await fh.write(encodeHeader(manifest), 0, HEADER_BYTES, 0);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.link(partial, file); // fails rather than replaces, should the name have appeared meanwhile
      await fs.unlink(partial);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupRefusedError(`${file} exists: a backup is never written over another file`);
      await fs.rename(partial, file); // a file system without hard links
    }
    return manifest;
  } catch (err) {
    out.destroy();
    await fs.rm(partial, { force: true });
    throw err;
  }
}

/** The manifest of a backup file, after checking its payload's size and sha256. Reads nothing else. */
export async function readBackup(file: string): Promise<BackupManifest> {
  const fh = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new BackupRefusedError(err.code === 'ENOENT' ? `${file}: no such file` : `${file}: ${err.message}`);
  });
  let manifest: BackupManifest;
  let size: number;
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await fh.read(header, 0, HEADER_BYTES, 0);
    manifest = decodeHeader(header.subarray(0, bytesRead), file);
    size = (await fh.stat()).size;
  } finally {
    await fh.close();
  }
  if (size !== HEADER_BYTES + manifest.payload.bytes) {
    throw new BackupRefusedError(`${file} is ${size} bytes, its manifest says ${HEADER_BYTES + manifest.payload.bytes}: the file is truncated or damaged`);
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { start: HEADER_BYTES })) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual !== manifest.payload.sha256) {
    throw new BackupRefusedError(`${file}: the payload's sha256 is ${actual}, its manifest says ${manifest.payload.sha256}: the file is damaged or was altered`);
  }
  return manifest;
}

const payloadOf = (file: string) => createReadStream(file, { start: HEADER_BYTES });

// ---------------------------------------------------------------------------------------------
// What the database holds: migrations and row counts

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}
export const migrationJournal = (): Journal => JSON.parse(readFileSync(MIGRATIONS_JOURNAL, 'utf8')) as Journal;

type Query = (text: string) => Promise<Record<string, unknown>[]>;

async function describeDatabase(query: Query): Promise<Pick<BackupManifest, 'server' | 'migrations' | 'rows'>> {
  const [version] = await query('select version() as v');
  const present = new Set(
    (await query(`select table_schema || '.' || table_name as t from information_schema.tables where table_schema in ('public', 'drizzle')`)).map((r) => String(r.t)),
  );
  let migrations: BackupManifest['migrations'] = { applied: 0, last: null };
  if (present.has('drizzle.__drizzle_migrations')) {
    const [m] = await query('select count(*)::int as n, max(created_at)::text as last from drizzle.__drizzle_migrations');
    const last = m?.last == null ? null : Number(m.last);
    migrations = { applied: Number(m?.n ?? 0), last: last === null ? null : (migrationJournal().entries.find((e) => e.when === last)?.tag ?? String(last)) };
  }
  const tables = COUNTED_TABLES.filter((t) => present.has(`public.${t}`));
  const rows: BackupManifest['rows'] = {};
  if (tables.length) {
    const [counts] = await query(`select ${tables.map((t) => `(select count(*)::int from public.${t}) as ${t}`).join(', ')}`);
    for (const t of tables) rows[t] = Number(counts?.[t]);
  }
  return { server: String(version?.v ?? 'unknown'), migrations, rows };
}

const pgliteQuery =
  (client: PGlite): Query =>
  async (text) =>
    (await client.query<Record<string, unknown>>(text)).rows;

/** Row counts and migrations through an open handle (after a restore: what the service will see). */
export async function describeOpenDatabase(handle: DatabaseHandle): Promise<Pick<BackupManifest, 'server' | 'migrations' | 'rows'>> {
  return describeDatabase(async (text) => {
    return rowsOf<Record<string, unknown>>(await handle.db.execute(sql.raw(text)));
  });
}

/**
 * Refuses a backup made by a newer release of the service (more migrations than this code has):
 * its schema would be one this code does not know. An older one is fine: openDatabase migrates it.
 */
export function checkRestorable(manifest: BackupManifest): void {
  const known = migrationJournal().entries.length;
  if (manifest.migrations.applied > known) {
    throw new BackupRefusedError(
      `the backup's database has ${manifest.migrations.applied} migrations (last ${manifest.migrations.last}), this release knows ${known}: restore it with the release that made it, or a newer one`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// PGlite

const timestamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** The default name of a new backup: `gplx-<kind>-<UTC time>.backup` in `dir` (the scripts: DATA_DIR/backups, private and not in git). */
export const defaultBackupFile = (kind: BackupKind, dir: string) => path.resolve(dir, `gplx-${kind}-${timestamp()}.backup`);

/** The PGlite instance under a handle opened on PGlite (drizzle keeps its client as `$client`). */
export function pgliteOf(handle: DatabaseHandle): PGlite {
  const client = (handle.db as unknown as { $client?: unknown }).$client;
  if (handle.kind !== 'pglite' || !(client instanceof PGlite)) throw new Error('not a PGlite database');
  return client;
}

/** PGlite serves one process and leaves `postmaster.pid` in its directory while open (or after a crash). */
export function pgliteInUse(dir: string): boolean {
  return existsSync(path.join(dir, 'postmaster.pid'));
}

function refuseInUse(dir: string): void {
  if (pgliteInUse(dir)) {
    throw new BackupRefusedError(
      `the embedded database ${dir} is open in another process (npm start?): PGlite serves one process at a time, stop the service first. ` +
        `(If nothing is running, the service stopped without closing it: remove ${path.join(dir, 'postmaster.pid')}.)`,
    );
  }
}

/**
 * Backs up an open PGlite: `dumpDataDir()` copies its files while holding PGlite's query lock, so
 * no statement runs meanwhile and the copy is what a crash at that instant would leave: committed
 * transactions only, recovered from the WAL on restore. The dump is then loaded into a throw-away
 * in-memory PGlite to count its rows (so the manifest describes exactly what the file holds, and the
 * file is known to load).
 */
export async function backupPglite(client: PGlite, file: string, source: string): Promise<BackupManifest> {
  await client.query('checkpoint');
  const tarball = Buffer.from(await (await client.dumpDataDir('gzip')).arrayBuffer());
  const probe = new PGlite({ loadDataDir: new Blob([tarball]) });
  let described: Awaited<ReturnType<typeof describeDatabase>>;
  try {
    described = await describeDatabase(pgliteQuery(probe));
  } finally {
    await probe.close();
  }
  return writeBackupFile(
    file,
    (into) => pipeline(Readable.from([tarball]), into),
    (payload) => ({ format: 'gplx-backup', version: 1, kind: 'pglite', createdAt: new Date().toISOString(), source, ...described, payload: { format: 'tar.gz', ...payload } }),
  );
}

/** Backs up the embedded database in `dir`, which no process may have open (the service stopped). */
export async function backupPgliteDir(dir: string, file: string): Promise<BackupManifest> {
  if (!existsSync(path.join(dir, 'PG_VERSION'))) throw new BackupRefusedError(`no embedded database at ${dir}`);
  refuseInUse(dir);
  const client = new PGlite(dir);
  try {
    await client.waitReady;
    return await backupPglite(client, file, dir);
  } finally {
    await client.close();
  }
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** What the restored database holds once opened by the service (migrations run). */
  restored: Pick<BackupManifest, 'server' | 'migrations' | 'rows'>;
  /** Where the database that was there before went (PGlite: the old directory; PostgreSQL: a backup of it). */
  previous?: string;
}

function checkCounts(manifest: BackupManifest, restored: Pick<BackupManifest, 'rows'>): void {
  const wrong = Object.entries(manifest.rows).filter(([t, n]) => restored.rows[t as keyof BackupManifest['rows']] !== n);
  if (wrong.length) {
    throw new Error(
      `the restored database does not hold what the backup says: ${wrong.map(([t, n]) => `${t} ${restored.rows[t as keyof BackupManifest['rows']] ?? 'missing'} (backup: ${n})`).join(', ')}`,
    );
  }
}

const isEmptyDir = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

/**
 * Restores a PGlite backup into `dir`: into a new sibling directory first (loaded, closed, then
 * opened with openDatabase so migrations run, and its rows counted against the manifest), which
 * then takes `dir`'s place. A non-empty `dir` is refused unless `force`, and then moved aside to
 * `<dir>.pre-restore-<time>`, never deleted. A `dir` in use (postmaster.pid) is always refused.
 */
export async function restorePgliteDir(file: string, dir: string, options: { force?: boolean } = {}): Promise<RestoreResult> {
  const manifest = await readBackup(file);
  if (manifest.kind !== 'pglite') throw new BackupRefusedError(`${file} is a ${manifest.kind} backup: restore it with DATABASE_URL set to the PostgreSQL database to restore into`);
  checkRestorable(manifest);
  if (existsSync(dir)) refuseInUse(dir);
  const empty = isEmptyDir(dir);
  if (!empty && !options.force) throw new BackupRefusedError(`${dir} is not empty: restore into an empty directory, or pass --force to move it aside first`);

  const stamp = timestamp();
  const staging = `${dir}.restoring-${stamp}`;
  await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  await fs.mkdir(staging, { mode: 0o700 });
  let restored: RestoreResult['restored'];
  try {
    const buffer = await fs.readFile(file);
    const tarball = buffer.subarray(HEADER_BYTES);
    // The bytes loaded are the bytes checked (the file could have changed since readBackup).
    if (createHash('sha256').update(tarball).digest('hex') !== manifest.payload.sha256) throw new BackupRefusedError(`${file} changed while it was being restored`);
    const client = new PGlite(staging, { loadDataDir: new Blob([tarball]) });
    await client.waitReady;
    await client.close();
    const handle = await openDatabase({ dataDir: staging });
    try {
      restored = await describeOpenDatabase(handle);
    } finally {
      await handle.close();
    }
    checkCounts(manifest, restored);
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true });
    throw err;
  }
  let previous: string | undefined;
  if (!empty) {
    refuseInUse(dir); // the service may have been started meanwhile
    previous = `${dir}.pre-restore-${stamp}`;
    await fs.rename(dir, previous);
  } else if (existsSync(dir)) {
    await fs.rmdir(dir);
  }
  await fs.rename(staging, dir);
  return { manifest, restored, ...(previous ? { previous } : {}) };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** user@host:port/database of a URL: how it is shown, never with its password. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
  return `${user}${u.hostname || u.searchParams.get('host') || 'localhost'}:${u.port || '5432'}${u.pathname || '/'}`;
}

/**
 * libpq's environment for a postgres:// URL: the password goes in PGPASSWORD, nothing secret on a
 * command line. Also returns the database name (pg_restore's --dbname).
 */
export function libpqEnv(url: string): { env: Record<string, string>; database: string } {
  const u = new URL(url);
  const env: Record<string, string> = { PGAPPNAME: 'gplx-backup' };
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || u.searchParams.get('host');
  if (host) env.PGHOST = host;
  if (u.port || u.searchParams.get('port')) env.PGPORT = u.port || u.searchParams.get('port')!;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || env.PGUSER || 'postgres';
  env.PGDATABASE = database;
  const params: Record<string, string> = { sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY', connect_timeout: 'PGCONNECT_TIMEOUT' };
  for (const [param, name] of Object.entries(params)) {
    const value = u.searchParams.get(param);
    if (value) env[name] = value;
  }
  // postgres.js also takes ?ssl=true / ?ssl=require.
  const ssl = u.searchParams.get('ssl');
  if (ssl && !env.PGSSLMODE && ssl !== 'false' && ssl !== 'disable') env.PGSSLMODE = ssl === 'true' ? 'require' : ssl;
  return { env, database };
}

/**
 * A PostgreSQL client program: from PG_BINDIR if set, else the PATH, else the newest
 * /usr/lib/postgresql/<version>/bin (Debian's layout). pg_dump must be at least the server's version.
 */
export function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const debian = (() => {
    try {
      return readdirSync('/usr/lib/postgresql')
        .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
        .map((v) => path.join('/usr/lib/postgresql', v, 'bin'));
    } catch {
      return [];
    }
  })();
  const dirs = [...(process.env.PG_BINDIR ? [process.env.PG_BINDIR] : []), ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...debian];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  throw new Error(`${name} not found (PG_BINDIR, PATH, /usr/lib/postgresql/*/bin): install PostgreSQL's client programs (e.g. apt-get install postgresql-client) or set PG_BINDIR`);
}

/** Runs a client program with libpq's environment; resolves once it exited 0, else rejects with its stderr. */
async function runTool(tool: string, args: string[], env: Record<string, string>, io: { stdin?: Readable; stdout?: (out: Readable) => Promise<void> }): Promise<void> {
  const child = spawn(tool, args, { env: { ...process.env, ...env }, stdio: [io.stdin ? 'pipe' : 'ignore', io.stdout ? 'pipe' : 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const hint = /server version mismatch/.test(stderr) ? ' (set PG_BINDIR to the bin directory of a client at least as new as the server)' : '';
        reject(new Error(`${path.basename(tool)} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}${hint}`));
      }
    });
  });
  const feeding = io.stdin ? pipeline(io.stdin, child.stdin!) : Promise.resolve();
  const reading = io.stdout ? io.stdout(child.stdout!) : Promise.resolve();
  // The program's own complaint first: a broken pipe is only its consequence.
  const [exit, ...streams] = await Promise.allSettled([exited, feeding, reading]);
  for (const outcome of [exit!, ...streams]) if (outcome.status === 'rejected') throw outcome.reason;
}

const postgresQuery =
  (tx: postgres.Sql | postgres.TransactionSql): Query =>
  async (text) =>
    (await tx.unsafe(text)) as unknown as Record<string, unknown>[];

/**
 * Backs up a PostgreSQL database with `pg_dump --format=custom`, live: a read-only repeatable-read
 * transaction exports its snapshot, counts the rows in it and hands it to pg_dump (--snapshot),
 * so the manifest's counts are those of the dump exactly.
 */
export async function backupPostgres(url: string, file: string): Promise<BackupManifest> {
  const pgDump = pgTool('pg_dump');
  const { env } = libpqEnv(url);
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    return await client.begin('isolation level repeatable read read only', async (tx) => {
      const [{ snapshot }] = (await tx`select pg_export_snapshot() as snapshot`) as unknown as [{ snapshot: string }];
      const described = await describeDatabase(postgresQuery(tx));
      return writeBackupFile(
        file,
        // pg_dump's stdout is the payload; it reads in this transaction's snapshot, from its own connection.
        (into) => runTool(pgDump, ['--format=custom', '--no-password', `--snapshot=${snapshot}`], env, { stdout: (out) => pipeline(out, into) }),
        (payload) => ({ format: 'gplx-backup', version: 1, kind: 'postgres', createdAt: new Date().toISOString(), source: describeUrl(url), ...described, payload: { format: 'pg_dump-custom', ...payload } }),
      );
    });
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Restores a PostgreSQL backup into the database of `url` with pg_restore (--no-owner, in one
 * transaction: a failed restore changes nothing). The database must be empty unless `force`: then
 * it is first backed up into `safetyDir` (pre-restore-postgres-<time>.backup), and pg_restore --clean --if-exists
 * replaces what the backup holds. Refused while other sessions are connected to it (the service
 * running). Afterwards openDatabase opens it (migrations run) and the row counts are checked.
 */
export async function restorePostgres(file: string, url: string, options: { force?: boolean; safetyDir: string }): Promise<RestoreResult> {
  const manifest = await readBackup(file);
  if (manifest.kind !== 'postgres') throw new BackupRefusedError(`${file} is a ${manifest.kind} backup: restore it without DATABASE_URL, into the embedded database (DATA_DIR)`);
  checkRestorable(manifest);
  const pgRestore = pgTool('pg_restore');
  const { env, database } = libpqEnv(url);

  const client = postgres(url, { max: 1, onnotice: () => undefined });
  let empty: boolean;
  try {
    const [sessions] = await client`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    if (sessions!.n > 0) throw new BackupRefusedError(`${describeUrl(url)} has ${sessions!.n} other session(s) connected: stop the service (API, worker) before restoring`);
    const [objects] = await client`
      select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_toast%' and n.nspname not like 'pg\_temp%'`;
    empty = objects!.n === 0;
    if (!empty && options.force) {
      // --clean replaces what the backup holds and leaves the rest: tables of later migrations would stay and break the migrations to come.
      const target = await describeDatabase(postgresQuery(client));
      if (target.migrations.applied > manifest.migrations.applied) {
        throw new BackupRefusedError(
          `${describeUrl(url)} is at migration ${target.migrations.last} (${target.migrations.applied}), newer than the backup's ${manifest.migrations.last} (${manifest.migrations.applied}): restore into an empty database instead`,
        );
      }
    }
  } finally {
    await client.end({ timeout: 5 });
  }
  if (!empty && !options.force) throw new BackupRefusedError(`${describeUrl(url)} is not empty: restore into an empty database, or pass --force to replace it (after a backup of it into ${options.safetyDir})`);

  let previous: string | undefined;
  if (!empty) {
    previous = defaultBackupFile('postgres', options.safetyDir).replace(/gplx-postgres-/, 'pre-restore-postgres-');
    await backupPostgres(url, previous);
  }
  await runTool(pgRestore, ['--no-owner', '--no-password', '--single-transaction', '--exit-on-error', ...(empty ? [] : ['--clean', '--if-exists']), `--dbname=${database}`], env, {
    stdin: payloadOf(file),
  });
  const handle = await openDatabase({ url });
  let restored: RestoreResult['restored'];
  try {
    restored = await describeOpenDatabase(handle);
  } finally {
    await handle.close();
  }
  checkCounts(manifest, restored);
  return { manifest, restored, ...(previous ? { previous } : {}) };
}
