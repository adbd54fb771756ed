import { WorkflowNotFoundError } from '@temporalio/client';
import type { DossierState } from '../domain/dossier-state';
import { stateQuery } from '../workflows/definitions';
import type { DrillClient, Json } from './client';
import { INTENDED_END, LIFECYCLE, type DossierRun } from './lifecycle';
import { inPool } from './pool';
import { sleep } from './processes';
import type { Stack } from './stack';

/**
 * What a drill left behind, dossier by dossier, once the fault is over:
 *   lost        acknowledged, yet no record (GET /dossiers/:reference) or no workflow in Temporal;
 *   duplicated  two dossiers for one externalRef, a second code for one dossier (an answer, the
 *               record and the workflow disagreeing on it), an action of the lifecycle twice in the
 *               record or in the replayed history, two payment orders or two shipments;
 *   mismatched  the record (PostgreSQL) and the workflow disagree: its status against the live
 *               workflow's, and its transitions, one by one and to the millisecond, against the
 *               timeline the auditor's replay rebuilds from the history (POST /audit/replay);
 *   reached     the record says DELIVERED and both registries' findings are clear.
 * The record is given `settleMs` to catch up with its workflow (a write that met the outage is
 * retried after a pause) before a difference counts.
 */

export interface RunVerdict {
  run: DossierRun;
  probe: boolean;
  lost?: string;
  duplicated: string[];
  mismatched: string[];
  reached: boolean;
  /** Why not, when it did not. */
  short?: string;
  /** Transitions compared between the record and the replayed history. */
  compared: number;
}

interface Transition {
  at: string;
  actor: { username: string; role: string };
  action: string;
  from: string | null;
  to: string;
  note?: string;
}

const FIELDS = ['at', 'action', 'from', 'to', 'actor', 'note'] as const;
const show = (t: Transition | undefined) => (t ? `${t.action} ${t.from ?? '-'}→${t.to} at ${t.at} by ${t.actor.username}` : 'nothing');

/** The first difference between the record's transitions and the replayed timeline, per transition. */
export function compareTimelines(record: Transition[], replayed: Transition[]): string[] {
  const out: string[] = [];
  if (record.length !== replayed.length) out.push(`the record has ${record.length} transitions, the replayed history ${replayed.length}`);
  for (let i = 0; i < Math.max(record.length, replayed.length); i++) {
    const a = record[i];
    const b = replayed[i];
    if (!a || !b) {
      out.push(`transition ${i}: record ${show(a)}, history ${show(b)}`);
      continue;
    }
    for (const f of FIELDS) {
      const x = f === 'actor' ? `${a.actor.username}/${a.actor.role}` : (a[f] ?? null);
      const y = f === 'actor' ? `${b.actor.username}/${b.actor.role}` : (b[f] ?? null);
      if (x !== y) out.push(`transition ${i} (${b.action}): ${f} is ${JSON.stringify(x)} in the record, ${JSON.stringify(y)} in the history`);
    }
  }
  return out;
}

async function readRecord(client: DrillClient, reference: string): Promise<{ status: number; body: Json } | undefined> {
  const got = await client.once('motcua', { method: 'GET', route: 'GET /api/v1/dossiers/:id', path: `/api/v1/dossiers/${encodeURIComponent(reference)}` });
  return 'failure' in got ? undefined : got;
}

