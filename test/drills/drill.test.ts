import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// Types only (nothing of the harness runs in this process); importing main also brings drills/ into
// the type check and the linter's project, which tsconfig.json's `include` does not name.
import type { DrillReport } from '../../drills/main';

const ROOT = path.join(__dirname, '..', '..');

/**
 * The short form of the drills, as CI runs it: `npm run drill -- --short` in a process of its own
 * (its own Temporal server, PostgreSQL, simulators, worker and API, killed and restarted on
 * purpose). Every drill must end with nothing lost, nothing done twice and every record equal to
 * its workflow. The table is printed on failure, so the CI log says which drill and why.
 */
describe('the drills, short form', () => {
  it('lose, duplicate and mismatch nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gplx-drill-test-'));
    const json = path.join(dir, 'report.json');
    let output = '';
    let table = '';
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'drill', '--', '--short', '--json', json], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        table += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.once('exit', resolve);
    });
    // The table in the CI log whatever the outcome: its figures (5xx, seconds to recover) are worth reading when it passes too.
    console.log(table);
    let report: DrillReport;
    try {
      report = JSON.parse(readFileSync(json, 'utf8')) as DrillReport;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const summary = report.results.map((r) => ({
      drill: r.name,
      error: r.error,
      lost: r.lostDossiers + r.lostLogEntries,
      duplicated: r.duplicated,
      mismatched: r.mismatched,
    }));
    expect(summary.every((s) => !s.error), output).toBe(true);
    expect(summary, output).toEqual(summary.map((s) => ({ ...s, lost: 0, duplicated: 0, mismatched: 0 })));
    expect(code, output).toBe(0);
  }, 15 * 60_000);
});
