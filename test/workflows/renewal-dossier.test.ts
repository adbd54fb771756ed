import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionBody, ActionName } from '../../domain/actions';
import type { Application } from '../../domain/application';
import { findRecord } from '../../db/dossier-record';
import type { DossierState } from '../../domain/dossier-state';
import type { Actor } from '../../domain/roles';
import { actors } from '../support/actors';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';
import { workflowDriver } from '../support/workflow';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack('time-skipping');
});
afterAll(async () => {
  await stack?.stop();
});

type Handle = WorkflowHandle;
const { submit, stateOf, until, waitFor, act } = workflowDriver(() => stack);

/** Asserts the action is refused with a reason containing `reason`, and that nothing changed. */
async function expectRefused<A extends ActionName>(h: Handle, action: A, actor: Actor, body: ActionBody<A> | Record<string, unknown>, reason: RegExp) {
  const before = await stateOf(h);
  const err = await act(h, action, actor, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).message).toMatch(reason);
  expect(await stateOf(h)).toEqual(before);
}

async function receivedAndAssigned(app?: Application): Promise<Handle> {
  const h = await submit(app);
  await waitFor(h, 'AWAITING_RECEIPT');
  await act(h, 'receive', actors.officer, {});
  await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
  return h;
}

async function approved(app?: Application): Promise<Handle> {
  const h = await receivedAndAssigned(app);
  await act(h, 'appraise', actors.appraiser, { outcome: 'pass', note: 'hồ sơ đầy đủ' });
  await act(h, 'approve', actors.leader, {});
  return h;
}

const statuses = (s: DossierState) => s.transitions.map((t) => t.to);

