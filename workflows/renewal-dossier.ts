import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  proxySinks,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { SIGNATURE_FRESH_MS } from '../domain/action-signature';
import { ACTION_BODIES, ACTION_NAMES, type ActionBody, type ActionName } from '../domain/actions';
import { CLASSES_WITHOUT_HEALTH_CERTIFICATE } from '../domain/application';
import { CLOCK_RUNNING, STEP_OF, budgetMs, dueAtOf, onTime, stepOutcome, workingTimeUsed } from '../domain/dossier-clock';
import { submittedDossier, summaryOf, type ActionResult, type DossierState, type RecordChanges, type RecordedTimes, type Transition, type TransitionFacts } from '../domain/dossier-state';
import { PORTAL_STATUS, isTerminal, type DossierStatus } from '../domain/dossier-status';
import type { Role } from '../domain/roles';
import { judgeAction } from '../domain/state-machine';
import { DEFAULT_RECHECK_SCHEDULE, isUnavailable, type HealthFinding, type LicenceFinding, type RecheckSchedule } from '../domain/verification';
import { DAY_MS, localIso, workingCalendar, type WorkingCalendar } from '../domain/working-time';
import { SEARCH_ATTRIBUTES } from '../temporal.config';
import { FAILURE, SLIM_HISTORY, VERIFICATION_RECHECK, actionUpdates, calendarChangedSignal, stateQuery, type ActionRequest, type AuditSinks, type DossierInput, type DossierOutcome } from './definitions';

type Activities = ReturnType<typeof createActivities>;

/** Registry look-ups: retried with backoff; a registry that stays down becomes an 'unavailable' finding. */
const registries = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 6 },
});

/**
 * The re-check of a registry that was down: a few quick attempts per round, since rounds repeat
 * (and an officer who asks for one waits for its answer).
 */
const recheckRegistries = proxyActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});
/** How long an officer's `recheck-verification` waits for the round it asked for: the round's attempts fit in it. */
const RECHECK_ANSWER_WITHIN = '20 seconds';

/** Steps an officer is waiting on over HTTP: bounded, so a dead service answers instead of hanging. */
const services = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

/** Our own database, read in the background: retried until it answers (dossiers started before SLIM_HISTORY). */
const records = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Our own database, from the worker itself (local activities): a few milliseconds of work each,
 * idempotent, needing no server round trip, schedule or task of their own; only their result
 * enters the history, as a marker.
 */
const database = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The receipt, from the worker itself (our database), which an officer waits for: bounded like `services`. */
const receipt = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

/** One write of the record; a write that fails is retried by the record's own loop, after a pause. */
const recordWrite = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '2 seconds' },
});

const SYSTEM = { username: 'system', role: 'system' } as const;

/** A sink call adds no command to the history: old histories replay unchanged (test/histories/). */
const { audit } = proxySinks<AuditSinks>();

/**
 * One driving-licence renewal dossier, from submission to the licence in the citizen's hands.
 * Verification runs by itself; every later step is an officer's or integrator's Update; the
 * legal clock's timers (apology, late, supplement and payment limits) run beside them.
 */
