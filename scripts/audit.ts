import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { allArchived, countArchived, dossierForAudit, findArchivedHistory } from '../db/history-archive';
import { isDossierCode, REFERENCE_PATTERN } from '../domain/dossier-code';
import { loadServiceConfig } from '../service.config';
import { SEARCH_ATTRIBUTES, loadTemporalConfig } from '../temporal.config';
import { serviceClient } from '../temporal/client';
import { connectTemporal } from '../temporal/connection';
import { serviceDataConverter } from '../temporal/data-converter';
import { loadPayloadKeyring, type PayloadKeyring } from '../temporal/payload-keys';
import { workerBuildId } from '../temporal/workflow-bundle';
import { fromArchive, loadDossierHistory, type DossierHistory } from '../audit/dossier-history';
import { historyFromJSON, historyToJSON } from '../audit/history-json';
import { bundleWorkflows, quietReplayRuntime, replayHistories, type ReplayInput, type ReplayReport } from '../audit/replay';

const USAGE = `Replays dossiers' Temporal event histories against the workflow code, as auditors do.

  npm run audit -- replay <code|reference|file.json>...   replay these histories
  npm run audit -- replay --all                           replay every archived history
  npm run audit -- export <code|reference> [file.json]    write a dossier's history (stdout without a file)

Options for replay:
  --workflows <dir|file>   replay against other workflow code (a directory with index.ts, and
                           interceptors.ts if any) instead of this checkout's workflows/
  --json                   one JSON report per history on stdout (verdict, divergence, timeline)

A file is a history as \`temporal workflow show --output json\` prints it, or as
GET /api/v1/dossiers/{code}/history returns it. A code or reference is looked up in Temporal
(TEMPORAL_ADDRESS, default the dev server on 127.0.0.1:7233), then in the archive (DATABASE_URL,
or the embedded PGlite under DATA_DIR). Exit status: 0 when every history replayed
deterministically, 1 when one did not, 2 on a usage error.`;

class UsageError extends Error {}

interface Options {
  command: 'replay' | 'export';
  targets: string[];
  all: boolean;
  json: boolean;
  workflows?: string;
}

function parseArgs(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (command !== 'replay' && command !== 'export') throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  const options: Options = { command, targets: [], all: false, json: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--all') options.all = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--workflows') {
      options.workflows = rest[++i];
      if (!options.workflows) throw new UsageError('--workflows needs a path');
    } else if (arg === '-h' || arg === '--help') throw new UsageError('');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else options.targets.push(arg);
  }
  if (command === 'replay' && options.all === (options.targets.length > 0)) throw new UsageError('replay takes histories (codes, references, files) or --all');
  if (command === 'export' && (options.targets.length < 1 || options.targets.length > 2 || options.all)) throw new UsageError('export takes a code or reference, and optionally a file');
  return options;
}

/** Temporal and the archive, each opened on first use, like the service finds them. */
function sources() {
  const config = loadServiceConfig();
  const temporal = loadTemporalConfig();
  // The service's own keys (PAYLOAD_KEYS, PAYLOAD_KEY_FILE, or DATA_DIR/payload-keys): encrypted histories replay only with them.
  let keys: PayloadKeyring | undefined;
  const keyring = () => (keys ??= loadPayloadKeyring(config));
  let client: Promise<Client | undefined> | undefined;
  let database: Promise<DatabaseHandle> | undefined;
  let connection: Connection | undefined;

  function temporalClient(): Promise<Client | undefined> {
    client ??= connectTemporal(temporal, { connectTimeout: '3s' }).then(
      (c) => {
        connection = c;
        return serviceClient(c, temporal.namespace, keyring());
      },
      (err: unknown) => {
        console.error(`Temporal at ${temporal.address} is not reachable (${err instanceof Error ? err.message : String(err)}): reading the archive only`);
        return undefined;
      },
    );
    return client;
  }

  function db(): Promise<DatabaseHandle> {
    database ??= (async () => {
      if (config.DATABASE_URL) return openDatabase({ url: config.DATABASE_URL });
      const dir = path.resolve(config.DATA_DIR, 'pglite');
      if (!existsSync(dir)) throw new Error(`no embedded database at ${dir} (set DATABASE_URL, or DATA_DIR)`);
      // PGlite serves one process and takes no lock: opening it beside a running service would corrupt it.
      if (existsSync(path.join(dir, 'postmaster.pid'))) {
        throw new Error(
          `the embedded database ${dir} is open in another process (npm start?): PGlite serves one process at a time. ` +
            'Stop it, or use DATABASE_URL; histories still in Temporal and files need no database. ' +
            `(If nothing is running, the service stopped without closing it: remove ${path.join(dir, 'postmaster.pid')}.)`,
        );
      }
      return openDatabase({ dataDir: dir });
    })();
    return database;
  }

  /** A dossier code or reference to its history: Temporal first (by DossierCode search attribute for a code), then the archive. */
  async function dossierHistory(id: string): Promise<DossierHistory> {
    const byCode = isDossierCode(id);
    if (!byCode && !REFERENCE_PATTERN.test(id)) throw new Error(`${id}: not a file, a dossier code or a submission reference`);
    const c = await temporalClient();
    let reference = byCode ? undefined : id;
    if (byCode && c) {
      try {
        for await (const w of c.workflow.list({ query: `${SEARCH_ATTRIBUTES.dossierCode.name} = '${id}'`, pageSize: 1 })) {
          reference = w.workflowId;
          break;
        }
      } catch (err) {
        // A namespace without the search attribute, or visibility down: the database knows the code too.
        console.error(`${id}: not found through Temporal's visibility (${err instanceof Error ? err.message : String(err)}): asking the database`);
      }
    }
    if (!reference) {
      const { db: d } = await db();
      const archived = await findArchivedHistory(d, { code: id });
      if (archived) return fromArchive(archived);
      reference = (await dossierForAudit(d, { code: id }))?.reference;
      if (!reference) throw new Error(`${id}: no such dossier`);
    }
    const found = await loadDossierHistory({ client: c, db: async () => (await db()).db }, reference);
    if (!found) throw new Error(`${id}: Temporal no longer has its workflow and its history was not archived`);
    return found;
  }

  async function close(): Promise<void> {
    await connection?.close();
    if (database) await (await database.catch(() => undefined))?.close();
  }

  return { db, dossierHistory, close, dataConverter: () => serviceDataConverter(keyring()) };
}

