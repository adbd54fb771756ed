import type { ActionName } from './actions';
import type { DossierState } from './dossier-state';
import type { DossierStatus } from './dossier-status';
import type { Actor, Role } from './roles';
import { availableActions } from './state-machine';

/**
 * Whose turn it is in each open state (SPEC 2): the work that waits for a role. States where
 * the next move belongs to someone outside the office (the citizen, the payment gateway, the
 * post) wait for no officer.
 */
export const TURN: Partial<Record<DossierStatus, Role>> = {
  AWAITING_RECEIPT: 'one_stop_officer',
  RECEIVED: 'leader',
  IN_APPRAISAL: 'appraiser',
  AWAITING_APPROVAL: 'leader',
  AWAITING_PAYMENT: 'accountant',
  RESULT_READY: 'one_stop_officer',
};

/** What a work-queue listing asks the record for, for one actor. */
export interface QueueCriteria {
  /** States whose turn belongs to one of the actor's roles. */
  statuses: DossierStatus[];
  /** Of those, states that wait only for the person assigned (an appraiser's own dossiers). */
  assignedOnly: DossierStatus[];
  /** A leader also owes a new appointment to every dossier whose apology is due (form 04). */
  apologiesDue: boolean;
}

/**
 * States that are not a role's turn but where it may still step in: listed only when the officer
 * asks for that state (the leader re-assigning a dossier already in appraisal), so the everyday
 * queue stays the work that waits.
 */
export const ON_REQUEST: Partial<Record<DossierStatus, Role>> = { IN_APPRAISAL: 'leader' };

export function queueCriteria(actor: Actor, status?: DossierStatus): QueueCriteria {
  const statuses = (Object.keys(TURN) as DossierStatus[]).filter((s) => actor.roles.includes(TURN[s]!));
  const apologiesDue = actor.roles.includes('leader');
  if (status && ON_REQUEST[status] && actor.roles.includes(ON_REQUEST[status]!)) return { statuses: [status], assignedOnly: [], apologiesDue };
  const wanted = status ? statuses.filter((s) => s === status) : statuses;
  return { statuses: wanted, assignedOnly: wanted.filter((s) => TURN[s] === 'appraiser'), apologiesDue };
}

/**
 * The actions worth offering on a queued dossier: those the state machine allows for the actor's
 * roles, less those the dossier's own state already rules out whatever the body (someone else's
 * appraisal, a reschedule with no apology due, posting a result meant for the counter).
 */
export function offeredActions(state: DossierState, actor: Actor): ActionName[] {
  return availableActions(state, actor).filter((action) => {
    switch (action) {
      case 'appraise':
        return state.assignee === actor.username;
      case 'reschedule':
        return state.apology !== undefined && !state.apology.reschedule;
      case 'ship':
        return state.application.delivery.method === 'post' && !state.shipment?.failedAttempts.length;
      default:
        return true;
    }
  });
}
