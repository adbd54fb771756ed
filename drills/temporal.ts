import path from 'node:path';
import { startTemporalDevServer } from '../scripts/temporal-dev-server';
import { loadTemporalConfig, type TemporalConfig } from '../temporal.config';
import { onExit, sleep } from './processes';

/**
 * The Temporal dev server as the embedded default starts it (scripts/temporal-dev-server.ts: the
 * SQLite file in WAL mode and the search attributes), on the drill's own ports and file. Killed
 * with SIGKILL and started again on the same file and port for the Temporal drill.
 */

export interface TemporalServer {
  config: TemporalConfig;
  address: string;
  pid(): number;
  alive(): boolean;
  kill9(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = path.join(__dirname, '..');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function createTemporal(dir: string, ports: { port: number; uiPort: number }, log: (m: string) => void): Promise<TemporalServer> {
  const config = loadTemporalConfig({
    TEMPORAL_DEV_PORT: String(ports.port),
    TEMPORAL_UI_PORT: String(ports.uiPort),
    TEMPORAL_DB_FILE: path.join(dir, 'temporal.sqlite'),
    TEMPORAL_CLI_PATH: path.resolve(ROOT, loadTemporalConfig({}).devServer.cliPath),
  });
  let current: Awaited<ReturnType<typeof startTemporalDevServer>> | undefined;
  const server: TemporalServer = {
    config,
    address: config.address,
    pid: () => current?.pid ?? -1,
    alive: () => current !== undefined && isAlive(current.pid),
    async kill9() {
      if (!current) return;
      const { pid } = current;
      // Its own process group (the launcher spawns it detached): the whole server, and only it.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        process.kill(pid, 'SIGKILL');
      }
      while (isAlive(pid)) await sleep(50);
      current = undefined;
    },
    async start() {
      current = await startTemporalDevServer(config, log);
    },
    async stop() {
      await current?.stop();
      current = undefined;
    },
  };
  // The launcher kills it on exit too, but only if our process lives to run its hook: do it first, with the rest.
  onExit(() => {
    if (!current) return;
    try {
      process.kill(-current.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  });
  await server.start();
  return server;
}
