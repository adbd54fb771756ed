import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ulid } from 'ulid';
import { agencyExists } from '../db/calendar';
import type { Database } from '../db/client';
import { referenceForCode } from '../db/dossier-codes';
import { findRecord } from '../db/dossier-record';
import { recordSubmission } from '../db/submissions';
import type { ActionName } from '../domain/actions';
import type { Application } from '../domain/application';
import { isDossierCode, REFERENCE_PATTERN } from '../domain/dossier-code';
import { submittedDossier, type ActionResult, type DossierState } from '../domain/dossier-state';
import { PORTAL_STATUS } from '../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../domain/procedure';
import { SEARCH_ATTRIBUTES } from '../temporal.config';
import { FAILURE, WORKFLOW_TYPE, actionUpdates, stateQuery, type ActionRequest, type DossierInput } from '../workflows/definitions';
import { signAction, type SigningKeyring } from '../temporal/action-signing';
import type { CalendarCache } from './calendar-cache';
import type { RecheckSchedule } from '../domain/verification';
import { HttpError, notFound } from './errors';
import { REFUSALS } from '../domain/messages';

/** How long an officer's request waits for the workflow before being told to retry with the same key. */
const UPDATE_DEADLINE_MS = 30_000;
/** How many outages one Idempotency-Key may meet before the caller is asked for a new key (a bound on the look-ups, not a policy). */
const OUTAGE_RETRIES_PER_KEY = 20;

