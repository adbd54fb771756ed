/**
 * bench/propagation: N open (received) dossiers, then an admin adds a holiday. Measures how long
 * the admin's request takes, how long the propagation workflow's signals take to reach every dossier, and checks
 * that the dossiers' appointments moved.   npm run bench:propagation -- [--n 2000] [--concurrency 40]
 */
import { randomUUID } from 'node:crypto';
import { RENEWAL_PROCEDURE } from '../domain/procedure';
import type { Actor } from '../domain/roles';
import { WorkingCalendar, dayOf, isoDay, weekday } from '../domain/working-time';
import { WORKFLOW_TYPE, actionUpdates, stateQuery } from '../workflows/definitions';
import { AGENCY, arg, benchApplication, login, pool, signedRequest, sleep, startBenchService } from './support';

const N = arg('n', 2000);
const CONCURRENCY = arg('concurrency', 40);

async function main(): Promise<void> {
  const bench = await startBenchService();
  const { base, client, temporal } = bench;
  const officer: Actor = { username: 'motcua', roles: ['one_stop_officer'], agencyCode: AGENCY };

  const references: string[] = [];
  const seedSeconds = await pool(N, CONCURRENCY, async () => {
    const reference = `SUB-${randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase()}`;
    const handle = await client.workflow.start(WORKFLOW_TYPE, {
      workflowId: reference,
      taskQueue: temporal.taskQueue,
      args: [{ reference, application: benchApplication(), submittedAt: new Date().toISOString(), procedure: RENEWAL_PROCEDURE }],
    });
    while ((await handle.query(stateQuery)).status !== 'AWAITING_RECEIPT') await sleep(50);
    await handle.executeUpdate(actionUpdates.receive, { args: [signedRequest(bench.signing, reference, 'receive', officer, {}) as never] });
    references.push(reference);
  });
  console.error(`# ${N} received dossiers in ${seedSeconds.toFixed(1)} s`);

  const sample = await client.workflow.getHandle(references[0]!).query(stateQuery);
  const cal = new WorkingCalendar(sample.calendar!);
  let day = dayOf(Date.parse(sample.receivedAt!)) + 1;
  while (!(cal.isWorkingDay(day) && weekday(day) >= 1 && weekday(day) <= 5)) day++;

  const admin = await login(base, 'quantri');
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/calendar/entries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ date: isoDay(day), kind: 'holiday', name: 'Nghỉ lễ (benchmark)' }),
  });
  const requestMs = performance.now() - t0;
  const { propagation } = (await res.json()) as { propagation: { id: string } };
  let progress: { state: string; total: number; completed: number; failed: number };
  for (;;) {
    const p = await fetch(`${base}/api/v1/calendar/propagations/${propagation.id}`, { headers: { authorization: `Bearer ${admin}` } });
    progress = (await p.json()) as typeof progress;
    if (progress.state !== 'running') break;
    await sleep(250);
  }
  const signalledS = (performance.now() - t0) / 1000;

  // Every dossier has moved once its appointment differs from the one before the holiday.
  const pending = new Set(references);
  while (pending.size > 0 && (performance.now() - t0) / 1000 < 600) {
    await pool([...pending].length, CONCURRENCY, async (i) => {
      const ref = [...pending][i];
      if (!ref) return;
      const s = await client.workflow.getHandle(ref).query(stateQuery);
      if (s.transitions.some((t) => t.action === 'deadline-moved')) pending.delete(ref);
    });
    if (pending.size > 0) await sleep(500);
  }
  const movedS = (performance.now() - t0) / 1000;

  console.log(`bench/propagation: ${N} open dossiers, holiday ${isoDay(day)} added`);
  console.log(`  admin request (POST /calendar/entries): ${requestMs.toFixed(0)} ms`);
  console.log(`  propagation: ${progress.state}, ${progress.completed}/${progress.total} signalled, ${progress.failed} failed, ${signalledS.toFixed(1)} s`);
  console.log(`  every appointment moved and recorded: ${N - pending.size}/${N} after ${movedS.toFixed(1)} s (${((N - pending.size) / movedS).toFixed(0)} dossiers/s)`);
  console.log(`  service process peak RSS: ${bench.peakRssMb().toFixed(0)} MiB`);
  await bench.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
