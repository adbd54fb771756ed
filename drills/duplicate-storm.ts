import { checkAccessLog } from './access-log';
import { checkRuns, codeCount } from './checks';
import { summarise, type Drill } from './drill';
import { LIFECYCLE, act, awaitVerification, newRun, submit } from './lifecycle';
import { inPool } from './pool';
import { sleep } from './processes';

/**
 * No fault, but a client gone mad: every request of a lifecycle sent many times at once — the same
 * submission (one externalRef) and each action with one Idempotency-Key. Exactly one dossier, one
 * code, one payment order and one shipment must come of it, each action applied once, and every
 * copy answered as the first one was.
 */
const NAME = 'duplicate-storm';
const SUMMARY = 'the same submission and each same-key action sent many times concurrently';

export const duplicateStorm: Drill = {
  name: NAME,
  summary: SUMMARY,
  async run(ctx) {
    const { timings: t, client } = ctx;
    const from = Date.now();
    const deadline = () => from + 10 * 60_000;
    const codesBefore = await codeCount(ctx.stack);
    const runs = Array.from({ length: t.dossiers }, (_, i) => newRun(`${NAME}#${i + 1}`));
    // A few dossiers at a time: each is already `stormCopies` requests at once.
    await inPool(runs, 3, async (run) => {
      if (!(await submit(client, run, deadline, t.stormCopies))) return;
      if (!(await awaitVerification(client, run, deadline))) return;
      for (const step of LIFECYCLE) {
        await sleep(t.thinkMs);
        if (!(await act(client, run, step, deadline, t.stormCopies))) return;
      }
    });
    ctx.log(`${NAME}: checking ${runs.length} dossiers`);
    const verdicts = await checkRuns(ctx.stack, client, runs, [], t.settleMs);
    const codesAfter = await codeCount(ctx.stack);
    const burned = codesAfter.issued - codesBefore.issued - (codesAfter.kept - codesBefore.kept);
    const access = await checkAccessLog(ctx.stack, ctx.control, ctx.journal);
    return summarise({ name: NAME, summary: SUMMARY }, verdicts, ctx.journal, access, { from, to: Date.now() }, {
      findings: burned > 0 ? [`DUPLICATE: the code counters advanced ${burned} more times than codes kept`] : [],
      duplicates: Math.max(0, burned),
    });
  },
};
