import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { asc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromArchive } from '../../audit/dossier-history';
import { archiveClosedDossiers } from '../../audit/history-archiver';
import { replayHistory } from '../../audit/replay';
import { HEADER_BYTES, backupPglite, pgliteOf, readBackup, restorePgliteDir, type BackupManifest } from '../../db/backup';
import { openDatabase, type Database, type DatabaseHandle } from '../../db/client';
import { findRecord, type DossierRecord } from '../../db/dossier-record';
import { findArchivedHistory, type ArchivedHistory } from '../../db/history-archive';
import { dossierTransitions } from '../../db/schema';
import { serviceDataConverter } from '../../temporal/data-converter';
import { Caller, buildTestApp } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * Backup and restore (scripts/backup.ts, scripts/restore.ts, db/backup.ts) of a database a real
 * stack wrote: a dossier driven to DELIVERED through the API on a Temporal dev server, its history
 * archived; backed up, restored into an empty database (a new PGlite directory, or a database just
 * created on the PostgreSQL server), and read back from there: its record, its slip, its archived
 * history, which replays deterministically against the workflow code.
 * Runs on PGlite always, and on the TEST_DATABASE_URL server too when set.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const SERVER_URL = process.env.TEST_DATABASE_URL;
const targets = [{ name: 'PGlite', server: undefined }, ...(SERVER_URL ? [{ name: 'PostgreSQL', server: SERVER_URL }] : [])];

/** The stack on PGlite (even when TEST_DATABASE_URL is set: startStack reads it) or on a scratch database of the server. */
async function stackOn(server: string | undefined): Promise<Stack> {
  if (server) return startStack('dev-server');
  const saved = process.env.TEST_DATABASE_URL;
  delete process.env.TEST_DATABASE_URL;
  try {
    return await startStack('dev-server');
  } finally {
    if (saved !== undefined) process.env.TEST_DATABASE_URL = saved;
  }
}

