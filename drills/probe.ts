import { randomBytes } from 'node:crypto';
import type { DrillClient } from './client';
import { LIFECYCLE, act, awaitVerification, newRun, submit, type Deadline, type DossierRun } from './lifecycle';
import { sleep } from './processes';

/**
 * How a drill knows the service has recovered: from the moment the fault ends, a probe tries the
 * smallest action that needs what the fault took away, until one succeeds. That moment, less the
 * fault's end, is the drill's "seconds to recover".
 *   reassign  an Update on a dossier prepared in IN_APPRAISAL (re-assigning is always allowed
 *             there): it needs the API, PostgreSQL, Temporal and a worker, all of them;
 *   verify    a new submission's verification comes back clear (the registries);
 *   approve   the approval of a dossier prepared in AWAITING_APPROVAL (the payment gateway);
 *   ship      the shipment of a dossier prepared in RESULT_READY (the postal service).
 */

export type ProbeKind = 'reassign' | 'verify' | 'approve' | 'ship';

export interface Probe {
  kind: ProbeKind;
  /** The probe's dossiers: checked like the drill's own, counted in none of its columns. */
  runs: DossierRun[];
  prepare(deadline: Deadline): Promise<void>;
  /** The time of the first success from now on, or undefined if none came before the deadline. */
  untilRecovered(deadline: Deadline): Promise<number | undefined>;
  /** What the last unsuccessful attempt got, for a probe that never succeeded. */
  lastFailure(): string | undefined;
}

const PREPARED_UP_TO: Record<Exclude<ProbeKind, 'verify'>, string> = { reassign: 'assign', approve: 'appraise', ship: 'record-payment' };

export function createProbe(kind: ProbeKind, client: DrillClient, name: string): Probe {
  const runs: DossierRun[] = [];
  const probeRun = () => {
    const run = newRun(`${name}-probe${runs.length + 1}`);
    runs.push(run);
    return run;
  };

  async function prepare(deadline: Deadline): Promise<void> {
    if (kind === 'verify') return;
    const run = probeRun();
    // Re-assigning repeats the assign transition on purpose: not a duplicate.
    if (kind === 'reassign') run.repeatable = new Set(['assign']);
    const last = PREPARED_UP_TO[kind];
    if (!(await submit(client, run, deadline)) || !(await awaitVerification(client, run, deadline))) throw new Error(`probe: ${run.failure}`);
    for (const step of LIFECYCLE) {
      if (!(await act(client, run, step, deadline))) throw new Error(`probe: ${run.failure}`);
      if (step.action === last) break;
    }
  }

  let last: string | undefined;
  async function untilRecovered(deadline: Deadline): Promise<number | undefined> {
    if (kind === 'reassign') {
      const run = runs[0]!;
      const id = [...run.codes][0]!;
      // Re-assigning to the appraiser already assigned is refused: alternate between the two demo appraisers.
      let appraiser = 'thamdinh2';
      while (Date.now() < deadline()) {
        // A new key each attempt: an attempt cut off by the fault may still be applied later, which is fine here.
        const got = await client.once('lanhdao', {
          method: 'POST',
          route: 'POST /api/v1/dossiers/:id/actions/assign',
          path: `/api/v1/dossiers/${encodeURIComponent(id)}/actions/assign`,
          body: { appraiser },
          idempotencyKey: `probe-${randomBytes(6).toString('hex')}`,
        });
        if (!('failure' in got) && got.status === 200) return Date.now();
        last = 'failure' in got ? got.failure : `${got.status} ${got.body.error?.code ?? ''} ${got.body.error?.message ?? ''}`;
        if ('failure' in got || got.status !== 409) await sleep(500);
        appraiser = appraiser === 'thamdinh' ? 'thamdinh2' : 'thamdinh';
      }
      return undefined;
    }
    if (kind === 'verify') {
      while (Date.now() < deadline()) {
        const run = probeRun();
        if (!(await submit(client, run, deadline))) return undefined;
        const state = await awaitVerification(client, run, deadline, 100);
        if (!state) return undefined;
        if (state.verification?.health?.outcome === 'clear' && state.verification?.licence?.outcome === 'clear') return run.verifiedAt;
        last = `verification health ${state.verification?.health?.outcome}, licence ${state.verification?.licence?.outcome}`;
      }
      return undefined;
    }
    const run = runs[0]!;
    const step = LIFECYCLE.find((s) => s.action === kind)!;
    // The same key until it is applied, as a real client retries.
    if (await act(client, run, step, deadline)) return Date.now();
    last = run.failure;
    return undefined;
  }

  return { kind, runs, prepare, untilRecovered, lastFailure: () => last };
}
