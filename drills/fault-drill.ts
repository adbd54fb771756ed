import { checkAccessLog } from './access-log';
import { checkRuns, codeCount } from './checks';
import { summarise, type Drill, type DrillContext } from './drill';
import { driveLifecycle, newRun, type DossierRun } from './lifecycle';
import type { Timings } from './options';
import { createProbe, type ProbeKind } from './probe';
import { sleep } from './processes';

/**
 * The shape every fault drill shares: N dossiers driven through their lifecycles, overlapping; the
 * fault begins (before the first submission, or once a third of them have been received, so it
 * finds the others at every stage, at a moment an action is in flight); it lasts; it ends (the process started again, the dependency
 * back); a probe measures when the service answers again; clients keep retrying as real ones do
 * until a bounded time after the fault's end; then every dossier is checked.
 */

export interface FaultSpec {
  name: string;
  summary: string;
  probe: ProbeKind;
  /** 'start': the fault is there when the dossiers arrive; 'mid': it comes once a third have been received. */
  trigger: 'start' | 'mid';
  begin(ctx: DrillContext): Promise<void>;
  holdMs(t: Timings): number;
  /** Ends the fault; resolves once what it restarted is ready (the probe is already running). */
  end(ctx: DrillContext): Promise<void>;
}

const NO_END_YET = 30 * 60_000;

export function faultDrill(spec: FaultSpec): Drill {
  return {
    name: spec.name,
    summary: spec.summary,
    async run(ctx) {
      const { timings: t, client } = ctx;
      const from = Date.now();
      let faultStart = 0;
      let faultEnd: number | undefined;
      let aborted = false;
      // Clients give up a bounded time after the fault's end (which nobody knows in advance), or at once if the drill broke.
      const deadline = () => (aborted ? 0 : (faultEnd ?? Date.now() + NO_END_YET) + t.finishMs);

      const probe = createProbe(spec.probe, client, spec.name);
      await probe.prepare(() => Date.now() + 120_000);
      const codesBefore = await codeCount(ctx.stack);

      const runs: DossierRun[] = Array.from({ length: t.dossiers }, (_, i) => newRun(`${spec.name}#${i + 1}`));
      const third = Math.max(1, Math.ceil(t.dossiers / 3));
      let received = 0;
      let midway: () => void = () => undefined;
      const reachedMidway = new Promise<void>((resolve) => (midway = resolve));
      const beginFault = async () => {
        faultStart = Date.now();
        ctx.log(`${spec.name}: fault begins`);
        await spec.begin(ctx);
      };

      let lifecycles: Promise<void>[] = [];
      let recoveredAt: number | undefined;
      try {
        if (spec.trigger === 'start') await beginFault();
        lifecycles = runs.map(async (run, i) => {
          await sleep(i * t.staggerMs);
          await driveLifecycle(client, run, {
            deadline,
            thinkMs: t.thinkMs,
            onApplied: (action) => {
              if (action === 'receive' && ++received >= third) midway();
            },
          });
        });
        if (spec.trigger === 'mid') {
          // A drill whose dossiers never get that far still gets its fault.
          await Promise.race([reachedMidway, sleep(60_000)]);
          // Then the moment an action is being worked on (its workflow task, the record's write):
          // what a kill -9 can tear in half.
          for (const until = Date.now() + 5_000; ctx.journal.actionsInFlight(10) === 0 && Date.now() < until; ) await sleep(2);
          await beginFault();
        }
        await sleep(spec.holdMs(t));
        const end = Date.now();
        faultEnd = end;
        ctx.log(`${spec.name}: fault ends after ${((end - faultStart) / 1000).toFixed(1)} s`);
        const recovery = probe.untilRecovered(deadline);
        await spec.end(ctx);
        recoveredAt = await recovery;
        ctx.log(`${spec.name}: ${recoveredAt ? `recovered ${((recoveredAt - end) / 1000).toFixed(1)} s after the fault ended` : 'no recovery seen'}; waiting for the dossiers`);
        await Promise.all(lifecycles);
      } catch (err) {
        // No client may outlive its drill: the next drill would count its requests.
        aborted = true;
        await Promise.allSettled(lifecycles);
        throw err;
      }

      ctx.log(`${spec.name}: checking ${runs.length + probe.runs.length} dossiers`);
      const verdicts = await checkRuns(ctx.stack, client, runs, probe.runs, t.settleMs);
      const codesAfter = await codeCount(ctx.stack);
      const burned = codesAfter.issued - codesBefore.issued - (codesAfter.kept - codesBefore.kept);
      const access = await checkAccessLog(ctx.stack, ctx.control, ctx.journal);
      const findings = burned > 0 ? [`DUPLICATE: the code counters advanced ${burned} more times than codes kept (a number handed out twice or lost)`] : [];
      if (recoveredAt === undefined) findings.push(`the probe (${spec.probe}) last got: ${probe.lastFailure() ?? 'nothing'}`);
      return summarise(spec, verdicts, ctx.journal, access, { fault: { start: faultStart, end: faultEnd }, recoveredAt, from, to: Date.now() }, {
        findings,
        duplicates: Math.max(0, burned),
      });
    },
  };
}
