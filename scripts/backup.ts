import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupRefusedError, backupPgliteDir, backupPostgres, defaultBackupFile, describeManifest, describeUrl } from '../db/backup';
import { loadServiceConfig } from '../service.config';

const USAGE = `Backs up the results database (dossier records, transitions, access log, archived histories).

  npm run backup -- [--out FILE]

DATABASE_URL set: pg_dump --format=custom of that database, live (the service may run).
Otherwise: the embedded PGlite under DATA_DIR (default data/pglite), which the service must not
have open (stop npm start first: PGlite serves one process at a time).
FILE defaults to DATA_DIR/backups/gplx-<pglite|postgres>-<UTC time>.backup; it is never overwritten
and is created with mode 0600: a backup holds personal data (copy it off the machine, encrypted). Restore with: npm run restore -- FILE`;

async function main(): Promise<number> {
  let out: string | undefined;
  try {
    const { values } = parseArgs({ options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    out = values.out;
  } catch (err) {
    console.error(`backup: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  // Everything this process creates (the backup, its directory) is private to the service's user.
  process.umask(0o077);
  const config = loadServiceConfig();
  const kind = config.DATABASE_URL ? 'postgres' : 'pglite';
  const file = path.resolve(out ?? defaultBackupFile(kind, path.resolve(config.DATA_DIR, 'backups')));
  const manifest = config.DATABASE_URL
    ? (console.error(`backing up PostgreSQL ${describeUrl(config.DATABASE_URL)} …`), await backupPostgres(config.DATABASE_URL, file))
    : await backupPgliteDir(path.resolve(config.DATA_DIR, 'pglite'), file);
  console.log(`backup written: ${file}`);
  console.log(`  ${describeManifest(manifest)}`);
  console.log('  it holds personal data: keep it private (mode 0600), encrypted wherever it is copied to');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`backup: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof BackupRefusedError ? 3 : 1);
  },
);
