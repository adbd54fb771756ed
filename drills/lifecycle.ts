import { randomBytes } from 'node:crypto';
import type { Application } from '../domain/application';
import { application } from '../test/support/fixtures';
import type { DrillClient, Json, Outcome, Who } from './client';
import { sleep } from './processes';

/**
 * One dossier driven through its whole lifecycle over HTTP, as the portal and the officers would:
 * submit (with an externalRef, the submission's idempotency key), wait for verification, then
 * receive, assign, appraise, approve, pay online, ship and confirm delivery, each action with an
 * Idempotency-Key of its own kept across retries. What every answer said is kept for the checks:
 * the references, codes, payment orders and tracking numbers seen, and why a dossier stopped.
 */

export interface Step {
  action: string;
  who: Who;
  body(run: DossierRun): Json;
}

/** A dossier delivered by post: the path every fault drill drives. */
export const LIFECYCLE: readonly Step[] = [
  { action: 'receive', who: 'motcua', body: () => ({}) },
  { action: 'assign', who: 'lanhdao', body: () => ({ appraiser: 'thamdinh' }) },
  { action: 'appraise', who: 'thamdinh', body: () => ({ outcome: 'pass' }) },
  { action: 'approve', who: 'lanhdao', body: () => ({}) },
  { action: 'record-payment', who: 'portal', body: (run) => ({ amount: run.feeAmount ?? 135000, method: 'online', transactionRef: `PG-${run.externalRef}` }) },
  { action: 'ship', who: 'motcua', body: () => ({}) },
  { action: 'confirm-delivery', who: 'portal', body: (run) => ({ trackingNumber: [...run.trackingNumbers][0] }) },
];

export const INTENDED_END = 'DELIVERED';

export interface DossierRun {
  label: string;
  externalRef: string;
  application: Application;
  /** Every reference the API answered for this submission: more than one is two dossiers. */
  references: Set<string>;
  /** How many answers said 201 (created): more than one is two dossiers. */
  created: number;
  acknowledged: boolean;
  reference?: string;
  /** Every code an answer showed: more than one is a code issued twice. */
  codes: Set<string>;
  orderIds: Set<string>;
  trackingNumbers: Set<string>;
  feeAmount?: number;
  /** Idempotency-Key per action, fixed before the first attempt. */
  keys: Map<string, string>;
  /** Actions answered 2xx. */
  applied: string[];
  lastStatus?: string;
  /** Why the client stopped before the intended end. */
  failure?: string;
  /** Answers that contradicted each other (the same request answered differently). */
  inconsistencies: string[];
  /** When the client saw verification done. */
  verifiedAt?: number;
  /** Actions this dossier repeats on purpose (the recovery probe re-assigns): never counted as applied twice. */
  repeatable?: Set<string>;
}

export function newRun(label: string): DossierRun {
  const externalRef = `DRILL-${label}-${randomBytes(4).toString('hex')}`;
  return {
    label,
    externalRef,
    application: application({ externalRef }),
    references: new Set(),
    created: 0,
    acknowledged: false,
    codes: new Set(),
    orderIds: new Set(),
    trackingNumbers: new Set(),
    keys: new Map(),
    applied: [],
    inconsistencies: [],
  };
}

export type Deadline = () => number;

const describe = (o: Outcome) =>
  o.failure ?? (o.answer ? `${o.answer.status} ${o.answer.body.error?.code ?? ''} ${o.answer.body.error?.message ?? ''}`.trim() : 'no answer');

/** What an answer shows about the dossier, kept for the duplicate checks. */
function note(run: DossierRun, body: Json): void {
  if (typeof body.code === 'string') run.codes.add(body.code);
  if (typeof body.payment?.orderId === 'string') run.orderIds.add(body.payment.orderId);
  if (typeof body.payment?.amount === 'number') run.feeAmount = body.payment.amount;
  if (typeof body.shipment?.trackingNumber === 'string') run.trackingNumbers.add(body.shipment.trackingNumber);
  if (typeof body.status === 'string') run.lastStatus = body.status;
}

/** Submits `copies` times at once (1: an ordinary client; more: the duplicate storm). True once acknowledged. */
export async function submit(client: DrillClient, run: DossierRun, deadline: Deadline, copies = 1): Promise<boolean> {
  const outcomes = await Promise.all(
    Array.from({ length: copies }, () =>
      client.call('portal', { method: 'POST', route: 'POST /api/v1/dossiers', path: '/api/v1/dossiers', body: run.application }, deadline),
    ),
  );
  for (const o of outcomes) {
    if (o.answer && o.answer.status < 300 && typeof o.answer.body.reference === 'string') {
      run.references.add(o.answer.body.reference);
      if (o.answer.status === 201) run.created++;
      run.acknowledged = true;
      run.reference ??= o.answer.body.reference;
    }
  }
  if (!run.acknowledged) run.failure = `submit: ${describe(outcomes[0]!)}`;
  return run.acknowledged;
}