describe('renewal dossier workflow', () => {
  it('runs from submission to delivery by post, recording every transition', async () => {
    const h = await submit();
    const verified = await waitFor(h, 'AWAITING_RECEIPT');
    expect(verified.verification.health?.outcome).toBe('clear');
    expect(verified.verification.licence?.outcome).toBe('clear');

    const received = await act(h, 'receive', actors.officer, { note: 'đủ thành phần' });
    expect(received.status).toBe('RECEIVED');
    expect(received.code).toMatch(/^000\.00\.01\.H22-\d{6}-\d{4}$/);
    expect(received.receivedAt).toBeDefined();

    await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
    await act(h, 'appraise', actors.appraiser, { outcome: 'pass' });
    const awaitingPayment = await act(h, 'approve', actors.leader, { note: 'đồng ý' });
    expect(awaitingPayment.feeNotice).toMatchObject({ amount: 135_000 });
    expect(awaitingPayment.feeNotice?.orderId).toBeTruthy();

    await act(h, 'record-payment', actors.integrator, { amount: 135_000, method: 'online', transactionRef: 'PG-1' });
    const shipped = await act(h, 'ship', actors.officer, {});
    expect(shipped.status).toBe('SHIPPED');
    const tracking = shipped.shipment!.trackingNumber;
    expect(tracking).toMatch(/\w+/);

    const delivered = await act(h, 'confirm-delivery', actors.integrator, { trackingNumber: tracking });
    expect(delivered.status).toBe('DELIVERED');
    // The workflow ends with a small outcome; the dossier itself is in its record, written step by step.
    expect(await h.result()).toEqual({ reference: h.workflowId, code: delivered.code, status: 'DELIVERED' });
    const result = await stateOf(h);
    const { calendar: _calendar, ...withoutCalendar } = result;
    expect((await findRecord(stack.database.db, { reference: h.workflowId }))?.state).toEqual(withoutCalendar);
    expect(statuses(result)).toEqual([
      'SUBMITTED', 'VERIFYING', 'AWAITING_RECEIPT', 'RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL',
      'AWAITING_PAYMENT', 'RESULT_READY', 'SHIPPED', 'DELIVERED',
    ]);
    const receipt = result.transitions.find((t) => t.action === 'receive')!;
    expect(receipt).toMatchObject({ actor: { username: 'motcua', role: 'one_stop_officer' }, from: 'AWAITING_RECEIPT', to: 'RECEIVED', note: 'đủ thành phần' });
    expect(result.closedAt).toBeDefined();
  });

  it('hands the result over at the counter after a counter payment', async () => {
    const h = await approved(application({ delivery: 'counter' }));
    await expectRefused(h, 'record-payment', actors.accountant, { amount: 135_000, method: 'online', transactionRef: 'X' }, /online payment is recorded by the integrator/);
    await act(h, 'record-payment', actors.accountant, { amount: 135_000, method: 'counter', transactionRef: 'BL-0001' });
    await expectRefused(h, 'ship', actors.officer, {}, /collect the result at the counter/);
    const done = await act(h, 'hand-over', actors.officer, {});
    expect(done.status).toBe('DELIVERED');
    expect(done.handedOverAt).toBeDefined();
  });

  it('refuses at intake', async () => {
    const h = await submit(application({ citizenSuffix: '9004' }));
    const s = await waitFor(h, 'AWAITING_RECEIPT');
    expect(s.verification.licence).toMatchObject({ outcome: 'problem', issues: ['UNRESOLVED_VIOLATION'] });
    const refused = await act(h, 'refuse', actors.officer, { reasons: ['Còn quyết định xử phạt chưa chấp hành'] });
    expect(refused.status).toBe('REFUSED_AT_INTAKE');
    expect((await h.result()).status).toBe('REFUSED_AT_INTAKE');
    expect((await stateOf(h)).refusal?.stage).toBe('intake');
  });

  it('allows one supplement request at intake, then refuses a second one during appraisal', async () => {
    const h = await submit(application({ citizenSuffix: '9002' }));
    expect((await waitFor(h, 'AWAITING_RECEIPT')).verification.health).toMatchObject({ outcome: 'problem', issues: ['CERTIFICATE_EXPIRED'] });
    await act(h, 'request-supplement', actors.officer, { items: [{ name: 'Giấy khám sức khỏe', reason: 'đã hết hạn' }] });
    await expectRefused(h, 'request-supplement', actors.officer, { items: [{ name: 'x', reason: 'y' }] }, /not possible while the dossier is AWAITING_SUPPLEMENT/);
    const back = await act(h, 'supplement', actors.integrator, { documents: [{ name: 'Giấy khám sức khỏe', reference: 'GKSK-NEW' }] });
    expect(back.status).toBe('AWAITING_RECEIPT');
    expect(back.supplement?.completedAt).toBeDefined();
    await expectRefused(h, 'request-supplement', actors.officer, { items: [{ name: 'x', reason: 'y' }] }, /one request/);
    await act(h, 'receive', actors.officer, {});
    await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
    await expectRefused(h, 'appraise', actors.appraiser, { outcome: 'supplement', items: [{ name: 'x', reason: 'y' }] }, /one request/);
  });

  it('takes a supplement requested during appraisal back to the same appraiser', async () => {
    const h = await receivedAndAssigned();
    const waiting = await act(h, 'appraise', actors.appraiser, { outcome: 'supplement', items: [{ name: 'Ảnh chân dung', reason: 'mờ' }] });
    expect(waiting.status).toBe('AWAITING_SUPPLEMENT');
    expect(waiting.supplement?.stage).toBe('appraisal');
    const back = await act(h, 'supplement', actors.integrator, { documents: [{ name: 'Ảnh chân dung', reference: 'IMG-2' }] });
    expect(back).toMatchObject({ status: 'IN_APPRAISAL', assignee: 'thamdinh' });
  });

  it('stops the dossier when the appraiser refuses it', async () => {
    const h = await receivedAndAssigned();
    const stopped = await act(h, 'appraise', actors.appraiser, { outcome: 'refuse', reasons: ['GPLX đã bị thu hồi'] });
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.refusal?.stage).toBe('appraisal');
  });

  it('sends back from approval to appraisal', async () => {
    const h = await receivedAndAssigned();
    await act(h, 'appraise', actors.appraiser, { outcome: 'pass' });
    const back = await act(h, 'send-back', actors.leader, { reason: 'kiểm tra lại ảnh' });
    expect(back.status).toBe('IN_APPRAISAL');
    expect((await act(h, 'appraise', actors.appraiser, { outcome: 'pass' })).status).toBe('AWAITING_APPROVAL');
  });

  it('lets the citizen withdraw until approval, not after', async () => {
    const early = await submit();
    await waitFor(early, 'AWAITING_RECEIPT');
    expect((await act(early, 'withdraw', actors.integrator, { reason: 'không có nhu cầu' })).status).toBe('WITHDRAWN');

    const inAppraisal = await receivedAndAssigned();
    expect((await act(inAppraisal, 'withdraw', actors.integrator, { reason: 'đi công tác' })).status).toBe('WITHDRAWN');

    const late = await approved();
    await expectRefused(late, 'withdraw', actors.integrator, { reason: 'muộn' }, /not possible while the dossier is AWAITING_PAYMENT/);
  });

  it('brings a failed postal delivery back to the counter', async () => {
    const h = await approved();
    await act(h, 'record-payment', actors.integrator, { amount: 135_000, method: 'online', transactionRef: 'PG-2' });
    const { shipment } = await act(h, 'ship', actors.officer, {});
    const failed = await act(h, 'confirm-delivery', actors.integrator, { trackingNumber: shipment!.trackingNumber, outcome: 'failed', note: 'không liên lạc được' });
    expect(failed.status).toBe('RESULT_READY');
    await expectRefused(h, 'ship', actors.officer, {}, /delivery by post failed/);
    expect((await act(h, 'hand-over', actors.officer, {})).status).toBe('DELIVERED');
  });

  it('rejects actions by the wrong role, person, agency, state or body, changing nothing', async () => {
    const h = await receivedAndAssigned();
    await expectRefused(h, 'approve', actors.officer, {}, /approve is for leader/);
    await expectRefused(h, 'appraise', actors.otherAppraiser, { outcome: 'pass' }, /only the assigned appraiser \(thamdinh\)/);
    await expectRefused(h, 'receive', actors.foreignOfficer, {}, /belongs to agency/);
    await expectRefused(h, 'ship', actors.officer, {}, /not possible while the dossier is IN_APPRAISAL/);
    await expectRefused(h, 'assign', actors.leader, { appraiser: 'thamdinh' }, /already assigned/);
    await expectRefused(h, 'appraise', actors.appraiser, { outcome: 'refuse' }, /reasons: required when outcome is refuse/);
    await expectRefused(h, 'appraise', actors.appraiser, { outcome: 'maybe' }, /outcome/);
    await act(h, 'appraise', actors.appraiser, { outcome: 'pass' });
    await act(h, 'approve', actors.leader, {});
    await expectRefused(h, 'record-payment', actors.integrator, { amount: 115_000, method: 'online', transactionRef: 'PG' }, /fee is 135000 VND/);
    await act(h, 'record-payment', actors.integrator, { amount: 135_000, method: 'online', transactionRef: 'PG-3' });
    await act(h, 'ship', actors.officer, {});
    await expectRefused(h, 'confirm-delivery', actors.integrator, { trackingNumber: 'EP000000000VN' }, /does not belong to this dossier/);
  });

  it('applies an Update sent twice with the same id once', async () => {
    const h = await submit();
    await waitFor(h, 'AWAITING_RECEIPT');
    const first = await act(h, 'receive', actors.officer, {}, 'key-1');
    const again = await act(h, 'receive', actors.officer, {}, 'key-1');
    expect(again.code).toBe(first.code);
    expect((await stateOf(h)).transitions.filter((t) => t.action === 'receive')).toHaveLength(1);
  });

  it('lets only one of two concurrent receipts through', async () => {
    const h = await submit();
    await waitFor(h, 'AWAITING_RECEIPT');
    const outcomes = await Promise.allSettled([act(h, 'receive', actors.officer, {}), act(h, 'receive', actors.officer, {})]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await stateOf(h)).transitions.filter((t) => t.action === 'receive')).toHaveLength(1);
  });

  it('reports every registry finding of the fixture citizens', async () => {
    const cases: [string, (s: DossierState) => void][] = [
      ['9001', (s) => expect(s.verification.health).toMatchObject({ outcome: 'problem', issues: ['NO_CERTIFICATE'] })],
      ['9003', (s) => expect(s.verification.health).toMatchObject({ outcome: 'problem', issues: expect.arrayContaining(['UNFIT']) })],
      ['9005', (s) => expect(s.verification.licence).toMatchObject({ outcome: 'problem', issues: expect.arrayContaining(['REVOKED']) })],
      ['9006', (s) => expect(s.verification.licence).toMatchObject({ outcome: 'flagged', flags: ['ZERO_POINTS'] })],
    ];
    for (const [suffix, check] of cases) {
      check(await waitFor(await submit(application({ citizenSuffix: suffix })), 'AWAITING_RECEIPT'));
    }
    const a1 = await waitFor(await submit(application({ licenceClass: 'A1' })), 'AWAITING_RECEIPT');
    expect(a1.verification.health?.outcome).toBe('not_required');
  });

  it('retries a registry that fails, and reports one that stays down as unavailable', async () => {
    stack.simulators.faults.inject({ service: 'police-registry', mode: 'error', count: 2 });
    const retried = await waitFor(await submit(), 'AWAITING_RECEIPT');
    expect(retried.verification.licence?.outcome).toBe('clear');

    stack.simulators.faults.inject({ service: 'health-registry', mode: 'error', count: 1000 });
    const h = await submit();
    await stack.env.sleep('5 minutes'); // skips the retry backoff on the test server
    const s = await waitFor(h, 'AWAITING_RECEIPT');
    stack.simulators.faults.clear();
    expect(s.verification.health).toMatchObject({ outcome: 'unavailable' });
    expect(s.verification.licence?.outcome).toBe('clear');
  });
});

