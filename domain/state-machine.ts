import type { ActionBody, ActionName } from './actions';
import type { DossierState } from './dossier-state';
import { isTerminal, type DossierStatus } from './dossier-status';
import type { Actor, Role } from './roles';
import { REFUSALS, type Message } from './messages';
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
  who?: (state: DossierState, actor: Actor, body: ActionBody<A>) => Message | undefined;
  /** Whether the action is offered at all in this dossier (beyond its state): one that only makes sense sometimes is not shown otherwise. */
  offered?: (state: DossierState) => boolean;
  /** A reason the action is refused in this particular dossier, or undefined when it may go ahead. */
  check?: (state: DossierState, actor: Actor, body: ActionBody<A>, now: number) => Message | undefined;
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

export const RULES: { [A in ActionName]: Rule<A> } = {
  receive: {
    roles: ['one_stop_officer'],
    from: ['AWAITING_RECEIPT'],
    check: (_s, _a, b, now) =>
      b.receivedAt !== undefined && Date.parse(b.receivedAt) > now ? REFUSALS.receivedInFuture() : undefined,
  },
  'request-supplement': {
    roles: ['one_stop_officer'],
    from: ['AWAITING_RECEIPT'],
    check: (s) => (s.supplement ? REFUSALS.oneSupplementOnly() : undefined),
  },
  supplement: { roles: ['integrator'], from: ['AWAITING_SUPPLEMENT'] },
  refuse: { roles: ['one_stop_officer'], from: ['AWAITING_RECEIPT'] },
  assign: {
    roles: ['leader'],
    from: ['RECEIVED', 'IN_APPRAISAL'],
    check: (s, _a, b) => (s.assignee === b.appraiser ? REFUSALS.alreadyAssigned(b.appraiser) : undefined),
  },
  appraise: {
    roles: ['appraiser'],
    from: ['IN_APPRAISAL'],
    who: (s, a) => (s.assignee !== a.username ? REFUSALS.notTheAppraiser(s.assignee) : undefined),
    check: (s, _a, b) => (b.outcome === 'supplement' && s.supplement ? REFUSALS.oneSupplementOnly() : undefined),
  },
  approve: {
    roles: ['leader'],
    from: ['AWAITING_APPROVAL'],
    check: (s) =>
      verificationPending(s.verification)
        ? REFUSALS.verificationOwed(isUnavailable(s.verification.health), isUnavailable(s.verification.licence), s.verification.recheck?.nextAt)
        : undefined,
  },
  'send-back': { roles: ['leader'], from: ['AWAITING_APPROVAL'] },
  'record-payment': {
    roles: ['accountant', 'integrator'],
    from: ['AWAITING_PAYMENT'],
    who: (_s, a, b) => {
      const role: Role = b.method === 'online' ? 'integrator' : 'accountant';
      return a.roles.includes(role) ? undefined : REFUSALS.paymentRole(b.method, role);
    },
    check: (s, _a, b) => {
      const fee = s.feeNotice?.amount ?? s.procedure.feeVnd;
      if (b.amount !== fee) return REFUSALS.wrongAmount(fee, b.amount);
      return undefined;
    },
  },
  ship: {
    roles: ['one_stop_officer'],
    from: ['RESULT_READY'],
    check: (s) => {
      if (s.application.delivery.method !== 'post') return REFUSALS.collectAtCounter();
      if (s.shipment?.failedAttempts.length) return REFUSALS.deliveryFailed();
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
        : REFUSALS.foreignTracking(b.trackingNumber),
  },
  withdraw: { roles: ['integrator'], from: BEFORE_APPROVAL },
  'recheck-verification': {
    roles: ['one_stop_officer', 'leader'],
    from: ['AWAITING_RECEIPT', 'AWAITING_SUPPLEMENT', 'RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL'],
    offered: (s) => verificationPending(s.verification),
    check: (s) => (verificationPending(s.verification) ? undefined : REFUSALS.nothingToRecheck()),
  },
  reschedule: {
    roles: ['leader'],
    from: ['RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL', 'AWAITING_PAYMENT', 'AWAITING_SUPPLEMENT'],
    check: (s, _a, b) => {
      if (s.apology?.reschedule) return REFUSALS.rescheduledOnce();
      if (!s.apology) return REFUSALS.noApologyDue();
      if (s.dueAt && Date.parse(b.newDueAt) <= Date.parse(s.dueAt)) return REFUSALS.notLater();
      return undefined;
    },
  },
};

/** A refusal gives its reason in English (logs, integrators) and in Vietnamese (the officer). */
export type Verdict = { allowed: true; role: Role } | { allowed: false; reason: string; reasonVi: string; kind: 'state' | 'role' | 'rule' };

const refused = (kind: 'state' | 'role' | 'rule', m: Message): Verdict => ({ allowed: false, kind, reason: m.en, reasonVi: m.vi });

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
    return refused('role', REFUSALS.wrongRole(action, rule.roles, actor.roles));
  }
  if (actor.agencyCode !== '*' && actor.agencyCode !== state.agencyCode) {
    return refused('role', REFUSALS.otherAgency(state.agencyCode));
  }
  if (isTerminal(state.status)) {
    return refused('state', REFUSALS.closed(state.status));
  }
  if (!rule.from.includes(state.status)) {
    return refused('state', REFUSALS.wrongState(action, state.status));
  }
  const notThisPerson = rule.who?.(state, actor, body);
  if (notThisPerson) return refused('role', notThisPerson);
  const refusal = rule.check?.(state, actor, body, now);
  if (refusal) return refused('rule', refusal);
  return { allowed: true, role };
}

/** The actions the actor could take now, ignoring bodies: for UIs and the work queue. */
export function availableActions(state: DossierState, actor: Actor): ActionName[] {
  return (Object.keys(RULES) as ActionName[]).filter((a) => {
    const rule = RULES[a];
    return rule.from.includes(state.status) && rule.roles.some((r) => actor.roles.includes(r)) && (rule.offered?.(state) ?? true);
  });
}
