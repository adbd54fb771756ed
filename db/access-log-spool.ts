import { createReadStream, mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { monotonicFactory } from 'ulid';

/** Segment names sort in the order they were made, even within one millisecond. */
const ulid = monotonicFactory();

/**
 * The access log's write-ahead spool: every entry is appended to a file in this directory and
 * flushed to disk (fdatasync) before the answer it records leaves the API, then shipped to
 * PostgreSQL in batches. So an answer a caller has received always has its entry, whether the
 * database is down (the entries wait on disk, not in memory) or the process dies (the next start
 * ships what the files hold). Files are segments: one is written, the others are only shipped and
 * then deleted. Concurrent requests share each flush (group commit), so the disk is synced once
 * per burst, not once per request.
 */

export interface SpooledLine {
  entryId: string;
  /** The entry as JSON, ready for the database. */
  json: string;
}

interface Segment {
  file: string;
  /** Entries written to it and not yet known to be in the database, in order; undefined once they are only on disk. */
  unshipped: SpooledLine[] | undefined;
  bytes: number;
}

const LOCK = 'spool.lock';
const SEGMENT = /^segment-[0-9A-Z]{26}\.jsonl$/;

export interface SpoolOptions {
  dir: string;
  /** Entries kept in memory for shipping; beyond it the segment is sealed and shipped from disk. */
  maxMemoryEntries?: number;
  /** The spool refuses new entries (the API answers 503) beyond this many bytes on disk. */
  maxBytes?: number;
  /** A fully shipped segment larger than this is replaced by a fresh one. */
  rotateBytes?: number;
}

export async function openAccessLogSpool(opts: SpoolOptions) {
  const maxMemoryEntries = opts.maxMemoryEntries ?? 50_000;
  const maxBytes = opts.maxBytes ?? 1024 * 1024 * 1024;
  const rotateBytes = opts.rotateBytes ?? 4 * 1024 * 1024;
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  takeLock(opts.dir);

  /** Segments left by an earlier run (or sealed by this one): shipped from disk, oldest first. */
  const sealed: Segment[] = readdirSync(opts.dir)
    .filter((f) => SEGMENT.test(f))
    .sort()
    .map((f) => ({ file: path.join(opts.dir, f), unshipped: undefined, bytes: statSync(path.join(opts.dir, f)).size }));
  let active = await newSegment();
  let fh: FileHandle = await open(active.file, 'a', 0o600);

  let waiting: { lines: SpooledLine[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let syncing: Promise<void> | undefined;

  async function newSegment(): Promise<Segment> {
    return { file: path.join(opts.dir, `segment-${ulid()}.jsonl`), unshipped: [], bytes: 0 };
  }

  /** One write and one fdatasync for everything appended since the last round. */
  async function syncRound(): Promise<void> {
    while (waiting.length) {
      // Replaced here, never while a write may be under way: the sync rounds are the file's only writer.
      if (active.unshipped?.length === 0 && active.bytes >= rotateBytes) await rotate();
      const round = waiting;
      waiting = [];
      const lines = round.flatMap((w) => w.lines);
      const text = lines.map((l) => `${l.json}\n`).join('');
      try {
        await fh.write(text);
        await fh.datasync();
      } catch (err) {
        for (const w of round) w.reject(err);
        continue;
      }
      active.bytes += Buffer.byteLength(text);
      if (active.unshipped) {
        active.unshipped.push(...lines);
        if (active.unshipped.length > maxMemoryEntries) await seal();
      }
      for (const w of round) w.resolve();
    }
    syncing = undefined;
  }

  /** The active segment's entries are shipped from the file from now on; a fresh segment takes new ones. */
  async function seal(): Promise<void> {
    await fh.close();
    active.unshipped = undefined;
    sealed.push(active);
    active = await newSegment();
    fh = await open(active.file, 'a', 0o600);
  }

  /** Everything in the active file is in the database: start afresh rather than let it grow. */
  async function rotate(): Promise<void> {
    await fh.close();
    unlinkSync(active.file);
    active = await newSegment();
    fh = await open(active.file, 'a', 0o600);
  }

  const diskBytes = () => sealed.reduce((n, s) => n + s.bytes, active.bytes);

  return {
    /** Whether the spool has room: when it has not (the database down for very long), requests are refused before they act. */
    hasRoom: () => diskBytes() < maxBytes,
    /** Resolves once the lines are on disk. */
    append(lines: SpooledLine[]): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ lines, resolve, reject });
        syncing ??= syncRound();
      });
    },
    /**
     * The oldest entries not yet known to be shipped, at most `limit`: a sealed segment's from its
     * file, then the active segment's from memory. `done()` marks them shipped.
     */
    async nextBatch(limit: number): Promise<{ lines: SpooledLine[]; done(): Promise<void> } | undefined> {
      const segment = sealed[0];
      if (segment) {
        const lines = await readSegment(segment.file);
        return {
          lines,
          async done() {
            // Shipped whole (the caller ships every line before saying done), then gone.
            sealed.shift();
            unlinkSync(segment.file);
          },
        };
      }
      const lines = active.unshipped!.slice(0, limit);
      if (!lines.length) return undefined;
      const shipping = active;
      return {
        lines,
        async done() {
          if (shipping !== active || !shipping.unshipped) return;
          shipping.unshipped.splice(0, lines.length);
        },
      };
    },
    backlog: () => sealed.length * maxMemoryEntries + (active.unshipped?.length ?? 0),
    async close(): Promise<void> {
      await syncing;
      await fh.close();
      // An empty segment says nothing: leave no litter for the next start.
      if (active.bytes === 0) unlinkSync(active.file);
      unlinkSync(path.join(opts.dir, LOCK));
    },
  };
}

export type AccessLogSpool = Awaited<ReturnType<typeof openAccessLogSpool>>;

async function readSegment(file: string): Promise<SpooledLine[]> {
  const lines: SpooledLine[] = [];
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    try {
      const { entryId } = JSON.parse(line) as { entryId: string };
      lines.push({ entryId, json: line });
    } catch {
      // A line torn by a crash mid-write was never synced, so never acknowledged: nothing was promised for it.
    }
  }
  return lines;
}

/** One process per spool directory: two would ship and delete each other's segments. */
function takeLock(dir: string): void {
  const lock = path.join(dir, LOCK);
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const pid = Number(readFileSync(lock, 'utf8'));
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
    throw new Error(`access-log spool ${dir} is in use by process ${pid}: give each API process its own ACCESS_LOG_SPOOL_DIR`);
  }
  // Left by a process that died: its segments are shipped by this one.
  writeFileSync(lock, String(process.pid), { mode: 0o600 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