/** `npm run backup|restore -- args` as an operator runs it, with only these database settings. */
async function npmRun(script: 'backup' | 'restore', args: string[], env: { DATABASE_URL?: string; DATA_DIR: string }) {
  const { DATABASE_URL: _url, TEST_DATABASE_URL: _test, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: { ...inherited, ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

interface Closed {
  reference: string;
  code: string;
  record: DossierRecord;
  transitions: (typeof dossierTransitions.$inferSelect)[];
  archived: ArchivedHistory;
}

const transitionsOf = (db: Database, reference: string) => db.select().from(dossierTransitions).where(eq(dossierTransitions.reference, reference)).orderBy(asc(dossierTransitions.seq));

/** What an auditor needs from the restored database, compared with what the original held. */
async function expectRestored(restored: DatabaseHandle, closed: Closed, stack: Stack): Promise<void> {
  const record = await findRecord(restored.db, { code: closed.code });
  expect(record).toBeDefined();
  expect(record).toEqual(closed.record);
  expect(record!.state).toMatchObject({ status: 'DELIVERED', code: closed.code });
  expect(record!.closedAt).toBeInstanceOf(Date);

  const transitions = await transitionsOf(restored.db, closed.reference);
  expect(transitions.map((t) => t.toStatus)).toEqual([
    'SUBMITTED', 'VERIFYING', 'AWAITING_RECEIPT', 'RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL', 'AWAITING_PAYMENT', 'RESULT_READY', 'SHIPPED', 'DELIVERED',
  ]);
  expect(transitions).toEqual(closed.transitions);

  const archived = await findArchivedHistory(restored.db, { reference: closed.reference });
  expect(archived).toEqual(closed.archived);
  const history = fromArchive(archived!); // checks the stored text against its sha256
  expect(history.closed).toBe(true);
  const report = await replayHistory({ label: closed.code, history: history.history }, { dataConverter: serviceDataConverter(stack.keyring) });
  expect(report.divergence).toBeUndefined();
  expect(report).toMatchObject({ verdict: 'deterministic', closed: true, workflowId: closed.reference });
  // The timeline the replayed code rebuilt is the slip the restored database holds.
  const brief = (t: { action: string; to: string; at: string | Date; username?: string; actor?: { username: string } }) => ({
    action: t.action,
    to: t.to,
    at: new Date(t.at).toISOString(),
    username: t.actor?.username ?? t.username,
  });
  expect(report.timeline.map(brief)).toEqual(record!.state!.transitions.map(brief));
}

describe.each(targets)('backup and restore on $name', ({ server }) => {
  let stack: Stack;
  let app: FastifyInstance;
  let closed: Closed;
  const scratch = mkdtempSync(path.join(tmpdir(), 'gplx-backup-test-'));

  beforeAll(async () => {
    stack = await stackOn(server);
    expect(stack.database.kind).toBe(server ? 'postgres' : 'pglite');
    app = await buildTestApp(stack);
    const portal = Caller.integrator(app);
    const [officer, leader, appraiser] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao'), Caller.staff(app, 'thamdinh')]);

    // A dossier from submission to DELIVERED by post.
    const submitted = await portal.submit(application());
    expect(submitted.statusCode, submitted.body).toBe(201);
    const { reference } = submitted.json<{ reference: string }>();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    const code = (await officer.ok(reference, 'receive', { note: 'đủ hồ sơ' })).code as string;
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    await appraiser.ok(code, 'appraise', { outcome: 'pass', note: 'đạt' });
    await leader.ok(code, 'approve', {});
    await portal.ok(code, 'record-payment', { amount: 135000, method: 'online', transactionRef: 'PG-BACKUP' });
    const shipped = await officer.ok(code, 'ship');
    expect(await portal.ok(code, 'confirm-delivery', { trackingNumber: shipped.shipment.trackingNumber })).toMatchObject({ status: 'DELIVERED' });
    await stack.env.client.workflow.getHandle(reference).result();

    // Its history archived, as the service's archiver does once the workflow has closed.
    const deps = { client: stack.env.client, db: stack.database.db };
    let pass = await archiveClosedDossiers(deps);
    for (let i = 0; i < 50 && !pass.archived.includes(reference); i++) {
      await new Promise((r) => setTimeout(r, 100));
      pass = await archiveClosedDossiers(deps);
    }
    expect(pass.archived).toContain(reference);

    const record = await findRecord(stack.database.db, { code });
    const archived = await findArchivedHistory(stack.database.db, { reference });
    expect(record?.closedAt).toBeInstanceOf(Date);
    expect(archived).toBeDefined();
    closed = { reference, code, record: record!, transitions: await transitionsOf(stack.database.db, reference), archived: archived! };
  });
  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const expectPrivate = (file: string) => expect(statSync(file).mode & 0o777).toBe(0o600);

  if (!server) {
    it('backs up the running PGlite and restores it with `npm run restore` into an empty data directory, where the closed dossier is whole and its history replays', async () => {
      const file = path.join(scratch, 'live.backup');
      const manifest = await backupPglite(pgliteOf(stack.database), file, 'test stack');
      expectPrivate(file);
      expect(await readBackup(file)).toEqual(manifest);
      expect(manifest).toMatchObject({ kind: 'pglite', payload: { format: 'tar.gz' } });
      expect(manifest.rows.dossiers).toBeGreaterThanOrEqual(1);
      expect(manifest.rows.workflow_histories).toBeGreaterThanOrEqual(1);
      // The payload is PGlite's data directory as a gzip'd tar.
      expect(readFileSync(file).subarray(HEADER_BYTES, HEADER_BYTES + 2)).toEqual(Buffer.from([0x1f, 0x8b]));

      const dataDir = path.join(scratch, 'restored');
      const dir = path.join(dataDir, 'pglite');
      expect(existsSync(dataDir)).toBe(false);
      const restore = await npmRun('restore', [file], { DATA_DIR: dataDir });
      expect(restore.code, restore.output).toBe(0);
      expect(restore.output).toMatch(new RegExp(`restored and verified: ${manifest.rows.dossiers} dossiers`));
      expect(existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
      expect(statSync(dir).mode & 0o777).toBe(0o700);

      const restored = await openDatabase({ dataDir: dir });
      try {
        await expectRestored(restored, closed, stack);
      } finally {
        await restored.close();
      }
    });

    it('backs up a stopped data directory with `npm run backup`, and refuses to restore over one that is in use, not empty (without --force) or from a damaged file', async () => {
      // A data directory with the dossier in it, as a stopped service leaves it.
      const live = path.join(scratch, 'live-2.backup');
      await backupPglite(pgliteOf(stack.database), live, 'test stack');
      const dataDir = path.join(scratch, 'service');
      await restorePgliteDir(live, path.join(dataDir, 'pglite'));

      const file = path.join(scratch, 'cli.backup');
      const backup = await npmRun('backup', ['--out', file], { DATA_DIR: dataDir });
      expect(backup.code, backup.output).toBe(0);
      expectPrivate(file);
      const manifest = await readBackup(file);
      expect(manifest).toMatchObject({ kind: 'pglite', source: path.join(dataDir, 'pglite') });
      expect(manifest.rows).toEqual((await readBackup(live)).rows);
      // Never over an existing file.
      expect((await npmRun('backup', ['--out', file], { DATA_DIR: dataDir })).code).toBe(3);

      const dir = path.join(dataDir, 'pglite');
      const before = readdirSync(dir).sort();
      // The service is running (PGlite's postmaster.pid): refused, even with --force, and by backup too.
      writeFileSync(path.join(dir, 'postmaster.pid'), '-42\n');
      const inUse = await npmRun('restore', [file, '--force'], { DATA_DIR: dataDir });
      expect(inUse.code).toBe(3);
      expect(inUse.output).toMatch(/open in another process/);
      expect((await npmRun('backup', ['--out', path.join(scratch, 'in-use.backup')], { DATA_DIR: dataDir })).output).toMatch(/open in another process/);
      expect(existsSync(path.join(scratch, 'in-use.backup'))).toBe(false);
      rmSync(path.join(dir, 'postmaster.pid'));

      const notEmpty = await npmRun('restore', [file], { DATA_DIR: dataDir });
      expect(notEmpty.code).toBe(3);
      expect(notEmpty.output).toMatch(/is not empty/);

      // One flipped byte in the payload: refused before anything is touched.
      const damaged = path.join(scratch, 'damaged.backup');
      const bytes = readFileSync(file);
      bytes[HEADER_BYTES + 1000] = bytes[HEADER_BYTES + 1000]! ^ 0xff;
      writeFileSync(damaged, bytes);
      const refused = await npmRun('restore', [damaged, '--force'], { DATA_DIR: dataDir });
      expect(refused.code).toBe(3);
      expect(refused.output).toMatch(/sha256 .* damaged or was altered/);
      expect(readdirSync(dataDir).filter((f) => f.startsWith('pglite'))).toEqual(['pglite']);
      expect(readdirSync(dir).sort()).toEqual(before);

      // --force: the directory that was there is moved aside, not deleted.
      const forced = await npmRun('restore', [file, '--force'], { DATA_DIR: dataDir });
      expect(forced.code, forced.output).toBe(0);
      const aside = readdirSync(dataDir).filter((f) => f.startsWith('pglite.pre-restore-'));
      expect(aside).toHaveLength(1);
      expect(readdirSync(path.join(dataDir, aside[0]!)).sort()).toEqual(before);
      const restored = await openDatabase({ dataDir: dir });
      try {
        await expectRestored(restored, closed, stack);
      } finally {
        await restored.close();
      }
    });

  } else {
    it('backs up the live database with `npm run backup` (pg_dump) and restores it with `npm run restore` into a new empty database, where the closed dossier is whole and its history replays', async () => {
      const [{ db: current }] = (await stack.database.db.execute(sql`select current_database() as db`)) as unknown as [{ db: string }];
      const source = new URL(server!);
      source.pathname = `/${current}`;
      // A password in the URL (the test server trusts local connections and ignores it) must never be printed.
      if (!source.password) source.password = 'never-printed-pw';
      const password = decodeURIComponent(source.password);
      const file = path.join(scratch, 'pg.backup');
      const backup = await npmRun('backup', ['--out', file], { DATABASE_URL: source.toString(), DATA_DIR: scratch });
      expect(backup.code, backup.output).toBe(0);
      expect(backup.output).not.toContain(password);
      expectPrivate(file);
      const manifest: BackupManifest = await readBackup(file);
      expect(manifest).toMatchObject({ kind: 'postgres', payload: { format: 'pg_dump-custom' } });
      expect(manifest.source).not.toContain(password);
      expect(manifest.rows.dossiers).toBeGreaterThanOrEqual(1);
      expect(manifest.rows.workflow_histories).toBeGreaterThanOrEqual(1);
      expect(readFileSync(file).subarray(HEADER_BYTES, HEADER_BYTES + 5).toString('latin1')).toBe('PGDMP');

      const admin = postgres(server!, { max: 1, onnotice: () => undefined });
      const name = `gplx_restore_${Math.random().toString(36).slice(2, 10)}`;
      await admin.unsafe(`create database ${name}`);
      try {
        const target = new URL(source);
        target.pathname = `/${name}`;
        const probe = postgres(target.toString(), { max: 1, onnotice: () => undefined });
        const [tables] = await probe`select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`;
        await probe.end();
        expect(tables!.n).toBe(0);

        const restore = await npmRun('restore', [file], { DATABASE_URL: target.toString(), DATA_DIR: scratch });
        expect(restore.code, restore.output).toBe(0);
        expect(restore.output).not.toContain(password);
        expect(restore.output).toMatch(new RegExp(`restored and verified: ${manifest.rows.dossiers} dossiers`));

        const restored = await openDatabase({ url: target.toString() });
        try {
          await expectRestored(restored, closed, stack);
        } finally {
          await restored.close();
        }

        // Not over a database that is no longer empty, unless --force (which backs it up first).
        const again = await npmRun('restore', [file], { DATABASE_URL: target.toString(), DATA_DIR: scratch });
        expect(again.code).toBe(3);
        expect(again.output).toMatch(/is not empty/);
        const forced = await npmRun('restore', [file, '--force'], { DATABASE_URL: target.toString(), DATA_DIR: scratch });
        expect(forced.code, forced.output).toBe(0);
        const safety = readdirSync(path.join(scratch, 'backups')).filter((f) => f.startsWith('pre-restore-postgres-'));
        expect(safety).toHaveLength(1);
        expect((await readBackup(path.join(scratch, 'backups', safety[0]!))).rows).toEqual(manifest.rows);
        const reopened = await openDatabase({ url: target.toString() });
        try {
          await expectRestored(reopened, closed, stack);
        } finally {
          await reopened.close();
        }
      } finally {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end({ timeout: 5 });
      }
    });
  }
});
