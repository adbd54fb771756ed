/**
 * What `npm run drill -- [names…] [--short] [--dossiers N] [--json file] [--keep]` asks for, and
 * the timings that follow from it. One place, so the CI form (`--short`) and the full form differ
 * only in these numbers, never in what a drill does or checks.
 */

export interface Timings {
  /** Dossiers per drill. */
  dossiers: number;
  /** Between two dossiers' submissions: the lifecycles overlap, so a fault finds them at every stage. */
  staggerMs: number;
  /** An officer's pause between two steps, so a lifecycle lasts long enough to be interrupted. */
  thinkMs: number;
  /** How long a killed process stays dead before it is started again. */
  deadMs: number;
  /** How long the worker stays frozen: longer than a workflow task's 10 s timeout, so the server gives the task to another attempt. */
  frozenMs: number;
  /** PostgreSQL stopped (the issue says about 25 s). */
  postgresDownMs: number;
  /** A registry answering 503; the full form outlasts the workflow's ~31 s of registry retries. */
  registryDownMs: number;
  /** A registry hanging: each attempt then also spends the adapter's 5 s timeout, so the full form lasts longer (~51 s of retries). */
  registryHangMs: number;
  /** The payment gateway or the postal service down; the full form outlasts the API's 30 s wait for an action. */
  serviceDownMs: number;
  /** After the fault ends, how long clients keep trying before a dossier counts as not reaching its end. */
  finishMs: number;
  /** How long the record may take to catch up with its workflow before a difference counts as a mismatch. */
  settleMs: number;
  /** Copies of one request in the duplicate storm. */
  stormCopies: number;
}

export interface DrillOptions {
  /** Drills to run, by name; empty: all of them. */
  names: string[];
  short: boolean;
  timings: Timings;
  /** Also write the results as JSON here (what the vitest short form reads). */
  json?: string;
  /** Keep the run's folder (process logs, journals, database files) even when every drill passed. */
  keep: boolean;
}

const FULL: Timings = {
  dossiers: 12,
  staggerMs: 300,
  thinkMs: 300,
  deadMs: 3_000,
  frozenMs: 15_000,
  postgresDownMs: 25_000,
  registryDownMs: 40_000,
  registryHangMs: 60_000,
  serviceDownMs: 40_000,
  finishMs: 150_000,
  settleMs: 90_000,
  stormCopies: 20,
};

/** CI: a few dossiers and outages shorter than the retry budgets, so the whole run fits in ~6 minutes on 2 cores. */
const SHORT: Timings = {
  dossiers: 3,
  staggerMs: 300,
  thinkMs: 200,
  deadMs: 1_000,
  frozenMs: 12_000,
  postgresDownMs: 10_000,
  registryDownMs: 10_000,
  registryHangMs: 10_000,
  serviceDownMs: 10_000,
  finishMs: 90_000,
  settleMs: 75_000,
  stormCopies: 12,
};

export class UsageError extends Error {}

export function parseOptions(argv: string[], known: readonly string[]): DrillOptions {
  const names: string[] = [];
  let short = false;
  let dossiers: number | undefined;
  let json: string | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--short') short = true;
    else if (a === '--keep') keep = true;
    else if (a === '--dossiers') {
      dossiers = Number(argv[++i]);
      if (!Number.isInteger(dossiers) || dossiers < 1 || dossiers > 200) throw new UsageError('--dossiers takes a whole number from 1 to 200');
    } else if (a === '--json') {
      json = argv[++i];
      if (!json) throw new UsageError('--json takes a file name');
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (known.includes(a)) names.push(a);
    else throw new UsageError(`no drill named ${a}; the drills are: ${known.join(', ')}`);
  }
  const timings = { ...(short ? SHORT : FULL), ...(dossiers ? { dossiers } : {}) };
  return { names, short, timings, json, keep };
}
