import { describe, expect, it } from 'vitest';
import { ACTION_NAMES } from '../../domain/actions';
import type { DossierState } from '../../domain/dossier-state';
import { DOSSIER_STATUSES, TERMINAL_STATUSES } from '../../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { RULES, availableActions, judgeAction } from '../../domain/state-machine';
import { actors } from '../support/actors';
import { application } from '../support/fixtures';

const NOW = Date.parse('2026-01-05T03:00:00Z');

const dossier = (over: Partial<DossierState> = {}): DossierState => ({
  reference: 'SUB-1',
  agencyCode: '000.00.01.H22',
  status: 'AWAITING_RECEIPT',
  procedure: RENEWAL_PROCEDURE,
  application: application(),
  submittedAt: '2026-01-05T02:00:00Z',
  verification: {},
  paused: false,
  late: false,
  steps: [],
  transitions: [],
  ...over,
});

describe('the state machine', () => {
  it('allows nothing from a terminal state', () => {
    for (const status of TERMINAL_STATUSES) {
      for (const action of ACTION_NAMES) expect(RULES[action].from).not.toContain(status);
    }
  });

  it('lets every non-terminal state be left by some action', () => {
    for (const status of DOSSIER_STATUSES.filter((s) => !TERMINAL_STATUSES.has(s) && s !== 'SUBMITTED' && s !== 'VERIFYING')) {
      expect(ACTION_NAMES.some((a) => RULES[a].from.includes(status)), status).toBe(true);
    }
  });

  it('gives the reason an action is refused', () => {
    expect(judgeAction(dossier(), 'approve', actors.leader, {}, NOW)).toMatchObject({ allowed: false, kind: 'state' });
    expect(judgeAction(dossier(), 'receive', actors.leader, {}, NOW)).toMatchObject({ allowed: false, kind: 'role' });
    expect(judgeAction(dossier(), 'receive', actors.foreignOfficer, {}, NOW)).toMatchObject({ allowed: false, kind: 'role' });
    expect(judgeAction(dossier(), 'receive', actors.officer, {}, NOW)).toEqual({ allowed: true, role: 'one_stop_officer' });
    const supplemented = dossier({ supplement: { stage: 'intake', items: [], requestedAt: '', requestedBy: 'motcua', returnTo: 'AWAITING_RECEIPT' } });
    expect(judgeAction(supplemented, 'request-supplement', actors.officer, { items: [{ name: 'a', reason: 'b' }] }, NOW)).toMatchObject({ allowed: false, kind: 'rule' });
    // The wrong person for a role they hold is refused like a wrong role (403), not like a wrong state.
    const assigned = dossier({ status: 'IN_APPRAISAL', assignee: 'thamdinh' });
    expect(judgeAction(assigned, 'appraise', actors.otherAppraiser, { outcome: 'pass' }, NOW)).toMatchObject({ allowed: false, kind: 'role' });
    expect(judgeAction(assigned, 'appraise', actors.appraiser, { outcome: 'pass' }, NOW)).toEqual({ allowed: true, role: 'appraiser' });
    const due = dossier({ status: 'AWAITING_PAYMENT' });
    expect(judgeAction(due, 'record-payment', actors.accountant, { amount: 135_000, method: 'online', transactionRef: 'x' }, NOW)).toMatchObject({ allowed: false, kind: 'role' });
    expect(judgeAction(due, 'record-payment', actors.accountant, { amount: 1, method: 'counter', transactionRef: 'x' }, NOW)).toMatchObject({ allowed: false, kind: 'rule' });
  });

  it('allows withdrawal only before approval', () => {
    const before = ['SUBMITTED', 'VERIFYING', 'AWAITING_RECEIPT', 'AWAITING_SUPPLEMENT', 'RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL'];
    expect([...RULES.withdraw.from].sort()).toEqual(before.sort());
  });

  it('lists the actions open to an actor', () => {
    expect(availableActions(dossier(), actors.officer).sort()).toEqual(['receive', 'refuse', 'request-supplement']);
    expect(availableActions(dossier(), actors.integrator)).toEqual(['withdraw']);
  });
});
