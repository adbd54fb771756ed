import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { onExit } from './processes';

/**
 * A throw-away PostgreSQL server from Debian's packages, as .ci/start-postgres.sh starts one: its
 * own data directory and port, run as the `postgres` user because initdb refuses root. Stopped and
 * started again with pg_ctl for the PostgreSQL drill, on the same directory and port.
 */

const run = promisify(execFile);

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const latest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  if (!latest) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql (apt-get install postgresql, or run .ci/start-postgres.sh once)');
  return path.join(root, latest, 'bin');
}

const asRoot = process.getuid?.() === 0;
/** A command line run as the postgres user when we are root (initdb and the server refuse root). */
const argvAsPostgres = (argv: string[]): [string, string[]] =>
  asRoot ? ['su', ['postgres', '-s', '/bin/bash', '-c', argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')]] : [argv[0]!, argv.slice(1)];

async function asPostgres(argv: string[]): Promise<string> {
  const [cmd, args] = argvAsPostgres(argv);
  const { stdout } = await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export interface PostgresServer {
  url: string;
  dataDir: string;
  start(): Promise<void>;
  /** `pg_ctl stop`: `fast` disconnects every client and shuts down cleanly; `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  running(): Promise<boolean>;
}

export async function createPostgres(dir: string, port: number): Promise<PostgresServer> {
  const bin = binDir();
  const dataDir = path.join(dir, 'pgdata');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    // The postgres user must reach its directory through ours.
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(dataDir, postgresUid, -1);
  }
  await asPostgres([`${bin}/initdb`, '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  // fsync off: the drills stop the server cleanly (or kill it, not the machine), and two cores have no time to spare.
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const pgCtl = (...args: string[]) => asPostgres([`${bin}/pg_ctl`, '-D', dataDir, ...args]);
  const server: PostgresServer = {
    url: `postgres://postgres@127.0.0.1:${port}/gplx_drill`,
    dataDir,
    async start() {
      await pgCtl('-o', options, '-l', path.join(dataDir, 'server.log'), '-w', '-t', '60', 'start');
    },
    async stop(mode = 'fast') {
      await pgCtl('-m', mode, '-w', '-t', '60', 'stop');
    },
    async running() {
      return pgCtl('status').then(
        () => true,
        () => false,
      );
    },
  };
  // However the harness ends, the server goes with it (it is a daemon, not our child).
  onExit(() => {
    const [cmd, args] = argvAsPostgres([`${bin}/pg_ctl`, '-D', dataDir, '-m', 'immediate', 'stop']);
    try {
      execFileSync(cmd, args, { stdio: 'ignore' });
    } catch {
      // Not running.
    }
  });
  await server.start();
  await asPostgres([`${bin}/createdb`, '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'gplx_drill']);
  return server;
}

/** Removes the data directory once the server is down. */
export function removePostgresData(server: PostgresServer): void {
  rmSync(server.dataDir, { recursive: true, force: true });
}
