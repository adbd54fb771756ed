/**
 * The drills as a suite: `npm run drill` (every drill), `npm run drill -- worker-kill` (one by
 * name), `--short` (CI: 3 dossiers a drill, shorter outages), `--dossiers N`, `--json file` (the
 * results for a machine), `--keep` (keep the process logs). Starts its own processes on free
 * ports, prints one table, and exits 1 on any loss, duplicate or mismatch (2 on a usage error).
 */
import { writeFileSync } from 'node:fs';
import { DRILLS } from './catalogue';
import { UsageError, parseOptions } from './options';
import { cleanUpEverything } from './processes';
import { runDrills, type DrillReport } from './runner';
import { LEGEND, formatChecked, formatFindings, formatTable } from './table';

export type { DrillReport };

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), DRILLS.map((d) => d.name));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`drill: ${err.message}\nusage: npm run drill -- [${DRILLS.map((d) => d.name).join('|')} …] [--short] [--dossiers N] [--json file] [--keep]`);
    return 2;
  }
  // Progress goes to stderr; stdout carries only the table and its findings.
  const log = (m: string) => process.stderr.write(`# ${new Date().toISOString().slice(11, 19)} ${m}\n`);
  const report = await runDrills(options, log);
  if (options.json) writeFileSync(options.json, JSON.stringify(report, null, 2));
  console.log(`\nDrills${report.short ? ' (short form)' : ''}: ${report.dossiersPerDrill} dossiers each, ${report.seconds.toFixed(0)} s in all\n`);
  console.log(formatTable(report.results));
  console.log(`\n${LEGEND}\n`);
  console.log(`${formatChecked(report.results)}\n`);
  console.log(formatFindings(report.results));
  if (report.keptIn) console.log(`\nProcess logs and files kept in ${report.keptIn}`);
  console.log(report.ok ? '\nPASS: no loss, duplicate or mismatch' : '\nFAIL: see the findings above');
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    cleanUpEverything();
    process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    cleanUpEverything();
    process.exit(1);
  },
);