async function readWorkflow(stack: Stack, reference: string): Promise<DossierState | 'not found' | undefined> {
  const handle = stack.client.workflow.getHandle(reference);
  try {
    await handle.describe();
    return await handle.query(stateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'not found';
    return undefined;
  }
}

export async function checkRun(stack: Stack, client: DrillClient, run: DossierRun, probe: boolean, settleDeadline: number): Promise<RunVerdict> {
  const v: RunVerdict = { run, probe, duplicated: [], mismatched: [], reached: false, compared: 0 };
  const rows = await stack.sql<{ reference: string; code: string | null }[]>`
    select reference, code from dossiers where agency_code = ${run.application.agencyCode} and external_ref = ${run.externalRef}`;
  if (rows.length > 1) v.duplicated.push(`${rows.length} dossiers for externalRef ${run.externalRef}: ${rows.map((r) => r.reference).join(', ')}`);
  if (run.references.size > 1) v.duplicated.push(`the submission was answered with ${run.references.size} references: ${[...run.references].join(', ')}`);
  if (run.created > 1) v.duplicated.push(`the submission was answered 201 (created) ${run.created} times`);
  if (!run.acknowledged || !run.reference) {
    v.short = run.failure ?? 'not acknowledged';
    return v;
  }
  const reference = run.reference;

  // The record and the live workflow, until they agree on the state and the number of transitions.
  let record: { status: number; body: Json } | undefined;
  let live: DossierState | 'not found' | undefined;
  for (;;) {
    [record, live] = await Promise.all([readRecord(client, reference), readWorkflow(stack, reference)]);
    const agreed =
      record?.status === 200 && live !== undefined && live !== 'not found' && record.body.status === live.status && record.body.transitions.length === live.transitions.length;
    if (agreed || Date.now() > settleDeadline) break;
    await sleep(1000);
  }
  if (record?.status === 404 || live === 'not found') {
    v.lost = record?.status === 404 ? `acknowledged as ${reference}, but GET /dossiers/${reference} answers 404` : `acknowledged as ${reference}, but Temporal has no workflow ${reference}`;
    return v;
  }
  if (record?.status !== 200 || live === undefined) {
    v.mismatched.push(`could not be read back: record ${record ? `${record.status} ${record.body.error?.code ?? ''}` : 'no answer'}, workflow ${live ? 'read' : 'no answer'}`);
    return v;
  }
  const state = record.body;
  const transitions = state.transitions as Transition[];
  if (state.status !== live.status) v.mismatched.push(`status ${state.status} in the record, ${live.status} in the workflow`);
  if (transitions.length !== live.transitions.length) v.mismatched.push(`${transitions.length} transitions in the record, ${live.transitions.length} in the workflow`);

  // `transitions` was read before this replay on purpose: an auditor's replay now sets the record to
  // the history where they differ (db/transition-reconcile.ts), so only the record as readers saw it
  // can show a mismatch. (The archiver does the same for a closed dossier some seconds after it closes.)
  const replay = await client.call('kiemtoan', { method: 'POST', route: 'POST /api/v1/audit/replay', path: '/api/v1/audit/replay', body: { code: reference } }, Date.now() + 120_000);
  if (replay.answer?.status !== 200) {
    v.mismatched.push(`the history could not be replayed: ${replay.failure ?? `${replay.answer?.status} ${replay.answer?.body.error?.code ?? ''}`}`);
  } else {
    const r = replay.answer.body;
    if (r.verdict !== 'deterministic') v.mismatched.push(`replay verdict ${r.verdict}: ${r.divergence?.message ?? ''}`);
    v.mismatched.push(...compareTimelines(transitions, r.timeline as Transition[]));
    v.compared = Math.min(transitions.length, (r.timeline as Transition[]).length);
    for (const action of LIFECYCLE.map((s) => s.action)) {
      if (run.repeatable?.has(action)) continue;
      const inRecord = transitions.filter((t) => t.action === action).length;
      const inHistory = (r.timeline as Transition[]).filter((t) => t.action === action).length;
      if (inRecord > 1 || inHistory > 1) v.duplicated.push(`${action} applied ${Math.max(inRecord, inHistory)} times (record ${inRecord}, history ${inHistory})`);
    }
  }

  // One code, one payment order, one shipment, whoever is asked.
  const codes = new Set([...run.codes, ...(state.code ? [state.code] : []), ...(live.code ? [live.code] : []), ...rows.map((r) => r.code).filter((c): c is string => !!c)]);
  if (codes.size > 1) v.duplicated.push(`codes issued: ${[...codes].join(', ')} (answers ${[...run.codes].join(', ') || '-'}, record ${state.code ?? '-'}, workflow ${live.code ?? '-'})`);
  const orders = new Set([...run.orderIds, ...(state.payment?.orderId ? [state.payment.orderId as string] : [])]);
  if (orders.size > 1) v.duplicated.push(`payment orders: ${[...orders].join(', ')}`);
  const shipments = new Set([...run.trackingNumbers, ...(state.shipment?.trackingNumber ? [state.shipment.trackingNumber as string] : [])]);
  if (shipments.size > 1) v.duplicated.push(`shipments: ${[...shipments].join(', ')}`);

  const health = state.verification?.health?.outcome;
  const licence = state.verification?.licence?.outcome;
  v.reached = state.status === INTENDED_END && health === 'clear' && licence === 'clear';
  if (!v.reached) {
    const why = [state.status !== INTENDED_END ? `status ${state.status}` : '', health !== 'clear' ? `health ${health}` : '', licence !== 'clear' ? `licence ${licence}` : '']
      .filter(Boolean)
      .join(', ');
    v.short = `${why}${run.failure ? ` (client: ${run.failure})` : ''}`;
  }
  return v;
}

export async function checkRuns(stack: Stack, client: DrillClient, runs: DossierRun[], probes: DossierRun[], settleMs: number): Promise<RunVerdict[]> {
  const settleDeadline = Date.now() + settleMs;
  // Two at a time: the API replays two histories at once and queues eight.
  return inPool([...runs.map((r) => [r, false] as const), ...probes.map((r) => [r, true] as const)], 2, ([run, probe]) => checkRun(stack, client, run, probe, settleDeadline));
}

/** The dossier-code counters' total and the codes kept: their difference is a number handed out and lost. */
export async function codeCount(stack: Stack): Promise<{ issued: number; kept: number }> {
  const [row] = await stack.sql<{ issued: number; kept: number }[]>`
    select (select coalesce(sum(last_sequence), 0)::int from dossier_code_counters) as issued,
           (select count(*)::int from dossiers where code is not null) as kept`;
  return row!;
}
