import { copyFileSync, mkdtempSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asc, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLogWriter, type AccessEntry } from '../../db/access-log';
import { openAccessLogSpool } from '../../db/access-log-spool';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { accessLog } from '../../db/schema';

/**
 * The access log is a legal record (seed 003 art. 29.7): an entry whose answer has left the API
 * is on disk, and reaches the database even if the process dies before shipping it.
 */

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openDatabase();
});
afterAll(async () => {
  await database?.close();
});

const entry = (marker: string, i: number): AccessEntry => ({
  at: new Date(), username: 'motcua', agencyCode: '000.00.01.H22', kind: 'lookup', what: `GET /api/v1/dossiers/${i}`,
  target: String(i), status: 200, ip: '127.0.0.1', userAgent: marker, browser: null, os: null, device: null,
});
const countOf = async (marker: string) =>
  (await database.db.select({ n: count() }).from(accessLog).where(eq(accessLog.userAgent, marker)))[0]!.n;

async function writerOn(dir: string) {
  const spool = await openAccessLogSpool({ dir });
  const problems: unknown[] = [];
  // Shipping held back for a minute: whatever the test does not flush is only in the spool.
  const writer = createAccessLogWriter(database.db, { spool, maxDelayMs: 60_000, onError: (e) => problems.push(e), onRejected: (e) => problems.push(e) });
  return { writer, problems };
}

describe('the access-log spool', () => {
  it('ships after a crash what was acknowledged before it, and nothing twice', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-test-'));
    const marker = `crash-${Date.now()}`;
    const first = await writerOn(dir);
    // 30 answers "sent": each append resolved, so each entry is on disk; none shipped yet.
    await Promise.all(Array.from({ length: 30 }, (_, i) => first.writer.append(entry(marker, i))));
    expect(await countOf(marker)).toBe(0);
    // The process dies here: no close(), no flush. The next process opens the same directory.
    const second = await writerOn(dir);
    await second.writer.flush();
    expect(await countOf(marker)).toBe(30);
    expect(second.problems).toEqual([]);
    await second.writer.close();
  });

  it('stores once an entry shipped again because a crash came between the insert and the bookkeeping', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-test-'));
    const marker = `twice-${Date.now()}`;
    const first = await writerOn(dir);
    await Promise.all(Array.from({ length: 5 }, (_, i) => first.writer.append(entry(marker, i))));
    const segment = readdirSync(dir).find((f) => f.startsWith('segment-'))!;
    const copy = path.join(os.tmpdir(), `${segment}.copy`);
    copyFileSync(path.join(dir, segment), copy);
    await first.writer.flush();
    expect(await countOf(marker)).toBe(5);
    // As if the process had died before forgetting the shipped entries: the same segment, again.
    copyFileSync(copy, path.join(dir, segment.replace(/.{6}\.jsonl$/, '000000.jsonl')));
    const second = await writerOn(dir);
    await second.writer.flush();
    expect(await countOf(marker)).toBe(5);
    await second.writer.close();
  });

  it('ignores a line torn by a crash mid-write (never synced, never acknowledged) and ships the rest', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-test-'));
    const marker = `torn-${Date.now()}`;
    const first = await writerOn(dir);
    await Promise.all(Array.from({ length: 3 }, (_, i) => first.writer.append(entry(marker, i))));
    const segment = readdirSync(dir).find((f) => f.startsWith('segment-'))!;
    appendFileSync(path.join(dir, segment), '{"entry_id":"01TORN');
    const second = await writerOn(dir);
    await second.writer.flush();
    expect(await countOf(marker)).toBe(3);
    await second.writer.close();
  });

  it('refuses a second live process on the same directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-test-'));
    // Process 1 (init) is always alive and never this test.
    writeFileSync(path.join(dir, 'spool.lock'), '1');
    await expect(openAccessLogSpool({ dir })).rejects.toThrow(/in use by process 1/);
  });

  it('seals a segment past its memory budget and ships it from the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-test-'));
    const marker = `sealed-${Date.now()}`;
    const spool = await openAccessLogSpool({ dir, maxMemoryEntries: 10 });
    const writer = createAccessLogWriter(database.db, { spool, maxDelayMs: 60_000, onError: () => undefined, onRejected: () => undefined });
    for (let i = 0; i < 45; i++) await writer.append(entry(marker, i));
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-')).length).toBeGreaterThan(1);
    await writer.flush();
    expect(await countOf(marker)).toBe(45);
    // Ids follow the order the answers were given in.
    const rows = await database.db.select({ target: accessLog.target }).from(accessLog).where(eq(accessLog.userAgent, marker)).orderBy(asc(accessLog.id));
    const targets = rows.map((r) => Number(r.target));
    expect(targets).toEqual(Array.from({ length: 45 }, (_, i) => i));
    await writer.close();
  });
});

describe('the access-log spool under load', () => {
  it('replaces a shipped segment while answers keep coming, losing none and failing none', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-test-'));
    const marker = `rotate-${Date.now()}`;
    // A tiny segment size: rotations happen between nearly every batch, as they do after 4 MB in production.
    const spool = await openAccessLogSpool({ dir, rotateBytes: 200 });
    const writer = createAccessLogWriter(database.db, { spool, maxDelayMs: 1, onError: () => undefined, onRejected: () => undefined });
    const appends: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      appends.push(writer.append(entry(marker, i)));
      if (i % 7 === 0) await writer.flush();
    }
    await Promise.all(appends);
    await writer.flush();
    expect(await countOf(marker)).toBe(200);
    await writer.close();
  });
});