/** Polls the record until verification is done (AWAITING_RECEIPT or later). */
export async function awaitVerification(client: DrillClient, run: DossierRun, deadline: Deadline, everyMs = 250): Promise<Json | undefined> {
  const id = run.reference!;
  let pause = everyMs;
  for (;;) {
    const got = await client.once('motcua', { method: 'GET', route: 'GET /api/v1/dossiers/:id', path: `/api/v1/dossiers/${encodeURIComponent(id)}` });
    // A portal polling a failing API backs off, as it would for any other request.
    const answered = !('failure' in got) && got.status === 200;
    pause = answered ? everyMs : Math.min(pause * 2, 2_000);
    if (!('failure' in got) && got.status === 200) {
      const status = got.body.status as string;
      run.lastStatus = status;
      if (status !== 'SUBMITTED' && status !== 'VERIFYING') {
        run.verifiedAt = Date.now();
        return got.body;
      }
    }
    if (Date.now() > deadline()) {
      run.failure = `verification: still ${run.lastStatus ?? 'unreadable'} at the deadline`;
      return undefined;
    }
    await sleep(pause);
  }
}

const unavailable = (state: Json) => state.verification?.health?.outcome === 'unavailable' || state.verification?.licence?.outcome === 'unavailable';

/**
 * A leader does not approve a dossier whose health certificate or licence record could not be
 * checked: she waits for the finding (the service is to re-check a registry that was down by
 * itself), bounded by the deadline. No manual re-check: the drill measures whether the service
 * recovers on its own.
 */
export async function awaitFindings(client: DrillClient, run: DossierRun, deadline: Deadline): Promise<boolean> {
  const id = run.reference!;
  for (;;) {
    const got = await client.once('lanhdao', { method: 'GET', route: 'GET /api/v1/dossiers/:id', path: `/api/v1/dossiers/${encodeURIComponent(id)}` });
    if (!('failure' in got) && got.status === 200 && !unavailable(got.body)) return true;
    if (Date.now() > deadline()) {
      run.failure = `approve: a registry finding was still unavailable at the deadline (never re-checked)`;
      return false;
    }
    await sleep(1_000);
  }
}

/** One action, `copies` times at once with the same Idempotency-Key. True once applied. */
export async function act(client: DrillClient, run: DossierRun, step: Step, deadline: Deadline, copies = 1): Promise<boolean> {
  const id = [...run.codes][0] ?? run.reference!;
  const key = run.keys.get(step.action) ?? `${step.action}-${randomBytes(6).toString('hex')}`;
  run.keys.set(step.action, key);
  const body = step.body(run);
  const route = `POST /api/v1/dossiers/:id/actions/${step.action}`;
  const path = `/api/v1/dossiers/${encodeURIComponent(id)}/actions/${step.action}`;
  const outcomes = await Promise.all(Array.from({ length: copies }, () => client.call(step.who, { method: 'POST', route, path, body, idempotencyKey: key }, deadline)));
  const ok = outcomes.filter((o) => o.answer && o.answer.status < 300);
  for (const o of ok) note(run, o.answer!.body);
  if (ok.length > 0 && ok.length < outcomes.length) {
    // The same key must be answered as the first time: a copy refused while another was applied is a broken promise.
    const others = outcomes.filter((o) => !ok.includes(o)).map(describe);
    run.inconsistencies.push(`${step.action}: ${ok.length} of ${copies} copies applied, the others answered ${[...new Set(others)].join(' | ')}`);
  }
  const statuses = new Set(ok.map((o) => o.answer!.body.status as string));
  if (statuses.size > 1) run.inconsistencies.push(`${step.action}: copies with one key answered different states ${[...statuses].join(', ')}`);
  if (ok.length === 0) {
    run.failure = `${step.action}: ${describe(outcomes[0]!)}`;
    return false;
  }
  run.applied.push(step.action);
  return true;
}

/** The whole path, one client, pausing `thinkMs` between steps; stops at the first step that does not succeed. */
export async function driveLifecycle(
  client: DrillClient,
  run: DossierRun,
  opts: { deadline: Deadline; thinkMs: number; onApplied?: (action: string) => void },
): Promise<void> {
  if (!(await submit(client, run, opts.deadline))) return;
  if (!(await awaitVerification(client, run, opts.deadline))) return;
  for (const step of LIFECYCLE) {
    await sleep(opts.thinkMs);
    if (step.action === 'approve' && !(await awaitFindings(client, run, opts.deadline))) return;
    if (!(await act(client, run, step, opts.deadline))) return;
    opts.onApplied?.(step.action);
  }
}
