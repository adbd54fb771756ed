import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Database } from '../db/client';
import { archiveHistory, dossiersAwaitingArchive, type ClosedCursor } from '../db/history-archive';
import { buildIdsOf, canonicalHistoryJSON, executionOf, isClosed, sha256 } from './history-json';
import { temporalHistory } from './dossier-history';
import { replayHistory } from './replay';
import { reconcileTransitions } from '../db/transition-reconcile';

/**
 * Copies each closed dossier's event history from Temporal into PostgreSQL (`workflow_histories`)
 * before Temporal's retention drops it, so the history endpoint, the replay and the CLI still work
 * for it years later.
 *
 * It runs beside the worker rather than inside the workflow: a workflow cannot see its own closing
 * events, and only a closed history is final. The trigger is the dossier's record: the workflow's
 * last write sets `dossiers.closed_at`, and the workflow closes right after it. A history fetched
 * before the close event has landed is left for the next pass. Storing is idempotent (the
 * reference is the key; a second copy is ignored), so several workers may archive side by side.
 */

export interface ArchivePass {
  archived: string[];
  /** The record says closed but Temporal's history does not end yet: next pass. */
  notYetClosed: string[];
  /** Temporal no longer has it (archiver down longer than the retention): cannot be archived. */
  forgotten: string[];
  failed: { reference: string; error: string }[];
  /** Dossiers whose recorded transitions differed from their history's replay, and how many were set right. */
  reconciled?: { reference: string; transitions: number }[];
  /**
   * The last of the forgotten dossiers this pass began with, in archiving order: nothing before it
   * is left to archive, so the next pass may start after it. Undefined when the pass's first
   * dossier was not forgotten.
   */
  forgottenUpTo?: ClosedCursor;
}

export interface ArchiverDeps {
  client: Client;
  db: Database;
  /** Stored when a history names no build (a server that does not stamp WorkflowTaskCompleted events). */
  fallbackBuildId?: string;
  /**
   * Opens the histories' payloads for the replay that checks the record against the history before
   * it is final (db/transition-reconcile.ts); without it the record is archived as it is.
   */
  dataConverter?: DataConverter;
  /** Dossiers per pass. */
  batchSize?: number;
  log?: { info(message: string): void; warn(message: string): void };
}

/**
 * One pass: archives every closed dossier not archived yet (up to batchSize, after `after`, except
 * those in `skip`), reporting what happened to each.
 */