export async function renewalDossier(input: DossierInput): Promise<DossierOutcome> {
  // Decided once, before the first command: a dossier started before the slim history keeps the
  // commands it was started with for its whole life (and its history replays as recorded).
  const slim = patched(SLIM_HISTORY);
  const now = () => new Date().toISOString();
  const state: DossierState = submittedDossier(input);
  /** Bumped by every change the timers depend on, so the clock loop re-arms them and the record follows. */
  let revision = 0;
  let calendarChange: string | undefined;
  /** Officers' requests for a re-check of the registries, and the re-check rounds run: the one wakes the loop, the other answers them. */
  let recheckAsked = 0;
  let recheckRounds = 0;
  /** How far the record has followed; while it cannot be written, actions answer without waiting for it. */
  const recorded = { revision: 0, failing: false };
  const calendar = (): WorkingCalendar => workingCalendar(state.calendar!);

  function record(action: Transition['action'], actor: Transition['actor'], to: DossierStatus, note?: string, facts?: TransitionFacts): void {
    const from = state.transitions.length === 0 ? null : state.status;
    const transition: Transition = { at: now(), actor, action, from, to, ...(note ? { note } : {}), ...(facts ? { facts } : {}) };
    state.transitions.push(transition);
    // With the slim history the replayer hears of it once its time is on record (keepRecord).
    if (!slim) audit.transition(transition);
  }

  // ---- search attributes: plain text in Temporal, so only codes, states and times ----
  /** What the start already set (api/dossier-gateway.ts), so the first upsert carries only what changed. */
  const published = new Map<string, unknown>(slim ? [[SEARCH_ATTRIBUTES.dossierStatus.name, 'SUBMITTED'], [SEARCH_ATTRIBUTES.portalStatus.name, PORTAL_STATUS.SUBMITTED]] : []);
  function publish(): void {
    const values = [
      { key: SEARCH_ATTRIBUTES.dossierStatus, value: state.status },
      { key: SEARCH_ATTRIBUTES.portalStatus, value: PORTAL_STATUS[state.status] },
      { key: SEARCH_ATTRIBUTES.late, value: state.late },
      ...(state.code ? [{ key: SEARCH_ATTRIBUTES.dossierCode, value: state.code }] : []),
      ...(state.dueAt ? [{ key: SEARCH_ATTRIBUTES.dueAt, value: new Date(state.dueAt) }] : []),
    ];
    const changed = slim ? values.filter((v) => published.get(v.key.name) !== String(v.value)) : values;
    if (changed.length === 0) return;
    for (const v of changed) published.set(v.key.name, String(v.value));
    upsertSearchAttributes(changed as Parameters<typeof upsertSearchAttributes>[0]);
  }
  /** Dossiers started before SLIM_HISTORY publish at every change, as they always did... */
  const publishNow = () => {
    if (!slim) publish();
  };
  /** ...the others once at the end of each step, only what changed: one step, one upsert. */
  const settle = () => {
    if (slim) publish();
  };

  function moveTo(to: DossierStatus, action: Transition['action'], actor: Transition['actor'], note?: string, facts?: TransitionFacts): void {
    record(action, actor, to, note, facts);
    closeStep();
    state.status = to;
    openStep();
    if (isTerminal(to)) state.closedAt = now();
    const processingEnded = to === 'RESULT_READY' || (isTerminal(to) && to !== 'DELIVERED');
    if (processingEnded && state.receivedAt && !state.processingEnded) {
      const workingDays = state.clock && state.calendar ? workingTimeUsed(calendar(), state.clock, Date.now()) / calendar().dayWork : undefined;
      state.processingEnded = { at: now(), onTime: onTime(state, now()), ...(workingDays !== undefined ? { workingDays } : {}) };
    }
    revision++;
    publishNow();
  }

  // ---- the processing-control slip: one line per step, marked early / on time / late ----
  function openStep(): void {
    const step = STEP_OF[state.status];
    if (!step || !state.calendar) return;
    const budget = state.procedure.stepBudgets[step];
    const dueAt = calendar().addWorkingTime(Date.now(), budgetMs(calendar(), budget));
    state.steps.push({ step, startedAt: now(), dueAt: new Date(dueAt).toISOString() });
  }
  function closeStep(): void {
    const open = state.steps.find((s) => !s.completedAt);
    if (!open) return;
    open.completedAt = now();
    open.outcome = stepOutcome(Date.parse(open.dueAt), Date.now());
  }

  // ---- the appointment: recomputed from its facts whenever they or the calendar change ----
  function recomputeDueAt(cause: string, why: NonNullable<TransitionFacts['cause']>, reason?: string): void {
    if (!state.clock || !state.calendar) return;
    const due = dueAtOf(calendar(), state.clock);
    state.paused = due === undefined;
    if (due === undefined) return;
    const next = new Date(due).toISOString();
    if (state.dueAt && state.dueAt !== next) {
      record('deadline-moved', SYSTEM, state.status, `appointment moved from ${localIso(Date.parse(state.dueAt))} to ${localIso(due)} because ${cause}`, { from: state.dueAt, to: next, cause: why, ...(reason ? { reason } : {}) });
    }
    state.dueAt = next;
    // Becoming late is the timer's to record; a later appointment can only clear the flag.
    if (state.late && Date.now() <= due) state.late = false;
    revision++;
    publishNow();
  }

  async function refreshCalendar(cause: string): Promise<void> {
    if (slim) {
      // Only a calendar that really changed enters the history again.
      const snapshot = await database.loadCalendar({ agencyCode: state.agencyCode, knownVersion: state.calendar?.version });
      if (snapshot) state.calendar = snapshot;
    } else {
      state.calendar = await records.loadCalendar({ agencyCode: state.agencyCode });
    }
    recomputeDueAt(cause, 'calendar');
    if (state.paymentDue && state.feeNotice) {
      const due = calendar().addWorkingDays(Date.parse(state.feeNotice.issuedAt), state.procedure.paymentLimitWorkingDays);
      state.paymentDue.dueAt = new Date(due).toISOString();
    }
    settle();
  }

  // ---- the steps, one per action; each changes state only after its side effects succeeded ----
  type Step<A extends ActionName> = (body: ActionBody<A>, by: { username: string; role: Role }) => Promise<void>;
  const steps: { [A in ActionName]: Step<A> } = {
    async receive(body, by) {
      const receivedAt = body.receivedAt ? new Date(body.receivedAt).toISOString() : now();
      const request = { reference: state.reference, agencyCode: state.agencyCode, receivedAt, procedureCode: state.procedure.code };
      const { code, procedure, calendar: snapshot } = await callService(() =>
        slim ? receipt.recordReceipt({ ...request, knownCalendarVersion: state.calendar?.version }) : services.recordReceipt(request),
      );
      state.code = code;
      state.receivedAt = receivedAt;
      state.procedure = procedure;
      if (snapshot) state.calendar = snapshot;
      state.clock = { receivedAt, budgetDays: procedure.processingWorkingDays, pauses: [] };
      moveTo('RECEIVED', 'receive', by, body.note ?? (body.receivedAt ? `received on paper at ${localIso(Date.parse(receivedAt))}` : undefined), body.receivedAt ? { onPaperAt: receivedAt } : undefined);
      recomputeDueAt('receipt', 'receipt');
    },
    async 'request-supplement'(body, by) {
      state.supplement = { stage: 'intake', items: body.items, requestedAt: now(), requestedBy: by.username, returnTo: 'AWAITING_RECEIPT' };
      moveTo('AWAITING_SUPPLEMENT', 'request-supplement', by, body.items.map((i) => i.name).join('; '), { items: body.items.map((i) => i.name) });
    },
    async supplement(body, by) {
      const request = state.supplement!;
      request.completedAt = now();
      request.documents = body.documents;
      const pause = state.clock?.pauses.find((p) => !p.to);
      if (pause) pause.to = request.completedAt;
      moveTo(request.returnTo, 'supplement', by, body.documents.map((d) => d.name).join('; '), { items: body.documents.map((d) => d.name) });
      if (pause) recomputeDueAt('the clock was paused while the citizen supplemented the dossier', 'supplement');
    },
    async refuse(body, by) {
      state.refusal = { reasons: body.reasons, by: by.username, at: now(), stage: 'intake' };
      moveTo('REFUSED_AT_INTAKE', 'refuse', by, body.reasons.join('; '), { reasons: body.reasons });
    },
    async assign(body, by) {
      const previousAppraiser = state.assignee;
      state.assignee = body.appraiser;
      moveTo('IN_APPRAISAL', 'assign', by, `assigned to ${body.appraiser}`, { appraiser: body.appraiser, ...(previousAppraiser ? { previousAppraiser } : {}) });
    },
    async appraise(body, by) {
      state.appraisal = { outcome: body.outcome, note: body.note, by: by.username, at: now() };
      if (body.outcome === 'pass') {
        moveTo('AWAITING_APPROVAL', 'appraise', by, body.note);
      } else if (body.outcome === 'supplement') {
        // Requested during appraisal, the supplement comes back through the one-stop to the same appraiser.
        state.supplement = { stage: 'appraisal', items: body.items!, requestedAt: now(), requestedBy: by.username, returnTo: 'IN_APPRAISAL' };
        state.clock?.pauses.push({ from: state.supplement.requestedAt });
        moveTo('AWAITING_SUPPLEMENT', 'appraise', by, body.items!.map((i) => i.name).join('; '), { items: body.items!.map((i) => i.name) });
        recomputeDueAt('supplement requested', 'supplement');
      } else {
        state.refusal = { reasons: body.reasons!, by: by.username, at: now(), stage: 'appraisal' };
        moveTo('STOPPED', 'appraise', by, body.reasons!.join('; '), { reasons: body.reasons! });
      }
    },
    async approve(body, by) {
      const amount = state.procedure.feeVnd;
      const order = await callService(() =>
        services.createFeeNotice({ reference: state.reference, agencyCode: state.agencyCode, code: state.code!, amount }),
      );
      state.approval = { by: by.username, at: now(), note: body.note };
      state.feeNotice = { amount, orderId: order.orderId, paymentUrl: order.paymentUrl, issuedAt: now() };
      const payBy = calendar().addWorkingDays(Date.now(), state.procedure.paymentLimitWorkingDays);
      state.paymentDue = { dueAt: new Date(payBy).toISOString() };
      moveTo('AWAITING_PAYMENT', 'approve', by, body.note);
    },
    async 'send-back'(body, by) {
      moveTo('IN_APPRAISAL', 'send-back', by, body.reason);
    },
    async 'record-payment'(body, by) {
      state.payment = { ...body, at: now(), recordedBy: by.username };
      moveTo('RESULT_READY', 'record-payment', by, `${body.method} ${body.transactionRef}`, { method: body.method, transactionRef: body.transactionRef });
    },
    async ship(_body, by) {
      const { applicant, delivery } = state.application;
      const address = delivery.address!;
      const { trackingNumber } = await callService(() =>
        services.createShipment({
          reference: state.reference,
          dossierCode: state.code!,
          recipientName: applicant.fullName,
          phone: applicant.phone,
          address,
        }),
      );
      state.shipment = { trackingNumber, address, createdAt: now(), failedAttempts: [] };
      moveTo('SHIPPED', 'ship', by, trackingNumber, { trackingNumber });
    },
    async 'hand-over'(body, by) {
      state.handedOverAt = now();
      moveTo('DELIVERED', 'hand-over', by, body.note ?? 'handed over at the counter');
    },
    async 'confirm-delivery'(body, by) {
      const shipment = state.shipment!;
      if (body.outcome === 'delivered') {
        shipment.deliveredAt = now();
        moveTo('DELIVERED', 'confirm-delivery', by, body.note);
      } else {
        // A failed delivery brings the result back to the counter (SPEC 2).
        shipment.failedAttempts.push({ at: now(), note: body.note });
        moveTo('RESULT_READY', 'confirm-delivery', by, `delivery failed${body.note ? `: ${body.note}` : ''}`);
      }
    },
    async withdraw(body, by) {
      state.withdrawal = { reason: body.reason, at: now() };
      moveTo('WITHDRAWN', 'withdraw', by, body.reason);
    },
    async 'recheck-verification'() {
      const before = recheckRounds;
      recheckAsked++;
      // Answered with the new findings when the registries answer now; otherwise still pending, and the background goes on.
      await condition(() => recheckRounds !== before, RECHECK_ANSWER_WITHIN);
    },
    async reschedule(body, by) {
      const to = new Date(body.newDueAt).toISOString();
      state.apology!.reschedule = { by: by.username, at: now(), reason: body.reason, from: state.dueAt!, to };
      state.clock!.rescheduledTo = to;
      recomputeDueAt(`the leader set a new appointment: ${body.reason}`, 'reschedule', body.reason);
    },
  };

  // ---- Updates: validated synchronously, applied one at a time ----
  let busy = false;

  function judge<A extends ActionName>(action: A, request: ActionRequest<A>): { body: ActionBody<A>; role: Role } {
    // Checked again in the handler, after waiting its turn: of two leaders who read the same
    // revision, the second to be applied finds it changed (issue 12: optimistic concurrency).
    if (request.ifRevision && !request.ifRevision.includes(revision)) {
      throw ApplicationFailure.nonRetryable(`the dossier has changed since it was read (now revision ${revision}); read it again and decide on what it is now`, FAILURE.staleRevision, revision);
    }
    const parsed = ACTION_BODIES[action].safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw ApplicationFailure.nonRetryable(`${issue.path.join('.') || 'body'}: ${issue.message}`, FAILURE.invalidBody);
    }
    const body = parsed.data as ActionBody<A>;
    const verdict = judgeAction(state, action, request.actor, body, Date.now());
    if (!verdict.allowed) throw ApplicationFailure.nonRetryable(verdict.reason, FAILURE.notAllowed, verdict.kind, verdict.reasonVi);
    return { body, role: verdict.role };
  }

  /** An action request the worker found signed by the API, for this action on this dossier, just now. */
  function requireSignature(action: ActionName, request: ActionRequest): void {
    const refuse = (why: string) => ApplicationFailure.nonRetryable(`the action request was refused: ${why}`, FAILURE.unsigned);
    if (request.signatureCheck !== 'valid') throw refuse(typeof request.signatureCheck === 'string' ? request.signatureCheck : 'the request is not signed');
    const signature = request.signature;
    if (!signature || typeof signature !== 'object') throw refuse('the request is not signed');
    if (signature.action !== action) throw refuse(`it was signed for ${signature.action}, not ${action}`);
    if (signature.reference !== input.reference) throw refuse('it was signed for another dossier');
    const age = Date.now() - Date.parse(signature.at);
    if (!(Math.abs(age) <= SIGNATURE_FRESH_MS)) throw refuse(`it was signed at ${signature.at}, too long ago`);
  }

  for (const action of ACTION_NAMES) {
    setHandler(
      actionUpdates[action],
      async (request: ActionRequest): Promise<ActionResult> => {
        // Several Updates can wake in one activation: re-check after every wake-up.
        while (busy) await condition(() => !busy);
        busy = true;
        try {
          // Judge again: another action may have changed the dossier while this one waited its turn.
          const { body, role } = judge(action, request);
          await (steps[action] as Step<ActionName>)(body, { username: request.actor.username, role });
          settle();
          const reached = revision;
          // The answer waits for the record, so the caller's next read shows what it just did.
          if (slim) await condition(() => recorded.revision >= reached || recorded.failing);
          return { revision: reached, recorded: recorded.revision >= reached };
        } finally {
          busy = false;
        }
      },
      {
        validator: (request: ActionRequest) => {
          // Only here, never in the handler: a replay long after may no longer hold the key that signed it.
          requireSignature(action, request);
          void judge(action, request);
        },
      },
    );
  }
  setHandler(stateQuery, () => state);
  setHandler(calendarChangedSignal, ({ cause }) => {
    calendarChange = cause;
  });

  // ---- the procedure itself ----
  moveTo('SUBMITTED', 'submit', { username: 'integrator', role: 'integrator' });
  moveTo('VERIFYING', 'verify', SYSTEM);
  settle();
  // The record follows the dossier from here on, beside everything else (before SLIM_HISTORY, from the end of verification).
  const recording = slim ? keepRecord() : undefined;
  // The calendar comes with verification: the receipt step's budget starts when it ends.
  const [health, licence, snapshot] = await Promise.all([
    checkHealth(),
    checkLicence(),
    slim ? database.loadCalendar({ agencyCode: state.agencyCode }) : records.loadCalendar({ agencyCode: state.agencyCode }),
  ]);
  state.verification = { health, licence, completedAt: now() };
  state.calendar = snapshot!;
  // A registry that could not be asked is asked again until it answers, and approval waits for it
  // (issue 12); a dossier whose history has no such marker goes on as it always did.
  let rechecking: Promise<void> | undefined;
  if ((isUnavailable(health) || isUnavailable(licence)) && patched(VERIFICATION_RECHECK)) {
    const schedule = input.recheck ?? DEFAULT_RECHECK_SCHEDULE;
    state.verification.recheck = { pending: true, rounds: 0, nextAt: new Date(Date.now() + schedule.firstAfterMs).toISOString() };
    rechecking = recheckVerification(schedule);
  }
  if (state.status === 'VERIFYING') {
    moveTo('AWAITING_RECEIPT', 'verified', SYSTEM, summarise(health, licence));
    settle();
  }

  await Promise.all([slim ? runClock() : runClockV1(), recording ?? keepRecordV1(), rechecking]);
  await condition(allHandlersFinished);
  return { reference: state.reference, code: state.code, status: state.status };

  /**
   * Mirrors the dossier into PostgreSQL after every change, one write at a time and in order: each
   * write carries the summary and the transitions appended since the last one. Actions wait for
   * the write of their change (it runs in the same workflow task, from the worker: a local
   * activity); a write that fails (the database is down) answers them unrecorded, and is tried
   * again after a pause until it succeeds. The last write follows the closing transition.
   */
  async function keepRecord(): Promise<void> {
    let sentTransitions = 0;
    let pause = 5_000;
    for (;;) {
      await condition(() => revision !== recorded.revision);
      const target = revision;
      const changes: RecordChanges = {
        reference: state.reference,
        revision: target,
        summary: summaryOf(state),
        transitions: state.transitions.slice(sentTransitions).map((t, i) => ({ ...t, seq: sentTransitions + i })),
        ...(recorded.revision === 0 ? { application: state.application } : {}),
      };
      let written: RecordedTimes | undefined;
      try {
        written = await recordWrite.recordDossierChanges(changes);
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        recorded.failing = true;
        log.warn('the dossier record could not be written; retrying', { reference: state.reference, revision: target });
        await sleep(pause);
        pause = Math.min(pause * 2, 60_000);
        continue;
      }
      pause = 5_000;
      recorded.failing = false;
      // Each transition's time is the one the record holds, read back from the history on replay
      // (histories written before the write answered any keep their own clock's).
      for (const [seq, at] of written?.times ?? []) {
        const transition = state.transitions[seq];
        if (transition && transition.at !== at) transition.at = at;
      }
      for (const t of changes.transitions) audit.transition(state.transitions[t.seq]!);
      sentTransitions += changes.transitions.length;
      recorded.revision = target;
      if (isTerminal(state.status) && recorded.revision === revision) return;
    }
  }

  /** The record as dossiers started before SLIM_HISTORY keep it: the whole state, by a regular activity, in the background. */
  async function keepRecordV1(): Promise<void> {
    for (;;) {
      await condition(() => revision !== recorded.revision);
      const target = revision;
      await records.recordDossier({ state, revision: target });
      recorded.revision = target;
      if (isTerminal(state.status) && recorded.revision === revision) return;
    }
  }

  /**
   * The dossier's timers as one durable loop over the earliest pending deadline: one timer at a
   * time, kept while that deadline stays where it is and replaced when the dossier or its calendar
   * moves it, so a timer always fires at the instant the current facts give it.
   */
  async function runClock(): Promise<void> {
    let armed: { at: number; fired: Promise<boolean>; cancel(): void } | undefined;
    while (!isTerminal(state.status)) {
      if (calendarChange !== undefined) {
        const cause = calendarChange;
        calendarChange = undefined;
        await refreshCalendar(cause);
        continue;
      }
      const next = nextDeadline();
      if (armed && armed.at !== next?.at) {
        armed.cancel();
        armed = undefined;
      }
      if (next && !armed) armed = timerAt(next.at);
      const seen = revision;
      const woken = condition(() => revision !== seen || calendarChange !== undefined || isTerminal(state.status)).then(() => false);
      if (await Promise.race(armed ? [armed.fired, woken] : [woken])) {
        armed = undefined;
        // Everything due by now, in order (two deadlines may share an instant).
        for (let due = nextDeadline(); due && due.at <= Date.now(); due = nextDeadline()) {
          due.fire();
          settle();
        }
      }
    }
    armed?.cancel();
  }

  /** A durable timer to `at` that resolves true when it fires and false when cancelled. */
  function timerAt(at: number): { at: number; fired: Promise<boolean>; cancel(): void } {
    const scope = new CancellationScope();
    const fired = scope
      .run(() => sleep(Math.max(1, at - Date.now())))
      .then(
        () => true,
        (err: unknown) => {
          if (isCancellation(err)) return false;
          throw err;
        },
      );
    return { at, fired, cancel: () => scope.cancel() };
  }

  /** The clock loop of dossiers started before SLIM_HISTORY: re-armed at every change. */
  async function runClockV1(): Promise<void> {
    while (!isTerminal(state.status)) {
      if (calendarChange !== undefined) {
        const cause = calendarChange;
        calendarChange = undefined;
        await refreshCalendar(cause);
        continue;
      }
      const next = nextDeadline();
      const seen = revision;
      const woken = () => revision !== seen || calendarChange !== undefined || isTerminal(state.status);
      if (!next) {
        await condition(woken);
      } else if (!(await condition(woken, Math.max(1, next.at - Date.now())))) {
        next.fire();
      }
    }
  }

  function nextDeadline(): { at: number; fire: () => void } | undefined {
    const candidates: { at: number; fire: () => void }[] = [];
    if (state.dueAt && CLOCK_RUNNING.has(state.status) && !state.paused) {
      const due = Date.parse(state.dueAt);
      if (!state.apology) {
        candidates.push({
          at: calendar().subtractWorkingTime(due, calendar().dayWork),
          fire: () => {
            state.apology = { requiredAt: now() };
            record('apology-required', SYSTEM, state.status, `no result one working day before the appointment ${localIso(due)}: apology and new appointment required (form 04)`, { to: state.dueAt! });
            revision++;
          },
        });
      }
      if (!state.late) {
        candidates.push({
          at: due,
          fire: () => {
            state.late = true;
            record('late', SYSTEM, state.status, `the appointment ${localIso(due)} has passed without a result`, { to: state.dueAt! });
            revision++;
            publishNow();
          },
        });
      }
    }
    if (state.status === 'AWAITING_SUPPLEMENT' && state.supplement) {
      const days = state.procedure.supplementLimitDays;
      candidates.push({
        at: Date.parse(state.supplement.requestedAt) + days * DAY_MS,
        fire: () => moveTo('STOPPED', 'time-limit', SYSTEM, `the citizen did not supplement the dossier within ${days} days`, { days }),
      });
    }
    if (state.status === 'AWAITING_PAYMENT' && state.paymentDue) {
      const payBy = Date.parse(state.paymentDue.dueAt);
      if (!state.paymentDue.remindedAt) {
        candidates.push({
          at: calendar().subtractWorkingTime(payBy, calendar().dayWork),
          fire: () => {
            state.paymentDue!.remindedAt = now();
            record('payment-reminder', SYSTEM, state.status, `the fee is due by ${localIso(payBy)}`, { to: state.paymentDue!.dueAt });
            revision++;
          },
        });
      }
      candidates.push({
        at: payBy,
        fire: () => moveTo('STOPPED', 'time-limit', SYSTEM, `the fee was not paid by ${localIso(payBy)}`, { to: state.paymentDue!.dueAt }),
      });
    }
    return candidates.sort((a, b) => a.at - b.at)[0];
  }

  /**
   * Asks the registries that have not answered again: after a pause that doubles each round, or at
   * once when an officer asks, until both have answered or the dossier is closed. Each round
   * replaces the unavailable findings with what the registries say now.
   */
  async function recheckVerification(schedule: RecheckSchedule): Promise<void> {
    let pause = schedule.firstAfterMs;
    const owed = state.verification.recheck!;
    while (owed.pending && !isTerminal(state.status)) {
      const asked = recheckAsked;
      await condition(() => recheckAsked !== asked || isTerminal(state.status), pause);
      if (isTerminal(state.status)) return;
      const v = state.verification;
      const [health, licence] = await Promise.all([
        isUnavailable(v.health) ? checkHealth(recheckRegistries) : Promise.resolve(v.health!),
        isUnavailable(v.licence) ? checkLicence(recheckRegistries) : Promise.resolve(v.licence!),
      ]);
      v.health = health;
      v.licence = licence;
      owed.rounds++;
      owed.lastAt = now();
      owed.pending = isUnavailable(health) || isUnavailable(licence);
      pause = Math.min(pause * 2, schedule.maxIntervalMs);
      if (owed.pending) owed.nextAt = new Date(Date.now() + pause).toISOString();
      else delete owed.nextAt;
      recheckRounds++;
      revision++;
      settle();
    }
  }

  async function checkHealth(via = registries): Promise<HealthFinding> {
    const { applicant, licence, healthCertificateId } = input.application;
    if (CLASSES_WITHOUT_HEALTH_CERTIFICATE.has(licence.class)) {
      return { outcome: 'not_required', issues: [], checkedAt: now() };
    }
    try {
      return await via.checkHealthCertificate({
        citizenId: applicant.citizenId,
        licenceClass: licence.class,
        healthCertificateId,
        at: now(),
      });
    } catch (err) {
      log.warn('health registry unavailable', { reference: state.reference });
      return { outcome: 'unavailable', issues: [], error: causeOf(err), checkedAt: now() };
    }
  }

  async function checkLicence(via = registries): Promise<LicenceFinding> {
    const { applicant, licence } = input.application;
    try {
      return await via.checkLicenceRecord({ citizenId: applicant.citizenId, licenceNumber: licence.number, at: now() });
    } catch (err) {
      log.warn('traffic-police registry unavailable', { reference: state.reference });
      return { outcome: 'unavailable', issues: [], flags: [], unresolvedViolations: [], error: causeOf(err), checkedAt: now() };
    }
  }
}

/** Turns an external service that stays down into a clean refusal of the action, leaving the dossier as it was. */
async function callService<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ActivityFailure) {
      throw ApplicationFailure.nonRetryable(`an external service did not answer: ${causeOf(err)}`, FAILURE.registryUnavailable);
    }
    throw err;
  }
}

function causeOf(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

function summarise(health: HealthFinding, licence: LicenceFinding): string {
  const parts = [`health: ${health.outcome}${health.issues.length ? ` (${health.issues.join(', ')})` : ''}`];
  parts.push(`licence: ${licence.outcome}${[...licence.issues, ...licence.flags].length ? ` (${[...licence.issues, ...licence.flags].join(', ')})` : ''}`);
  return parts.join('; ');
}
