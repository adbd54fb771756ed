import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BUILD_LOG, CLUSTER_BIN_DIR, TEMPORAL_SERVER_VERSION } from './paths';

/**
 * The Temporal server and its SQL tool, built once from source with Go into `.temporal/cluster/bin`
 * (`go install go.temporal.io/server/cmd/server@v1.29.1 …/cmd/tools/sql@v1.29.1`, about ten minutes
 * on two cores the first time, nothing after). The build's output goes to `.temporal/cluster/build.log`.
 */

export interface TemporalBinaries {
  server: string;
  sqlTool: string;
  /**
   * `schema/postgresql/v12` of the server module in Go's module cache, with `temporal/versioned` and
   * `visibility/versioned`; undefined when the cache is gone (the SQL tool then applies the copy
   * embedded in it, `--schema-name`, the same files).
   */
  schemaDir?: string;
  /** Seconds the build took, when this call built them. */
  builtInSeconds?: number;
}

const SERVER = path.join(CLUSTER_BIN_DIR, 'temporal-server');
const SQL_TOOL = path.join(CLUSTER_BIN_DIR, 'temporal-sql-tool');
const STAMP = path.join(CLUSTER_BIN_DIR, 'VERSION');
const LOCK = path.join(CLUSTER_BIN_DIR, '.build-lock');

/** The go command: GO, then PATH, then the tarball's usual place. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.GO, ...(env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'go')), '/usr/local/go/bin/go'];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

/** Built already, for this version. */
export function binariesPresent(): boolean {
  return existsSync(SERVER) && existsSync(SQL_TOOL) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === TEMPORAL_SERVER_VERSION;
}

/** Why the cluster cannot be built here, or undefined when it can (or is built already). */
export function buildUnavailableReason(): string | undefined {
  if (binariesPresent() || findGo()) return undefined;
  return `Go is not installed (no GO, no go on PATH, no /usr/local/go/bin/go) and ${CLUSTER_BIN_DIR} holds no Temporal ${TEMPORAL_SERVER_VERSION} build`;
}

function schemaDirOf(go: string | undefined): string | undefined {
  if (!go) return undefined;
  try {
    const modCache = execFileSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
    const dir = path.join(modCache, 'go.temporal.io', `server@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
    return existsSync(path.join(dir, 'temporal', 'versioned')) && existsSync(path.join(dir, 'visibility', 'versioned')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One build at a time on the machine (two test runs, a test and `npm run cluster`): a lock file naming its holder. */
async function withLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(CLUSTER_BIN_DIR, { recursive: true });
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(LOCK, 'utf8').trim());
      if (!holder || !alive(holder)) rmSync(LOCK, { force: true });
      else await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

export async function ensureTemporalBinaries(opts: { log?: (message: string) => void } = {}): Promise<TemporalBinaries> {
  const log = opts.log ?? (() => undefined);
  const go = findGo();
  if (binariesPresent()) return { server: SERVER, sqlTool: SQL_TOOL, schemaDir: schemaDirOf(go) };
  return withLock(async () => {
    // Someone else may have built them while this process waited for the lock.
    if (binariesPresent()) return { server: SERVER, sqlTool: SQL_TOOL, schemaDir: schemaDirOf(go) };
    const reason = buildUnavailableReason();
    if (reason || !go) throw new Error(`cannot build the Temporal server: ${reason ?? 'no Go'}`);
    const gobin = path.join(CLUSTER_BIN_DIR, `.build-${process.pid}`);
    rmSync(gobin, { recursive: true, force: true });
    mkdirSync(gobin, { recursive: true });
    const packages = [`go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`];
    log(`building Temporal ${TEMPORAL_SERVER_VERSION} with ${go} (the first time takes minutes; output in ${BUILD_LOG})`);
    const t0 = performance.now();
    const fd = openSync(BUILD_LOG, 'a');
    writeSync(fd, `\n== ${new Date().toISOString()} GOBIN=${gobin} ${go} install ${packages.join(' ')}\n`);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(go, ['install', ...packages], {
        cwd: CLUSTER_BIN_DIR,
        // Outside any module; GOFLAGS from the environment still apply (e.g. -buildvcs=false).
        env: { ...process.env, GOBIN: gobin, GO111MODULE: 'on' },
        stdio: ['ignore', fd, fd],
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    const seconds = (performance.now() - t0) / 1000;
    writeSync(fd, `== exit ${code} after ${seconds.toFixed(0)} s\n`);
    closeSync(fd);
    if (code !== 0) {
      rmSync(gobin, { recursive: true, force: true });
      const tail = readFileSync(BUILD_LOG, 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`go install failed (exit ${code}); the end of ${BUILD_LOG}:\n${tail}`);
    }
    renameSync(path.join(gobin, 'server'), SERVER);
    renameSync(path.join(gobin, 'sql'), SQL_TOOL);
    rmSync(gobin, { recursive: true, force: true });
    writeFileSync(STAMP, `${TEMPORAL_SERVER_VERSION}\n`);
    log(`built Temporal ${TEMPORAL_SERVER_VERSION} in ${seconds.toFixed(0)} s`);
    return { server: SERVER, sqlTool: SQL_TOOL, schemaDir: schemaDirOf(go), builtInSeconds: seconds };
  });
}
