import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';
import { ACTION_NAMES, type ActionBody, type ActionName } from '../domain/actions';
import type { Application } from '../domain/application';
import type { ActionResult, DossierState, Transition } from '../domain/dossier-state';
import type { ActionSignature } from '../domain/action-signature';
import type { ProcedureVersion } from '../domain/procedure';
import type { RecheckSchedule } from '../domain/verification';
import type { Actor } from '../domain/roles';
import type { PropagationProgress } from '../domain/calendar-propagation';

/** The messages a renewal dossier understands; clients import these, never the workflow itself. */

export const WORKFLOW_TYPE = 'renewalDossier';

/**
 * The patch (workflow `patched()`) behind the slim history: the record written from the worker as
 * changes (local activities), the calendar in the history only when it changes, one timer per
 * deadline, one search-attribute upsert per step, small Update results. Dossiers whose history
 * lacks its marker keep the commands they started with (docs/changing-the-workflow.md).
 */
export const SLIM_HISTORY = 'slim-history';

/**
 * Patch: a registry found unavailable at verification is re-checked in the background until it
 * answers, and approval waits for it. Marked where the first check comes back unavailable, so
 * dossiers verified before it replay as recorded.
 */
export const VERIFICATION_RECHECK = 'verification-recheck';

/** What a closed dossier's workflow returns: enough to name it; its record holds the rest. */
export interface DossierOutcome {
  reference: string;
  code?: string;
  status: DossierState['status'];
}

export interface DossierInput {
  reference: string;
  application: Application;
  submittedAt: string;
  procedure: ProcedureVersion;
  /** How often a registry that could not be reached is asked again (domain/verification.ts's default when absent). */
  recheck?: RecheckSchedule;
}

export interface ActionRequest<A extends ActionName = ActionName> {
  actor: Actor;
  body: ActionBody<A>;
  /** The caller's Idempotency-Key, when it sent one. */
  idempotencyKey?: string;
  /**
   * The revisions the caller saw (HTTP If-Match): the action is refused, changing nothing, unless
   * the dossier is still at one of them. Absent: whatever its revision.
   */
  ifRevision?: number[];
  /** Added by the API (temporal/action-signing.ts). */
  signature?: ActionSignature;
  /** Added by the worker as it decodes the request: `valid`, or why not. Refused unless `valid`. */
  signatureCheck?: string;
}

export const stateQuery = defineQuery<DossierState>('state');

/** The holiday table or office hours changed: reload the calendar and recompute every deadline. */
export const calendarChangedSignal = defineSignal<[{ cause: string }]>('calendarChanged');

/** The workflow that tells the open dossiers of a calendar change (workflows/calendar-propagation.ts), and how far it got. */
export const CALENDAR_PROPAGATION_TYPE = 'calendarPropagation';
export const propagationProgressQuery = defineQuery<PropagationProgress>('progress');

export const actionUpdates = Object.fromEntries(
  ACTION_NAMES.map((name) => [name, defineUpdate<ActionResult, [ActionRequest]>(name)]),
) as Record<ActionName, UpdateDefinition<ActionResult, [ActionRequest]>>;

/**
 * What the workflow tells the worker it runs in, without a command in its history: each transition
 * as it is appended. The service's workers ignore it; the audit replayer (audit/replay.ts)
 * registers it with `callDuringReplay` and so rebuilds a dossier's timeline by running its history.
 */
export interface AuditSinks extends Sinks {
  audit: { transition(transition: Transition): void };
}

/** ApplicationFailure types the API maps to HTTP statuses. */
export const FAILURE = {
  notAllowed: 'ActionNotAllowed',
  invalidBody: 'InvalidActionBody',
  registryUnavailable: 'RegistryUnavailable',
  /** The request was not signed by the API with a key the worker holds: sent around the API, or a deployment without the key. */
  unsigned: 'UnsignedAction',
  /** The dossier changed since the caller read it (If-Match): answered 412. */
  staleRevision: 'StaleRevision',
} as const;
