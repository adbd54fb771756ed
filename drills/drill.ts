import { describeMissing, type AccessLogCheck } from './access-log';
import type { RunVerdict } from './checks';
import type { DrillClient } from './client';
import type { Exchange, Journal } from './journal';
import { INTENDED_END } from './lifecycle';
import type { Timings } from './options';
import type { Stack } from './stack';

/** What a drill is given, and the one line of the table it comes back with (plus its findings). */

export interface DrillContext {
  name: string;
  stack: Stack;
  /** Writes to this drill's journal. */
  client: DrillClient;
  /** Writes to a journal nobody checks: the harness's own look-ups (flushing the access log). */
  control: DrillClient;
  journal: Journal;
  timings: Timings;
  log(message: string): void;
}

export interface Drill {
  name: string;
  summary: string;
  run(ctx: DrillContext): Promise<DrillResult>;
}

export interface DrillResult {
  name: string;
  summary: string;
  dossiers: number;
  acknowledged: number;
  reached: number;
  /** Acknowledged dossiers with no record or no workflow afterwards. */
  lostDossiers: number;
  /** Requests answered during the drill whose access-log entry is not in the database. */
  lostLogEntries: number;
  /** Dossiers with a duplicate (two dossiers, codes, orders, shipments, or an action twice), plus code numbers handed out and lost. */
  duplicated: number;
  /** Dossiers whose record disagrees with their workflow (status, transitions and their times). */
  mismatched: number;
  /** Every answer of 500 or above while the fault lasted and until the service recovered. */
  serverErrors: number;
  /** Of which 500: the defect (an outage must be answered 503 with Retry-After). */
  internalErrors: number;
  /** Of which 503 with Retry-After: the intended answer during an outage. */
  unavailableWithRetryAfter: number;
  /** From the fault's end to the first success of the probe; null: none before the deadline; undefined: no fault. */
  recoverSeconds?: number | null;
  seconds: number;
  /** What the numbers rest on: requests sent and answered, access-log entries looked for, transitions compared. */
  checked: { requests: number; answered: number; logEntries: number; transitions: number };
  findings: string[];
  /** The drill itself could not run to its end. */
  error?: string;
}

export function failed(name: string, summary: string, dossiers: number, err: unknown, seconds: number): DrillResult {
  return {
    name, summary, dossiers, acknowledged: 0, reached: 0, lostDossiers: 0, lostLogEntries: 0, duplicated: 0, mismatched: 0,
    serverErrors: 0, internalErrors: 0, unavailableWithRetryAfter: 0, recoverSeconds: null, seconds,
    checked: { requests: 0, answered: 0, logEntries: 0, transitions: 0 }, findings: [],
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  };
}

/** "7 × 500 INTERNAL POST /api/v1/dossiers/:id/actions/receive (no Retry-After)". */
function describeServerErrors(errors: Exchange[]): string[] {
  const groups = new Map<string, number>();
  for (const e of errors) {
    const key = `${e.status} ${e.errorCode ?? ''} ${e.route} (${e.retryAfter !== undefined ? `Retry-After ${e.retryAfter}` : 'no Retry-After'})`.replace(/ {2,}/g, ' ');
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} × ${k}`);
}

const MAX_LINES_PER_DOSSIER = 4;

export interface Window {
  /** When the fault began and ended (undefined for a drill without one: the storm). */
  fault?: { start: number; end: number };
  /** The probe's first success after the fault's end. */
  recoveredAt?: number;
  /** The drill's first request and the end of its checks. */
  from: number;
  to: number;
}

/** The drill's line of the table, and every finding behind its numbers. */
export function summarise(
  drill: { name: string; summary: string },
  verdicts: RunVerdict[],
  journal: Journal,
  access: AccessLogCheck,
  window: Window,
  extra: { findings?: string[]; duplicates?: number } = {},
): DrillResult {
  const own = verdicts.filter((v) => !v.probe);
  const findings: string[] = [...(extra.findings ?? [])];
  for (const v of verdicts) {
    const who = `${v.run.label}${v.run.reference ? ` ${v.run.reference}` : ''}${v.run.codes.size ? ` ${[...v.run.codes][0]}` : ''}`;
    const lines = [
      ...(v.lost ? [`LOST: ${v.lost}`] : []),
      ...v.duplicated.map((d) => `DUPLICATE: ${d}`),
      ...v.mismatched.map((m) => `MISMATCH: ${m}`),
      ...v.run.inconsistencies.map((i) => `inconsistent answers: ${i}`),
      ...(!v.probe && !v.reached && !v.lost ? [`did not reach ${INTENDED_END} with clear findings: ${v.short ?? '?'}`] : []),
    ];
    const shown = lines.slice(0, MAX_LINES_PER_DOSSIER);
    if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
    findings.push(...shown.map((l) => `${who}: ${l}`));
  }

  const faultFrom = window.fault?.start ?? window.from;
  const faultTo = window.recoveredAt ?? window.to;
  const errors = journal.serverErrors(faultFrom, faultTo);
  if (errors.length) findings.push(`5xx while the fault lasted: ${describeServerErrors(errors).join('; ')}`);
  const outside = [...journal.serverErrors(window.from, faultFrom - 1), ...journal.serverErrors(faultTo + 1, window.to)];
  if (outside.length) findings.push(`5xx outside the fault (not counted in the table): ${describeServerErrors(outside).join('; ')}`);
  if (access.missing.length) {
    findings.push(`${access.missing.length} of ${access.expected} access-log entries missing: ${describeMissing(access.missing, window.fault).join('; ')}`);
  }
  const recoverSeconds = !window.fault ? undefined : window.recoveredAt === undefined ? null : Math.max(0, (window.recoveredAt - window.fault.end) / 1000);
  if (recoverSeconds === null) findings.push('never recovered: the probe found no success before the deadline');

  return {
    name: drill.name,
    summary: drill.summary,
    dossiers: own.length,
    acknowledged: own.filter((v) => v.run.acknowledged).length,
    reached: own.filter((v) => v.reached).length,
    lostDossiers: verdicts.filter((v) => v.lost).length,
    lostLogEntries: access.missing.length,
    duplicated: verdicts.filter((v) => v.duplicated.length > 0).length + (extra.duplicates ?? 0),
    mismatched: verdicts.filter((v) => v.mismatched.length > 0).length,
    serverErrors: errors.length,
    internalErrors: errors.filter((e) => e.status === 500).length,
    unavailableWithRetryAfter: errors.filter((e) => e.status === 503 && e.retryAfter !== undefined).length,
    recoverSeconds,
    seconds: (window.to - window.from) / 1000,
    checked: {
      requests: journal.exchanges.length,
      answered: journal.answered().length,
      logEntries: access.expected,
      transitions: verdicts.reduce((n, v) => n + v.compared, 0),
    },
    findings,
  };
}
