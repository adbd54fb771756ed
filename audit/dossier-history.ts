import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { ArchiveIntegrityError, findArchivedHistory, type ArchivedHistory } from '../db/history-archive';
import { buildIdsOf, canonicalHistoryJSON, executionOf, historyFromJSON, isClosed, sha256, type History } from './history-json';

/**
 * A dossier's event history wherever it still is: Temporal while it keeps the workflow (running,
 * or closed within its retention), the archive in PostgreSQL after that. Shared by the API
 * (api/routes/audit.ts) and the CLI (scripts/audit.ts).
 */

export interface DossierHistory {
  reference: string;
  workflowId: string;
  runId?: string;
  source: 'temporal' | 'archive';
  history: History;
  /** sha256 of the canonical JSON (audit/history-json.ts); for an archived history, verified against the stored one. */
  sha256: string;
  events: number;
  closed: boolean;
  /** The build that completed the last workflow task, and every build that completed one. */
  workerBuildId?: string;
  workerBuildIds: string[];
  archivedAt?: string;
}

/** The gRPC status of an error from the Temporal client: raw (fetchHistory) or wrapped in a ServiceError. */
function grpcCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'number' ? e.code : e?.cause?.code;
  return typeof code === 'number' ? code : undefined;
}

/** NOT_FOUND: the workflow (or its namespace's record of it) is gone. */
const isNotFound = (err: unknown) => err instanceof WorkflowNotFoundError || grpcCode(err) === 5;

/** UNAVAILABLE (14) or DEADLINE_EXCEEDED (4): Temporal cannot be asked right now. */
const isUnavailable = (err: unknown) => grpcCode(err) === 14 || grpcCode(err) === 4;

/** The workflow's history as Temporal has it now, or undefined when Temporal no longer (or never) had it. */
export async function temporalHistory(client: Client, workflowId: string): Promise<History | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).fetchHistory();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function fromTemporal(reference: string, history: History): DossierHistory {
  const execution = executionOf(history);
  const builds = buildIdsOf(history);
  return {
    reference,
    workflowId: execution.workflowId ?? reference,
    runId: execution.runId,
    source: 'temporal',
    history,
    sha256: sha256(canonicalHistoryJSON(history)),
    events: history.events?.length ?? 0,
    closed: isClosed(history),
    workerBuildId: builds.at(-1),
    workerBuildIds: builds,
  };
}

/** An archived row as a history, after checking that its text still hashes to the recorded sha256. */
export function fromArchive(row: ArchivedHistory): DossierHistory {
  const actual = sha256(row.history);
  if (actual !== row.sha256) {
    throw new ArchiveIntegrityError(`the archived history of ${row.reference} does not match its sha256 (recorded ${row.sha256}, now ${actual})`);
  }
  const history = historyFromJSON(JSON.parse(row.history));
  return {
    reference: row.reference,
    workflowId: row.workflowId,
    runId: row.runId,
    source: 'archive',
    history,
    sha256: row.sha256,
    events: row.events,
    closed: isClosed(history),
    workerBuildId: row.workerBuildId,
    workerBuildIds: row.workerBuildIds,
    archivedAt: row.archivedAt.toISOString(),
  };
}

/**
 * Temporal first (it has the newest events of a running dossier), the archive when Temporal has
 * forgotten the workflow or cannot be reached. Undefined when neither has it. `db` may be a
 * function, so a caller opens the database only when Temporal did not answer.
 */
export async function loadDossierHistory(
  deps: { client?: Client; db?: Database | (() => Promise<Database>) },
  reference: string,
): Promise<DossierHistory | undefined> {
  let unavailable: unknown;
  if (deps.client) {
    try {
      const history = await temporalHistory(deps.client, reference);
      if (history) return fromTemporal(reference, history);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      unavailable = err;
    }
  }
  if (deps.db) {
    const db = typeof deps.db === 'function' ? await deps.db() : deps.db;
    const row = await findArchivedHistory(db, { reference });
    if (row) return fromArchive(row);
  }
  // Temporal could not say whether it has the workflow, and the archive does not: that is not "not found".
  if (unavailable) throw unavailable;
  return undefined;
}
