import { DRILLS } from './catalogue';
import { DrillClient, STAFF } from './client';
import { failed, type DrillResult } from './drill';
import { Journal } from './journal';
import type { DrillOptions } from './options';
import { installCleanUp } from './processes';
import { startStack } from './stack';
import { failedDrill } from './table';

/**
 * Runs the chosen drills one after another on one stack: between two drills, whatever a drill
 * left down is started again (and said), so a drill that went wrong cannot spoil the next one.
 */

export interface DrillReport {
  short: boolean;
  dossiersPerDrill: number;
  results: DrillResult[];
  seconds: number;
  /** The run's folder (process logs), when kept. */
  keptIn?: string;
  ok: boolean;
}

export async function runDrills(options: DrillOptions, log: (m: string) => void): Promise<DrillReport> {
  installCleanUp();
  const t0 = Date.now();
  const chosen = options.names.length ? DRILLS.filter((d) => options.names.includes(d.name)) : DRILLS;
  const stack = await startStack(log);
  const results: DrillResult[] = [];
  try {
    const tokens = new Map<string, string>();
    const control = new DrillClient(stack.api, new Journal(`gplx-drill-control/${stack.runId}/`), tokens);
    for (const who of STAFF) await control.login(who, Date.now() + 60_000);
    log(`stack up in ${((Date.now() - t0) / 1000).toFixed(0)} s; drills: ${chosen.map((d) => d.name).join(', ')}`);

    for (const drill of chosen) {
      const restarted = await stack.ensureUp();
      if (restarted.length) {
        const last = results.at(-1);
        last?.findings.push(`left ${restarted.join(', ')} down; started again before the next drill`);
      }
      const journal = new Journal(`gplx-drill/${stack.runId}/${drill.name}/`);
      const started = Date.now();
      log(`${drill.name}: ${drill.summary}`);
      let result: DrillResult;
      try {
        result = await drill.run({ name: drill.name, stack, client: control.withJournal(journal), control, journal, timings: options.timings, log });
      } catch (err) {
        result = failed(drill.name, drill.summary, options.timings.dossiers, err, (Date.now() - started) / 1000);
      }
      // A process that died on its own during the drill (not the one it killed and restarted) is a finding.
      for (const p of Object.values(stack.processes())) {
        if (!p.alive()) result.findings.push(`${p.name} (pid ${p.pid}) exited during the drill`);
      }
      if (!stack.temporal.alive()) result.findings.push('the Temporal server exited during the drill');
      await stack.clearFaults().catch(() => undefined);
      results.push(result);
      log(`${drill.name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s${failedDrill(result) ? ' — FAILED' : ''}`);
    }
  } finally {
    const ok = results.length === chosen.length && !results.some(failedDrill);
    await stack.stop({ keepFiles: options.keep || !ok });
  }
  const ok = results.length === chosen.length && !results.some(failedDrill);
  return {
    short: options.short,
    dossiersPerDrill: options.timings.dossiers,
    results,
    seconds: (Date.now() - t0) / 1000,
    ...(options.keep || !ok ? { keptIn: stack.dir } : {}),
    ok,
  };
}
