import type { ActionBody, ActionName } from './actions';
import type { DossierState } from './dossier-state';
import { isTerminal, type DossierStatus } from './dossier-status';
import type { Actor, Role } from './roles';
import { isUnavailable, verificationPending } from './verification';

/**
 * Who may take which action from which state (SPEC 2). Pure: the workflow's Update validators
 * call it, and so can the API or a UI that wants to show only the buttons that will work.
 */

interface Rule<A extends ActionName> {
  roles: Role[];
  from: DossierStatus[];
  /**
   * Why this person may not take the action on this dossier although one of their roles may (the
   * appraiser it is not assigned to; a payment method that belongs to the other role): refused
   * like a wrong role (403), not like a wrong state.
   */
  who?: (state: DossierState, actor: Actor, body: ActionBody<A>) => string | undefined;
  /** Whether the action is offered at all in this dossier (beyond its state): one that only makes sense sometimes is not shown otherwise. */
  offered?: (state: DossierState) => boolean;
  /** A reason the action is refused in this particular dossier, or undefined when it may go ahead. */
  check?: (state: DossierState, actor: Actor, body: ActionBody<A>, now: number) => string | undefined;
}

const BEFORE_APPROVAL: DossierStatus[] = [
  'SUBMITTED',
  'VERIFYING',
  'AWAITING_RECEIPT',
  'AWAITING_SUPPLEMENT',
  'RECEIVED',
  'IN_APPRAISAL',
  'AWAITING_APPROVAL',
];

const ONE_SUPPLEMENT_ONLY =
  'a supplement has already been requested for this dossier; Decree 118/2025 art. 11 allows one request';

/** Why approval waits: which registry has not answered, in the words the console shows. */
const VERIFICATION_OWED = (s: DossierState) => {
  const missing = [
    isUnavailable(s.verification.health) ? 'the health certificate (health registry)' : undefined,
    isUnavailable(s.verification.licence) ? 'the licence and violation record (traffic-police registry)' : undefined,
  ].filter(Boolean);
  return `${missing.join(' and ')} could not be checked yet: approval waits until the registry answers (re-checked automatically${s.verification.recheck?.nextAt ? ` at ${s.verification.recheck.nextAt}` : ''}; an officer may re-check now)`;
};

