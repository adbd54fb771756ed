import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupRefusedError, checkRestorable, describeManifest, describeUrl, readBackup, restorePgliteDir, restorePostgres } from '../db/backup';
import { loadServiceConfig } from '../service.config';
import { secureDataDir } from './data-dir';

const USAGE = `Restores a backup made by npm run backup, then opens the restored database (migrations run)
and checks its row counts against the backup's manifest.

  npm run restore -- FILE [--force]

The backup's header (kind, sha256, migrations) is checked before anything is touched.
A pglite backup goes into the embedded database DATA_DIR/pglite (DATABASE_URL unset); the service
must be stopped. A postgres backup goes into the database of DATABASE_URL with pg_restore; no other
session may be connected to it (stop the API and the worker).
The target must be empty unless --force: then an embedded directory is moved aside to
pglite.pre-restore-<time> (never deleted), and a PostgreSQL database is first backed up to
DATA_DIR/backups/pre-restore-postgres-<time>.backup, then replaced (pg_restore --clean --if-exists, in one
transaction).`;

async function main(): Promise<number> {
  let file: string;
  let force: boolean;
  try {
    const { values, positionals } = parseArgs({ options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new Error(positionals.length ? 'one backup file at a time' : 'which backup file?');
    file = path.resolve(positionals[0]!);
    force = values.force ?? false;
  } catch (err) {
    console.error(`restore: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  process.umask(0o077);
  const config = loadServiceConfig();
  const manifest = await readBackup(file);
  checkRestorable(manifest);
  console.log(`${file}: sha256 verified; ${describeManifest(manifest)}`);
  const into = config.DATABASE_URL ? 'postgres' : 'pglite';
  if (manifest.kind !== into) {
    throw new BackupRefusedError(
      manifest.kind === 'pglite'
        ? 'this is a backup of the embedded database: restore it with DATABASE_URL unset (into DATA_DIR/pglite)'
        : 'this is a backup of a PostgreSQL database: restore it with DATABASE_URL set to the (empty) database to restore into',
    );
  }

  if (config.DATABASE_URL) {
    console.log(`restoring into PostgreSQL ${describeUrl(config.DATABASE_URL)} …`);
    const result = await restorePostgres(file, config.DATABASE_URL, { force, safetyDir: path.resolve(config.DATA_DIR, 'backups') });
    if (result.previous) console.log(`  the database as it was is backed up in ${result.previous}`);
    console.log(`restored and verified: ${Object.entries(result.restored.rows).map(([t, n]) => `${n} ${t}`).join(', ')}; ${result.restored.migrations.applied} migrations`);
  } else {
    const dataDir = path.resolve(config.DATA_DIR);
    const dir = path.join(dataDir, 'pglite');
    console.log(`restoring into the embedded database ${dir} …`);
    const result = await restorePgliteDir(file, dir, { force });
    secureDataDir(dataDir);
    if (result.previous) console.log(`  the directory that was there is kept in ${result.previous}`);
    console.log(`restored and verified: ${Object.entries(result.restored.rows).map(([t, n]) => `${n} ${t}`).join(', ')}; ${result.restored.migrations.applied} migrations`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`restore: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof BackupRefusedError ? 3 : 1);
  },
);
