import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';

/**
 * The cluster's child processes: each in a process group of its own (Ctrl-C reaches the cluster
 * script alone, which then stops them in order; a SIGKILL reaches the whole of one and nothing
 * else), its output appended to a log file. Whatever still runs when this process exits is killed.
 * The pids are written to a file, so a cluster whose script was itself killed leaves nothing
 * running behind the next start.
 */

export interface Managed {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  alive(): boolean;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A signal to the whole group (SIGKILL: no drain, no goodbye). Resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM (a graceful shutdown: a worker drains, an API closes), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

let hooked = false;
function killAllOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of live) signalGroup(child, 'SIGKILL');
  });
}

export function spawnManaged(name: string, command: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string }): Managed {
  killAllOnExit();
  const fd = openSync(opts.logFile, 'a');
  writeSync(fd, `\n== ${new Date().toISOString()} ${name}: ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  if (!child.pid) throw new Error(`${name} did not start`);
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid: child.pid,
    logFile: opts.logFile,
    alive,
    exited,
    async kill(signal = 'SIGKILL') {
      signalGroup(child, signal);
      await exited;
    },
    async stop(graceMs = 15_000) {
      if (!alive()) return;
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The last lines of a log, for an error message. */
export function tailOf(file: string, lines = 20): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

/** Polls `ready` until it holds; fails when the time is up or the process it waits for has exited (with the end of its log). */
export async function waitUntil(what: string, ready: () => Promise<boolean>, opts: { timeoutMs: number; process?: Managed; everyMs?: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.process && !opts.process.alive()) {
      throw new Error(`${what}: ${opts.process.name} exited before it was ready; the end of ${opts.process.logFile}:\n${tailOf(opts.process.logFile)}`);
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not ready after ${opts.timeoutMs / 1000} s${opts.process ? `; the end of ${opts.process.logFile}:\n${tailOf(opts.process.logFile)}` : ''}`);
    }
    await sleep(opts.everyMs ?? 250);
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port free right now on 127.0.0.1, below 32768: Temporal stores its services' membership
 * ports as a PostgreSQL smallint, so the kernel's ephemeral range (32768 and up) will not do.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (await canListen(port)) return port;
  }
}

/** Whether something listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The pid file of a state directory: what a cluster started, so the next start can end what a
 * killed cluster script left running. A pid is only killed while its command line is still the
 * one recorded (pids are reused).
 */
export class PidFile {
  private entries: { name: string; pid: number; cmdline: string }[] = [];
  constructor(private readonly file: string) {}

  private static cmdlineOf(pid: number): string | undefined {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Kills (SIGKILL, whole group) what a previous run recorded and is still running; returns their names. */
  reapStale(): string[] {
    if (!existsSync(this.file)) return [];
    let stale: { name: string; pid: number; cmdline: string }[] = [];
    try {
      stale = JSON.parse(readFileSync(this.file, 'utf8')) as typeof stale;
    } catch {
      return [];
    }
    const reaped: string[] = [];
    for (const e of stale) {
      if (PidFile.cmdlineOf(e.pid) !== e.cmdline) continue;
      try {
        process.kill(-e.pid, 'SIGKILL');
        reaped.push(`${e.name} (pid ${e.pid})`);
      } catch {
        // Gone meanwhile.
      }
    }
    writeFileSync(this.file, '[]');
    return reaped;
  }

  record(m: Managed): void {
    const cmdline = PidFile.cmdlineOf(m.pid);
    if (cmdline === undefined) return;
    this.entries = [...this.entries.filter((e) => e.name !== m.name), { name: m.name, pid: m.pid, cmdline }];
    writeFileSync(this.file, JSON.stringify(this.entries, null, 1));
  }

  clear(): void {
    this.entries = [];
    writeFileSync(this.file, '[]');
  }
}
