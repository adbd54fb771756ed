import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/**
 * The drills' own child processes (simulators, worker, API), each in a process group of its own so
 * that `kill -9` reaches the whole of it and nothing else, with its output in a log file (evidence
 * for a finding; the terminal keeps only the table). Whatever is still running when the harness
 * ends, normally, on an error or on Ctrl-C, is killed: a drill must leave nothing behind.
 */

export interface Managed {
  readonly name: string;
  readonly pid: number;
  alive(): boolean;
  /** Resolves when the process has exited, with how. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the whole group, as `kill -9` would: no drain, no flush, no goodbye. */
  kill9(): Promise<void>;
  /** SIGSTOP / SIGCONT to the whole group: a process frozen (a long GC pause, a starved VM), then thawed with its memory intact. */
  freeze(): void;
  thaw(): void;
  /** SIGTERM (a graceful shutdown), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
const exitHooks: (() => void)[] = [];

/** A synchronous clean-up to run when the harness exits, however it exits (PostgreSQL's pg_ctl). */
export function onExit(hook: () => void): void {
  exitHooks.push(hook);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

let cleaned = false;
/** Kills every child and runs every exit hook, once. Synchronous: it also runs from process 'exit'. */
export function cleanUpEverything(): void {
  if (cleaned) return;
  cleaned = true;
  for (const child of live) killGroup(child, 'SIGKILL');
  for (const hook of exitHooks.splice(0).reverse()) {
    try {
      hook();
    } catch {
      // Best effort: the next hook must still run.
    }
  }
}

let installed = false;
/** Ctrl-C, a kill of the harness or a crash still takes its children down with it. */
export function installCleanUp(): void {
  if (installed) return;
  installed = true;
  process.once('exit', cleanUpEverything);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // `on`, not `once`: npm and tsx pass Ctrl-C on as well, and a second signal must not find the
    // default action (instant death) back in place while the clean-up is still running.
    process.on(signal, () => {
      if (cleaned) return;
      process.stderr.write(`\n# ${signal}: stopping every process the drills started\n`);
      cleanUpEverything();
      process.exit(130);
    });
  }
}

/** Starts `command args` detached (its own process group), its stdout and stderr appended to `logFile`. */
export function spawnManaged(name: string, command: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string }): Managed {
  const fd = openSync(opts.logFile, 'a');
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
    alive,
    exited,
    async kill9() {
      killGroup(child, 'SIGKILL');
      await exited;
    },
    freeze: () => killGroup(child, 'SIGSTOP'),
    thaw: () => killGroup(child, 'SIGCONT'),
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `ready` until it holds; fails when `deadline` passes or the process it waits for has died. */
export async function waitUntil(what: string, ready: () => Promise<boolean>, opts: { timeoutMs: number; process?: Managed; everyMs?: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.process && !opts.process.alive()) throw new Error(`${what}: ${opts.process.name} exited before it was ready`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${opts.timeoutMs / 1000} s`);
    await sleep(opts.everyMs ?? 200);
  }
}