function readHistoryFile(file: string): ReplayInput {
  const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
  return { label: file, history };
}

function describeReport(r: ReplayReport): string {
  const head = `${r.label}: ${r.verdict.toUpperCase()} (${r.events} events${r.closed ? '' : ', still open'}, ${r.timeline.length} transitions rebuilt, ${r.durationMs} ms)`;
  if (!r.divergence) return head;
  const d = r.divergence;
  const instead = d.command?.startsWith('Activity ') ? `: the code scheduled activity ${d.command.slice('Activity '.length)} instead` : d.command ? `: the code made a ${d.command} command instead` : '';
  const where = d.eventId ? `  at event ${d.eventId} ${d.eventType ?? ''}${d.eventDetail ? ` (${d.eventDetail})` : ''}${d.eventTime ? ` of ${d.eventTime}` : ''}${instead}\n` : '';
  return `${head}\n${where}  ${d.message}`;
}

function describeTimeline(r: ReplayReport): string {
  return r.timeline
    .map((t) => `  ${String(t.seq).padStart(3)}  ${t.at}  ${t.actor.username} (${t.actor.role})  ${t.action}  ${t.from ?? '-'} → ${t.to}${t.note ? `  "${t.note}"` : ''}`)
    .join('\n');
}

async function replay(options: Options, src: ReturnType<typeof sources>): Promise<number> {
  quietReplayRuntime();
  const bundle = options.workflows ? await bundleWorkflows(options.workflows) : undefined;
  const total = options.all ? await countArchived((await src.db()).db) : options.targets.length;
  const reports: ReplayReport[] = [];
  let done = 0;
  let progressWidth = 0;
  const many = total > 1;
  const progress = (label: string, verdict: string) => {
    if (!many) return;
    const line = `[${done}/${total}] ${label}: ${verdict}`;
    process.stderr.write(`\r${line.padEnd(progressWidth)}`);
    progressWidth = line.length;
  };
  const record = (r: ReplayReport) => {
    done++;
    reports.push(r);
    progress(r.label, r.verdict);
    if (options.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  };
  /** An input that cannot even be read counts as a failed replay, and the others still run. */
  const unreadable = (label: string, err: unknown): ReplayReport => ({
    label,
    verdict: 'failed',
    events: 0,
    closed: false,
    divergence: { message: err instanceof Error ? err.message : String(err) },
    timeline: [],
    durationMs: 0,
  });

  async function* inputs(): AsyncGenerator<ReplayInput> {
    if (options.all) {
      for await (const row of allArchived((await src.db()).db)) {
        try {
          yield { label: row.code ?? row.reference, history: fromArchive(row).history };
        } catch (err) {
          record(unreadable(row.code ?? row.reference, err));
        }
      }
      return;
    }
    for (const target of options.targets) {
      try {
        if (existsSync(target) && statSync(target).isFile()) yield readHistoryFile(target);
        else yield { label: target, history: (await src.dossierHistory(target)).history };
      } catch (err) {
        record(unreadable(target, err));
      }
    }
  }

  for await (const r of replayHistories(inputs(), { bundle, dataConverter: src.dataConverter() })) record(r);
  if (many) process.stderr.write('\n');

  if (!options.json) {
    if (reports.length === 1) {
      const [r] = reports as [ReplayReport];
      console.log(describeReport(r));
      if (r.timeline.length) console.log(describeTimeline(r));
    } else {
      const count = (v: string) => reports.filter((r) => r.verdict === v).length;
      console.log(`${reports.length} histories replayed against ${options.workflows ?? (await workerBuildId())}: ${count('deterministic')} deterministic, ${count('nondeterministic')} nondeterministic, ${count('failed')} failed`);
      for (const r of reports.filter((x) => x.verdict !== 'deterministic')) console.log(describeReport(r));
    }
  }
  return reports.every((r) => r.verdict === 'deterministic') ? 0 : 1;
}

async function exportHistory(options: Options, src: ReturnType<typeof sources>): Promise<number> {
  const [id, file] = options.targets as [string, string | undefined];
  const found = await src.dossierHistory(id);
  const text = `${historyToJSON(found.history)}\n`;
  if (file) writeFileSync(file, text);
  else process.stdout.write(text);
  console.error(
    `${id}: ${found.events} events from ${found.source}${found.archivedAt ? ` (archived ${found.archivedAt})` : ''}, sha256 ${found.sha256}, ` +
      `worker build ${found.workerBuildId ?? 'unknown'}${file ? ` → ${file}` : ''}`,
  );
  return 0;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) console.error(`audit: ${err.message}\n`);
    console.error(USAGE);
    return err.message ? 2 : 0;
  }
  const src = sources();
  try {
    return options.command === 'replay' ? await replay(options, src) : await exportHistory(options, src);
  } finally {
    await src.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