export const RULES: { [A in ActionName]: Rule<A> } = {
  receive: {
    roles: ['one_stop_officer'],
    from: ['AWAITING_RECEIPT'],
    check: (_s, _a, b, now) =>
      b.receivedAt !== undefined && Date.parse(b.receivedAt) > now ? 'receivedAt cannot be in the future' : undefined,
  },
  'request-supplement': {
    roles: ['one_stop_officer'],
    from: ['AWAITING_RECEIPT'],
    check: (s) => (s.supplement ? ONE_SUPPLEMENT_ONLY : undefined),
  },
  supplement: { roles: ['integrator'], from: ['AWAITING_SUPPLEMENT'] },
  refuse: { roles: ['one_stop_officer'], from: ['AWAITING_RECEIPT'] },
  assign: {
    roles: ['leader'],
    from: ['RECEIVED', 'IN_APPRAISAL'],
    check: (s, _a, b) => (s.assignee === b.appraiser ? `the dossier is already assigned to ${b.appraiser}` : undefined),
  },
  appraise: {
    roles: ['appraiser'],
    from: ['IN_APPRAISAL'],
    who: (s, a) => (s.assignee !== a.username ? `only the assigned appraiser (${s.assignee ?? 'nobody'}) may appraise this dossier` : undefined),
    check: (s, _a, b) => (b.outcome === 'supplement' && s.supplement ? ONE_SUPPLEMENT_ONLY : undefined),
  },
  approve: {
    roles: ['leader'],
    from: ['AWAITING_APPROVAL'],
    check: (s) => (verificationPending(s.verification) ? VERIFICATION_OWED(s) : undefined),
  },
  'send-back': { roles: ['leader'], from: ['AWAITING_APPROVAL'] },
  'record-payment': {
    roles: ['accountant', 'integrator'],
    from: ['AWAITING_PAYMENT'],
    who: (_s, a, b) => {
      const role: Role = b.method === 'online' ? 'integrator' : 'accountant';
      return a.roles.includes(role) ? undefined : `a ${b.method} payment is recorded by the ${role}`;
    },
    check: (s, _a, b) => {
      const fee = s.feeNotice?.amount ?? s.procedure.feeVnd;
      if (b.amount !== fee) return `the fee is ${fee} VND, the payment says ${b.amount} VND`;
      return undefined;
    },
  },
  ship: {
    roles: ['one_stop_officer'],
    from: ['RESULT_READY'],
    check: (s) => {
      if (s.application.delivery.method !== 'post') return 'the citizen chose to collect the result at the counter';
      if (s.shipment?.failedAttempts.length) return 'delivery by post failed; the result is kept for collection at the counter';
      return undefined;
    },
  },
  'hand-over': { roles: ['one_stop_officer'], from: ['RESULT_READY'] },
  'confirm-delivery': {
    roles: ['integrator'],
    from: ['SHIPPED'],
    check: (s, _a, b) =>
      s.shipment?.trackingNumber === b.trackingNumber
        ? undefined
        : `tracking number ${b.trackingNumber} does not belong to this dossier`,
  },
  withdraw: { roles: ['integrator'], from: BEFORE_APPROVAL },
  'recheck-verification': {
    roles: ['one_stop_officer', 'leader'],
    from: ['AWAITING_RECEIPT', 'AWAITING_SUPPLEMENT', 'RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL'],
    offered: (s) => verificationPending(s.verification),
    check: (s) => (verificationPending(s.verification) ? undefined : 'both registries have answered: there is nothing to check again'),
  },
  reschedule: {
    roles: ['leader'],
    from: ['RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL', 'AWAITING_PAYMENT', 'AWAITING_SUPPLEMENT'],
    check: (s, _a, b) => {
      if (s.apology?.reschedule) return 'the appointment has already been rescheduled once; a second reschedule is not allowed';
      if (!s.apology) return 'an appointment is rescheduled only once an apology is required (one working day before it is due)';
      if (s.dueAt && Date.parse(b.newDueAt) <= Date.parse(s.dueAt)) return 'the new appointment must be later than the current one';
      return undefined;
    },
  },
};

export type Verdict = { allowed: true; role: Role } | { allowed: false; reason: string; kind: 'state' | 'role' | 'rule' };

export function judgeAction<A extends ActionName>(
  state: DossierState,
  action: A,
  actor: Actor,
  body: ActionBody<A>,
  now: number,
): Verdict {
  const rule = RULES[action] as Rule<A>;
  const role = rule.roles.find((r) => actor.roles.includes(r));
  if (!role) {
    return { allowed: false, kind: 'role', reason: `${action} is for ${rule.roles.join(' or ')}, not ${actor.roles.join(', ') || 'no role'}` };
  }
  if (actor.agencyCode !== '*' && actor.agencyCode !== state.agencyCode) {
    return { allowed: false, kind: 'role', reason: `the dossier belongs to agency ${state.agencyCode}` };
  }
  if (isTerminal(state.status)) {
    return { allowed: false, kind: 'state', reason: `the dossier is closed (${state.status}); no further action is possible` };
  }
  if (!rule.from.includes(state.status)) {
    return { allowed: false, kind: 'state', reason: `${action} is not possible while the dossier is ${state.status}` };
  }
  const notThisPerson = rule.who?.(state, actor, body);
  if (notThisPerson) return { allowed: false, kind: 'role', reason: notThisPerson };
  const refusal = rule.check?.(state, actor, body, now);
  if (refusal) return { allowed: false, kind: 'rule', reason: refusal };
  return { allowed: true, role };
}

/** The actions the actor could take now, ignoring bodies: for UIs and the work queue. */
export function availableActions(state: DossierState, actor: Actor): ActionName[] {
  return (Object.keys(RULES) as ActionName[]).filter((a) => {
    const rule = RULES[a];
    return rule.from.includes(state.status) && rule.roles.some((r) => actor.roles.includes(r)) && (rule.offered?.(state) ?? true);
  });
}
