import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The embedded default's data directory holds personal data (PGlite's files, the Temporal server's
 * SQLite file) and the payload keys: readable by the service's user alone. Created 0700; what is
 * already there (an installation from before) is brought to 0700/0600; and the process's umask
 * makes everything created later (here and in the Temporal dev server it starts) private too.
 */
export function secureDataDir(dir: string): void {
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const walk = (at: string) => {
    chmodSync(at, 0o700);
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const inner = path.join(at, entry.name);
      if (entry.isDirectory()) walk(inner);
      else if (entry.isFile()) chmodSync(inner, 0o600);
    }
  };
  walk(dir);
}
