import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeFlags, type TemporalConfig } from '../temporal.config';

/**
 * The embedded Temporal: the CLI's dev server with a SQLite file, so dossiers survive a restart,
 * and its Web UI. Resolves once the frontend answers.
 */
export async function startTemporalDevServer(
  config: TemporalConfig,
  log: (m: string) => void,
  options: { codecEndpoint?: string } = {},
): Promise<{ pid: number; stop(): Promise<void> }> {
  const { cliPath, dbFile, port, uiPort } = config.devServer;
  const cli = path.resolve(cliPath);
  if (!existsSync(cli)) {
    throw new Error(`Temporal CLI not found at ${cli}. Run: bash scripts/setup-temporal.sh (or set TEMPORAL_CLI_PATH)`);
  }
  mkdirSync(path.dirname(path.resolve(dbFile)), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--db-filename', dbFile,
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--namespace', config.namespace,
    '--log-level', 'error',
    // WAL with synchronous=NORMAL: commits survive a crash of the process, and the server no longer
    // waits on an fsync per transaction (the embedded default's bottleneck on a plain disk).
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    ...searchAttributeFlags().flatMap((f) => ['--search-attribute', f]),
    // The UI asks the API to decode what it shows (api/routes/codec.ts): encrypted for anyone else.
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
  ];
  // Its own process group: Ctrl-C reaches only us, so the worker drains before the server stops.
  const child: ChildProcess = spawn(cli, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 1000 });
      await connection.workflowService.describeNamespace({ namespace: config.namespace });
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`Temporal dev server not ready after 60s: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  log(`Temporal dev server ready on 127.0.0.1:${port} (state in ${dbFile})`);
  return {
    pid: child.pid!,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
