import type { DrillResult } from './drill';

/**
 * The one table a run prints (plain aligned text, for a terminal and a CI log), its legend, and
 * the findings behind every number that is not what it should be.
 */

const HEADERS = ['drill', 'dossiers', 'acknowledged', 'reached end', 'lost (dossiers/log)', 'duplicated', 'mismatched', '5xx in fault (500s)', 'recover s'] as const;

const recover = (r: DrillResult) => (r.error ? 'ERROR' : r.recoverSeconds === undefined ? '-' : r.recoverSeconds === null ? 'never' : r.recoverSeconds.toFixed(1));

function row(r: DrillResult): string[] {
  return [
    r.name,
    String(r.dossiers),
    String(r.acknowledged),
    String(r.reached),
    `${r.lostDossiers}/${r.lostLogEntries}`,
    String(r.duplicated),
    String(r.mismatched),
    `${r.serverErrors} (${r.internalErrors})`,
    recover(r),
  ];
}

/** Whether this drill makes the run fail: any loss, duplicate or mismatch, or a drill that could not run. */
export const failedDrill = (r: DrillResult) => !!r.error || r.lostDossiers + r.lostLogEntries + r.duplicated + r.mismatched > 0;

export function formatTable(results: readonly DrillResult[]): string {
  const rows = [HEADERS.slice(), ...results.map(row)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export const LEGEND = [
  'dossiers: submitted by the drill; acknowledged: submissions answered 2xx with a reference;',
  'reached end: DELIVERED with clear health and licence findings, within the wait after recovery;',
  'lost: acknowledged dossiers with no record or no workflow / requests answered whose access-log entry is missing;',
  'duplicated: dossiers with two rows for one externalRef, two codes, orders or shipments, or an action applied twice;',
  'mismatched: dossiers whose record (status, every transition and its time) differs from the workflow (live state, replayed history);',
  '5xx in fault: every answer >= 500 from the fault\'s start until recovery; in parentheses the 500s, the defect (an outage',
  '  is to be answered 503 with Retry-After, which clients retry with the same key; 503s with and without it are counted in the findings);',
  'recover s: from the fault\'s end (process restarted, dependency back) to the first success of the probe action.',
  'The run fails on any loss, duplicate or mismatch (a dossier short of its end is reported, and fails nothing by itself).',
].join('\n');

/** One line per drill: what its numbers rest on. */
export function formatChecked(results: readonly DrillResult[]): string {
  return results
    .map((r) => `${r.name}: ${r.checked.requests} requests sent, ${r.checked.answered} answered, ${r.checked.logEntries} access-log entries looked for, ${r.checked.transitions} transitions compared with the replayed history; ${r.seconds.toFixed(0)} s`)
    .join('\n');
}

export function formatFindings(results: readonly DrillResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    const lines = [...(r.error ? [`the drill could not run to its end: ${r.error}`] : []), ...r.findings];
    if (r.unavailableWithRetryAfter !== r.serverErrors - r.internalErrors && r.serverErrors > 0) {
      lines.push(`${r.serverErrors - r.internalErrors - r.unavailableWithRetryAfter} of the 5xx were neither 500 nor 503 with Retry-After`);
    }
    if (!lines.length) continue;
    out.push(`${r.name} (${r.seconds.toFixed(0)} s): ${r.summary}`);
    for (const l of lines) out.push(`  - ${l}`);
  }
  return out.length ? out.join('\n') : 'No findings.';
}