/** The API's only door to Temporal: start, look up, act. Turns Temporal's failures into HTTP ones. */
export function createDossierGateway(deps: {
  client: Client;
  db: Database;
  taskQueue: string;
  calendars: CalendarCache;
  signing: SigningKeyring;
  /** How often a registry that was down at verification is asked again (the workflow's default when absent). */
  recheck?: RecheckSchedule;
}) {
  const { client, db, calendars } = deps;

  /** A dossier from its record, with the calendar it is shown with (the record keeps none). */
  async function fromRecord(id: { code: string } | { reference: string }) {
    const record = await findRecord(db, id);
    if (record?.state) record.state.calendar = await calendars.get(record.agencyCode);
    return record;
  }

  async function submit(application: Application): Promise<{ reference: string; status: string; created: boolean }> {
    // Checked before anything is stored: a dossier for an agency that does not exist could never be received
    // (its workflow would wait for a calendar there is none of).
    if (!(await agencyExists(db, application.agencyCode))) {
      throw new HttpError(400, 'VALIDATION_FAILED', `agencyCode: no agency ${application.agencyCode} receives dossiers here`, 'agencyCode');
    }
    const submission = await recordSubmission(db, {
      reference: `SUB-${ulid()}`,
      application,
      submittedAt: new Date(),
    });
    const input: DossierInput = {
      reference: submission.reference,
      application: submission.application,
      submittedAt: submission.submittedAt.toISOString(),
      procedure: RENEWAL_PROCEDURE,
      ...(deps.recheck ? { recheck: deps.recheck } : {}),
    };
    try {
      // Duplicates start too: if the first request died between the insert and here, this one repairs it.
      await client.workflow.start(WORKFLOW_TYPE, {
        workflowId: submission.reference,
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.agencyCode, value: application.agencyCode },
          { key: SEARCH_ATTRIBUTES.dossierStatus, value: 'SUBMITTED' },
          { key: SEARCH_ATTRIBUTES.portalStatus, value: PORTAL_STATUS.SUBMITTED },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    if (submission.created) return { reference: submission.reference, status: 'SUBMITTED', created: true };
    const state = await lookup(submission.reference);
    return { reference: submission.reference, status: state.status, created: false };
  }

  /** A submission reference, or once received, a dossier code. */
  async function resolve(id: string): Promise<string> {
    if (REFERENCE_PATTERN.test(id)) return id;
    if (isDossierCode(id)) {
      const reference = await referenceForCode(db, id);
      if (reference) return reference;
    }
    throw notFound(`dossier ${id}`);
  }

  /**
   * The dossier's state for reading, from its record: the workflow writes it in the same workflow
   * task as each change, so it is as fresh as the last step, and reading it never wakes a worker.
   * A dossier submitted a moment ago, whose workflow has not written its first step, is shown as
   * submitted; only a dossier the record has never heard of is asked of its workflow.
   */
  async function lookup(id: string): Promise<DossierState> {
    return (await lookupRevision(id)).state;
  }

  /**
   * The same, with the revision the record is at when it comes from the record: what an action's
   * If-Match names (the ETag of GET /dossiers/{id}).
   */
  async function lookupRevision(id: string): Promise<{ state: DossierState; revision?: number }> {
    const byCode = isDossierCode(id);
    if (!byCode && !REFERENCE_PATTERN.test(id)) throw notFound(`dossier ${id}`);
    const record = await fromRecord(byCode ? { code: id } : { reference: id });
    if (record?.state) return { state: record.state, revision: record.revision };
    return { state: await unrecorded(id, byCode, record) };
  }

  /** A dossier its record does not show yet (just submitted), or shows no longer. */
  async function unrecorded(id: string, byCode: boolean, record: Awaited<ReturnType<typeof fromRecord>>): Promise<DossierState> {
    // Submitted a moment ago: the workflow has not written its first step yet, and has nothing else to say.
    if (record?.application) {
      return submittedDossier({ reference: record.reference, application: record.application, submittedAt: record.submittedAt.toISOString(), procedure: RENEWAL_PROCEDURE });
    }
    if (!record && byCode) throw notFound(`dossier ${id}`);
    return stateOf(record?.reference ?? id);
  }

  /** The agency a dossier belongs to: in its record from the submission on. */
  async function agencyOf(reference: string): Promise<string> {
    return (await findRecord(db, { reference }))?.agencyCode ?? (await stateOf(reference)).agencyCode;
  }

  /** The live state, from the workflow itself: for what the record does not show yet. */
  async function stateOf(reference: string): Promise<DossierState> {
    try {
      return await client.workflow.getHandle(reference).query(stateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // Past Temporal's retention a closed dossier is read from its record.
        const recorded = (await fromRecord({ reference }))?.state;
        if (recorded) return recorded;
        throw notFound(`dossier ${reference}`);
      }
      if (err instanceof Error && err.message.includes('Nondeterminism')) {
        // A history written by an older workflow code that the running one cannot replay: a deployment
        // error to fix with patching or worker versioning, not something the caller can retry away.
        throw new HttpError(500, 'REPLAY_FAILED', `dossier ${reference} was written by a workflow version this worker cannot replay`);
      }
      throw err;
    }
  }

  /**
   * Temporal keeps an Update's outcome under its id for good, failures included; an action that met an
   * outside service's outage was answered 503 "retry with the same Idempotency-Key", and changed nothing.
   * So one key names a chain of Update ids (`id`, `id~2`, `id~3`…): a request takes the first one whose
   * outcome is not such an outage. One Temporal has never seen is tried now; one that was applied, or
   * refused for good, is answered again as it was (executeUpdate returns its remembered outcome).
   */
  async function updateIdPastOutages(handle: ReturnType<Client['workflow']['getHandle']>, updateId: string, deadline: number): Promise<string> {
    for (let n = 1; n <= OUTAGE_RETRIES_PER_KEY; n++) {
      const id = n === 1 ? updateId : `${updateId}~${n}`;
      try {
        await client.withDeadline(deadline, () => handle.getUpdateHandle(id).result());
        return id;
      } catch (err) {
        // Unknown to Temporal (polled as "not found"; a missing workflow is told apart by executeUpdate).
        if (err instanceof WorkflowNotFoundError) return id;
        const outage = err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === FAILURE.registryUnavailable;
        if (!outage) return id;
      }
    }
    throw new HttpError(409, 'IDEMPOTENCY_KEY_EXHAUSTED', `this Idempotency-Key met an outage ${OUTAGE_RETRIES_PER_KEY} times; send the action with a new key`);
  }

  /**
   * Takes the action and answers with the dossier as it now is: from the record, which the workflow
   * writes before it answers (the Update itself returns only how far it got), or from the workflow
   * when the record could not be written in time.
   */
  async function act(
    reference: string,
    action: ActionName,
    request: Pick<ActionRequest, 'actor' | 'body' | 'idempotencyKey' | 'ifRevision'>,
    updateId: string,
  ): Promise<{ state: DossierState; revision?: number }> {
    const handle = client.workflow.getHandle(reference);
    // The workflow takes no action the API has not signed (temporal/action-signing.ts).
    const signature = signAction(deps.signing, { action, reference, at: new Date().toISOString(), ...request });
    const deadline = Date.now() + UPDATE_DEADLINE_MS;
    let result: ActionResult;
    try {
      const id = request.idempotencyKey === undefined ? updateId : await updateIdPastOutages(handle, updateId, deadline);
      result = await client.withDeadline(deadline, () => handle.executeUpdate(actionUpdates[action], { args: [{ ...request, signature }], updateId: id }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const failure = err.cause;
        if (failure.type === FAILURE.invalidBody) throw new HttpError(400, 'VALIDATION_FAILED', failure.message);
        if (failure.type === FAILURE.registryUnavailable) throw new HttpError(503, 'DEPENDENCY_UNAVAILABLE', failure.message);
        if (failure.type === FAILURE.staleRevision) throw new HttpError(412, 'PRECONDITION_FAILED', failure.message, 'headers.if-match');
        // Not the caller's doing: this API's signing key is not one the worker holds (a deployment error).
        if (failure.type === FAILURE.unsigned) throw new HttpError(500, 'ACTION_SIGNATURE_REJECTED', failure.message);
        if (failure.type === FAILURE.notAllowed) {
          const [kind, vi] = failure.details ?? [];
          // Workers older than the Vietnamese reasons send none: the code's own text stands in.
          const messageVi = typeof vi === 'string' ? vi : undefined;
          if (kind === 'role') throw new HttpError(403, 'FORBIDDEN', failure.message, undefined, undefined, undefined, messageVi);
          throw new HttpError(409, 'ACTION_NOT_ALLOWED', failure.message, undefined, undefined, undefined, messageVi);
        }
      }
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new HttpError(503, 'TIMEOUT', `no answer within ${UPDATE_DEADLINE_MS / 1000}s; retry with the same Idempotency-Key`);
      }
      if (err instanceof WorkflowNotFoundError) {
        // A closed dossier no longer takes Updates: say why rather than pretending it does not exist.
        const state = await lookup(reference);
        const closed = REFUSALS.closed(state.status);
        throw new HttpError(409, 'DOSSIER_CLOSED', closed.en, undefined, undefined, undefined, closed.vi);
      }
      throw err;
    }
    const record = await fromRecord({ reference });
    if (record?.state && record.revision >= result.revision) return { state: record.state, revision: record.revision };
    return { state: await stateOf(reference) };
  }

  return { submit, resolve, lookup, lookupRevision, agencyOf, stateOf, act };
}

export type DossierGateway = ReturnType<typeof createDossierGateway>;