describe('a registry that was down at verification (issue 12, item 2)', () => {
  it('is asked again in the background until it answers', async () => {
    stack.simulators.faults.inject({ service: 'police-registry', mode: 'error', count: 1000 });
    const h = await submit();
    await stack.env.sleep('5 minutes'); // the first check's retries give up
    const verified = await waitFor(h, 'AWAITING_RECEIPT');
    expect(verified.verification.licence?.outcome).toBe('unavailable');
    expect(verified.verification.recheck?.pending).toBe(true);
    // Still down at the first re-checks: still pending, asked less and less often.
    await stack.env.sleep('3 minutes');
    const still = await until(h, (s) => (s.verification.recheck?.rounds ?? 0) >= 1, 're-checked once');
    expect(Date.parse(still.verification.recheck!.nextAt!) - Date.parse(still.verification.recheck!.lastAt!)).toBeGreaterThanOrEqual(2 * 60_000);
    expect(still.verification.recheck?.pending).toBe(true);
    expect(Date.parse(still.verification.recheck!.nextAt!)).toBeGreaterThan(Date.parse(still.verification.recheck!.lastAt!));
    stack.simulators.faults.clear();
    await stack.env.sleep('2 hours');
    const done = await until(h, (s) => s.verification.recheck?.pending === false, 're-checked with an answer');
    expect(done.verification.licence?.outcome).toBe('clear');
    expect(done.verification.recheck?.nextAt).toBeUndefined();
    expect(done.status).toBe('AWAITING_RECEIPT');
  });

  it('keeps approval waiting until it has answered, and an officer may re-check at once', async () => {
    stack.simulators.faults.inject({ service: 'health-registry', mode: 'error', count: 1000 });
    const h = await submit();
    await stack.env.sleep('5 minutes');
    await waitFor(h, 'AWAITING_RECEIPT');
    // Received and appraised meanwhile: the officer decides on what is known.
    await act(h, 'receive', actors.officer, {});
    await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
    await act(h, 'appraise', actors.appraiser, { outcome: 'pass' });
    await expectRefused(h, 'approve', actors.leader, {}, /health certificate \(health registry\) could not be checked yet/);
    // Asked while the registry is still down: answered, still pending.
    const asked = await act(h, 'recheck-verification', actors.officer, {});
    expect(asked.verification.recheck).toMatchObject({ pending: true });
    expect(asked.verification.recheck!.rounds).toBeGreaterThanOrEqual(1);
    stack.simulators.faults.clear();
    const answered = await act(h, 'recheck-verification', actors.leader, {});
    // Answered (clear, or a problem the officer sees: the test server's clock has run far ahead of the fixture's certificate).
    expect(answered.verification.health?.outcome).not.toBe('unavailable');
    expect(answered.verification.recheck?.pending).toBe(false);
    await expectRefused(h, 'recheck-verification', actors.officer, {}, /nothing to check again/);
    expect((await act(h, 'approve', actors.leader, {})).status).toBe('AWAITING_PAYMENT');
  });
});
