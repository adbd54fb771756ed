import { FORM_CODES, FORM_TITLES, unavailableReason } from '../documents';
import type { DossierState } from '../domain/dossier-state';
import { PORTAL_STATUS } from '../domain/dossier-status';
import { ROLES_SEEING_PERSONAL_DATA, type Actor } from '../domain/roles';
import { availableActions } from '../domain/state-machine';
import { CLOCK_RUNNING, remainingOf } from '../domain/dossier-clock';
import { MINUTE_MS, WorkingCalendar, localIso, type CalendarSnapshot } from '../domain/working-time';

/** Masks keep enough to recognise a record on the phone, not enough to reuse it. */
const mask = {
  citizenId: (v: string) => `${'*'.repeat(v.length - 4)}${v.slice(-4)}`,
  /** Any identifier: its last four characters. */
  identifier: (v: string) => `${'*'.repeat(Math.max(0, v.length - 4))}${v.slice(-4)}`,
  phone: (v: string) => `${v.slice(0, 3)}****${v.slice(-3)}`,
  email: (v: string) => v.replace(/^(.).*(@.*)$/, '$1***$2'),
  address: (v: string) => `*** ${v.split(',').pop()?.trim() ?? ''}`.trim(),
  dateOfBirth: (v: string) => `${v.slice(0, 4)}-**-**`,
};

export const maskCitizenId = mask.citizenId;
export const maskAddress = mask.address;

export function canSeePersonalData(actor: Actor): boolean {
  return actor.roles.some((r) => ROLES_SEEING_PERSONAL_DATA.has(r));
}

/** Compiled calendars by version: every dossier queried carries its own copy of the same snapshot. */
const compiled = new Map<string, WorkingCalendar>();
function calendarFor(snapshot: CalendarSnapshot): WorkingCalendar {
  const key = `${snapshot.version}|${JSON.stringify(snapshot.officeHours)}`;
  let cal = compiled.get(key);
  if (!cal) {
    if (compiled.size >= 64) compiled.delete(compiled.keys().next().value!);
    cal = new WorkingCalendar(snapshot);
    compiled.set(key, cal);
  }
  return cal;
}

/** Where the legal clock stands now: the workflow's timers set `late`, this also shows it between timer firings. */
function clockView(state: DossierState, now: number) {
  if (!state.clock || !state.calendar || !state.dueAt) {
    return { dueAt: null, dueAtLocal: null, remainingWorkingMinutes: null, late: state.late, paused: state.paused };
  }
  const running = CLOCK_RUNNING.has(state.status);
  const remaining = running || state.paused ? remainingOf(calendarFor(state.calendar), state.clock, now) / MINUTE_MS : null;
  return {
    dueAt: state.dueAt,
    dueAtLocal: localIso(Date.parse(state.dueAt)),
    remainingWorkingMinutes: remaining === null ? null : Math.round(remaining),
    late: state.late || (running && now > Date.parse(state.dueAt)),
    paused: state.paused,
  };
}

/** The dossier as the API shows it to this caller. */
export function dossierView(state: DossierState, actor: Actor, now = Date.now()) {
  const open = canSeePersonalData(actor);
  const { applicant, licence, delivery, healthCertificateId, externalRef } = state.application;
  const address = (a: string | undefined) => (a === undefined ? undefined : open ? a : mask.address(a));
  return {
    reference: state.reference,
    code: state.code ?? null,
    externalRef: externalRef ?? null,
    agencyCode: state.agencyCode,
    status: state.status,
    portalStatus: PORTAL_STATUS[state.status],
    procedure: state.procedure,
    submittedAt: state.submittedAt,
    receivedAt: state.receivedAt ?? null,
    closedAt: state.closedAt ?? null,
    ...clockView(state, now),
    apology: state.apology ?? null,
    steps: state.steps,
    processingEnded: state.processingEnded ?? null,
    calendarVersion: state.calendar?.version ?? null,
    personalDataMasked: !open,
    applicant: open
      ? applicant
      : {
          fullName: applicant.fullName,
          dateOfBirth: mask.dateOfBirth(applicant.dateOfBirth),
          citizenId: mask.citizenId(applicant.citizenId),
          phone: mask.phone(applicant.phone),
          email: mask.email(applicant.email),
          address: mask.address(applicant.address),
        },
    licence,
    // Certificate numbers often embed the citizen ID (GKSK-<citizen ID>): masked alike.
    healthCertificateId: healthCertificateId === undefined ? null : open ? healthCertificateId : mask.identifier(healthCertificateId),
    delivery: { method: delivery.method, address: address(delivery.address) ?? null },
    verification: state.verification,
    assignee: state.assignee ?? null,
    supplement: state.supplement ?? null,
    appraisal: state.appraisal ?? null,
    approval: state.approval ?? null,
    refusal: state.refusal ?? null,
    withdrawal: state.withdrawal ?? null,
    payment: {
      status: state.payment ? 'paid' : state.feeNotice ? 'due' : 'not_due',
      amount: state.feeNotice?.amount ?? state.procedure.feeVnd,
      orderId: state.feeNotice?.orderId ?? null,
      paymentUrl: state.feeNotice?.paymentUrl ?? null,
      method: state.payment?.method ?? null,
      transactionRef: state.payment?.transactionRef ?? null,
      paidAt: state.payment?.at ?? null,
      dueAt: state.paymentDue?.dueAt ?? null,
      remindedAt: state.paymentDue?.remindedAt ?? null,
    },
    shipment: state.shipment ? { ...state.shipment, address: address(state.shipment.address)! } : null,
    handedOverAt: state.handedOverAt ?? null,
    transitions: state.transitions,
    availableActions: availableActions(state, actor),
    documents: FORM_CODES.map((form) => ({ form, title: FORM_TITLES[form], unavailable: unavailableReason(form, state) ?? null })),
  };
}
