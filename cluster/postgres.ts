import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

/**
 * The PostgreSQL server under the cluster: one given by URL (CI's, a developer's), or Debian's
 * server run as .ci/start-postgres.sh runs it (initdb and pg_ctl, as the `postgres` user when we
 * are root, trust authentication on 127.0.0.1) on a data directory that is kept between runs.
 */

const run = promisify(execFile);

/** Where Debian's server binaries are: PG_BINDIR, or the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PG_BINDIR) return existsSync(path.join(env.PG_BINDIR, 'initdb')) ? env.PG_BINDIR : undefined;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const latest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  return latest ? path.join(root, latest, 'bin') : undefined;
}

const asRoot = process.getuid?.() === 0;

/** A command run as the postgres user when we are root (initdb and the server refuse root). */
function asPostgres(argv: string[]): [string, string[]] {
  if (!asRoot) return [argv[0]!, argv.slice(1)];
  if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')) return ['runuser', ['-u', 'postgres', '--', ...argv]];
  return ['su', ['postgres', '-s', '/bin/sh', '-c', argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')]];
}

async function runAsPostgres(argv: string[]): Promise<string> {
  const [cmd, args] = asPostgres(argv);
  const { stdout } = await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** A server the cluster creates its databases on. */
export interface PostgresServer {
  /** Connects as a superuser (or a role that may create databases) to a database that exists, e.g. /postgres. */
  adminUrl: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Set when the cluster started the server itself (its data directory). */
  dataDir?: string;
  /** The URL of database `name` on this server, with the same credentials. */
  urlOf(name: string): string;
  /** Stops the server when the cluster started it; nothing otherwise. */
  stop(): Promise<void>;
}

export function postgresServerAt(url: string): PostgresServer {
  const u = new URL(url);
  // Databases are created from the maintenance database, which every server has.
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return {
    adminUrl: admin.toString(),
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    urlOf(name) {
      const v = new URL(url);
      v.pathname = `/${name}`;
      return v.toString();
    },
    async stop() {},
  };
}

export interface LocalPostgresOptions {
  dataDir: string;
  port: number;
  /** fsync: off like CI's throw-away server unless asked (CLUSTER_PG_FSYNC=on); a crash of the machine may then lose the cluster's state. */
  fsync?: boolean;
  log?: (message: string) => void;
}

/** Debian's server on `dataDir` (initialised on first use, kept after) and `port`; reused when it is running already. */
export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BINDIR, or give a server URL in CLUSTER_POSTGRES_URL)');
  const log = opts.log ?? (() => undefined);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--system', '--home', '/var/lib/postgresql', 'postgres']);
    }
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(opts.dataDir, uid, -1);
  }
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${opts.dataDir}`);
    await runAsPostgres([`${bin}/initdb`, '-D', opts.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  }
  const pgCtl = (...args: string[]) => runAsPostgres([`${bin}/pg_ctl`, '-D', opts.dataDir, ...args]);
  const running = await pgCtl('status').then(() => true, () => false);
  const pidFile = path.join(opts.dataDir, 'postmaster.pid');
  // postmaster.pid's fourth line is the port it listens on.
  const runningPort = running && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[3]) : undefined;
  if (running && runningPort !== opts.port) {
    log(`PostgreSQL in ${opts.dataDir} runs on port ${runningPort}: restarting it on ${opts.port}`);
    await pgCtl('-m', 'fast', '-w', 'stop');
  }
  if (!running || runningPort !== opts.port) {
    // Four Temporal services and four service processes, each with its pools: more than the default 100.
    const options = [
      `-p ${opts.port}`, `-k ${opts.dataDir}`, '-c listen_addresses=127.0.0.1', '-c max_connections=300',
      `-c fsync=${opts.fsync ? 'on' : 'off'}`,
    ].join(' ');
    await pgCtl('-o', options, '-l', path.join(opts.dataDir, 'server.log'), '-w', '-t', '60', 'start');
  } else {
    log(`PostgreSQL already running in ${opts.dataDir} on port ${opts.port}: reused`);
  }
  const server = postgresServerAt(`postgres://postgres@127.0.0.1:${opts.port}/postgres`);
  return {
    ...server,
    dataDir: opts.dataDir,
    async stop() {
      await pgCtl('-m', 'fast', '-w', '-t', '60', 'stop').catch(() => undefined);
    },
  };
}

/** Synchronous last resort (process exit): stops a server the cluster started, immediately. */
export function stopLocalPostgresNow(dataDir: string): void {
  const bin = postgresBinDir();
  if (!bin || !existsSync(path.join(dataDir, 'postmaster.pid'))) return;
  const [cmd, args] = asPostgres([`${bin}/pg_ctl`, '-D', dataDir, '-m', 'immediate', 'stop']);
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // Not running.
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates the databases that are missing; returns those it created. */
export async function ensureDatabases(server: PostgresServer, names: string[]): Promise<string[]> {
  const sql = postgres(server.adminUrl, { max: 1, onnotice: () => undefined, connect_timeout: 10 });
  const created: string[] = [];
  try {
    for (const name of names) {
      if (!IDENTIFIER.test(name)) throw new Error(`database name ${name}: lower-case letters, digits and _ only`);
      const [row] = await sql`select 1 as present from pg_database where datname = ${name}`;
      if (row) continue;
      try {
        await sql.unsafe(`create database ${name}`);
        created.push(name);
      } catch (err) {
        // Created by another process meanwhile: as good.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return created;
}

export async function dropDatabases(server: PostgresServer, names: string[]): Promise<void> {
  const sql = postgres(server.adminUrl, { max: 1, onnotice: () => undefined, connect_timeout: 10 });
  try {
    for (const name of names) {
      if (IDENTIFIER.test(name)) await sql.unsafe(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Whether the server answers (a quick probe before the cluster starts on it). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 5 });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 2 }).catch(() => undefined);
  }
}