export async function archiveClosedDossiers(deps: ArchiverDeps, skip: ReadonlySet<string> = new Set(), after?: ClosedCursor): Promise<ArchivePass> {
  const pass: ArchivePass = { archived: [], notYetClosed: [], forgotten: [], failed: [] };
  const batch = deps.batchSize ?? 50;
  const candidates = (await dossiersAwaitingArchive(deps.db, batch + skip.size, after)).filter((d) => !skip.has(d.reference)).slice(0, batch);
  let leading = true;
  for (const dossier of candidates) {
    try {
      const history = await temporalHistory(deps.client, dossier.reference);
      if (!history) {
        pass.forgotten.push(dossier.reference);
        if (leading) pass.forgottenUpTo = { closedAt: dossier.closedAt, reference: dossier.reference };
        continue;
      }
      leading = false;
      if (!isClosed(history)) {
        pass.notYetClosed.push(dossier.reference);
        continue;
      }
      const text = canonicalHistoryJSON(history);
      const execution = executionOf(history);
      const builds = buildIdsOf(history);
      const closedAt = history.events!.at(-1)!.eventTime;
      await archiveHistory(deps.db, {
        reference: dossier.reference,
        code: dossier.code,
        agencyCode: dossier.agencyCode,
        workflowId: execution.workflowId ?? dossier.reference,
        runId: execution.runId ?? '',
        workflowType: execution.workflowType,
        history: text,
        sha256: sha256(text),
        events: history.events!.length,
        workerBuildId: builds.at(-1) ?? deps.fallbackBuildId ?? 'unknown',
        workerBuildIds: builds,
        closedAt: closedAt ? new Date(Number(closedAt.seconds ?? 0) * 1000 + Math.floor((closedAt.nanos ?? 0) / 1e6)) : new Date(),
      });
      pass.archived.push(dossier.reference);
      if (deps.dataConverter) {
        // Before the record is final, it tells each step's time as the history does (the auditor's replay).
        const report = await replayHistory({ label: dossier.reference, history }, { dataConverter: deps.dataConverter });
        if (report.verdict === 'deterministic') {
          const corrected = await reconcileTransitions(deps.db, dossier.reference, report.timeline);
          if (corrected) {
            pass.reconciled = [...(pass.reconciled ?? []), { reference: dossier.reference, transitions: corrected }];
            deps.log?.warn(`dossier ${dossier.reference}: ${corrected} recorded transition(s) differed from the history and were set to what its replay gives`);
          }
        }
      }
    } catch (err) {
      leading = false;
      pass.failed.push({ reference: dossier.reference, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return pass;
}

export interface HistoryArchiver {
  /** Runs a pass now (tests, or a caller that knows a dossier just closed); passes never overlap. */
  runOnce(): Promise<ArchivePass>;
  /** Finishes the pass under way, then stops polling. */
  stop(): Promise<void>;
}

/** Polls every `intervalMs` (default 10 s) until stopped. Never throws: a failed pass is logged and retried at the next tick. */
export function startHistoryArchiver(deps: ArchiverDeps & { intervalMs?: number }): HistoryArchiver {
  const interval = deps.intervalMs ?? 10_000;
  const log = deps.log ?? { info: () => undefined, warn: (m: string) => console.warn(m) };
  // Dossiers Temporal had already forgotten: warned about once per process, not asked for again. The
  // oldest are passed by a cursor rather than kept in the set, so that an installation with years of
  // dossiers closed before the archive existed does not make every poll read them all again.
  const forgotten = new Set<string>();
  let after: ClosedCursor | undefined;
  let current: Promise<ArchivePass> = Promise.resolve({ archived: [], notYetClosed: [], forgotten: [], failed: [] });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function runOnce(): Promise<ArchivePass> {
    current = current.then(
      () => pass(),
      () => pass(),
    );
    return current;
  }

  async function pass(): Promise<ArchivePass> {
    const total: ArchivePass = { archived: [], notYetClosed: [], forgotten: [], failed: [] };
    for (;;) {
      const result = await archiveClosedDossiers(deps, forgotten, after);
      for (const key of ['archived', 'notYetClosed', 'forgotten', 'failed'] as const) (total[key] as unknown[]).push(...result[key]);
      if (result.forgottenUpTo) total.forgottenUpTo = after = result.forgottenUpTo;
      // Those behind the cursor need no remembering; the others are skipped by name.
      let behind = result.forgottenUpTo !== undefined;
      for (const reference of result.forgotten) {
        if (!behind) forgotten.add(reference);
        if (reference === result.forgottenUpTo?.reference) behind = false;
      }
      // A whole batch of dossiers Temporal forgot long ago (the first run after an upgrade): catch up now, not 50 every 10 s.
      const wholeBatch = result.forgotten.length === (deps.batchSize ?? 50) && result.forgottenUpTo?.reference === result.forgotten.at(-1);
      if (!wholeBatch || stopped) break;
    }
    if (total.archived.length) log.info(`archived the history of ${total.archived.length} closed dossier(s)`);
    if (total.forgotten.length) {
      log.warn(
        `history archive: Temporal no longer has the workflow of ${total.forgotten.length} closed dossier(s) ` +
          `(${total.forgotten.slice(0, 5).join(', ')}${total.forgotten.length > 5 ? ', …' : ''}); their histories cannot be archived`,
      );
    }
    for (const f of total.failed) log.warn(`history archive: ${f.reference}: ${f.error}`);
    return total;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce().then(schedule, (err: unknown) => {
        log.warn(`history archive pass failed: ${err instanceof Error ? err.message : String(err)}`);
        schedule();
      });
    }, interval);
    timer.unref();
  }
  schedule();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.catch(() => undefined);
    },
  };
}
