import { z } from 'zod';
import { transitionTextVi } from '../domain/messages';
import { FINDING_CODES, findingsOf } from '../domain/verification-findings';
import { FORM_CODES, FORM_TITLES, unavailableReason } from '../documents';
import { ACTION_NAMES } from '../domain/actions';
import { AGENCY_CODE, applicantSchema, licenceSchema } from '../domain/application';
import { DOSSIER_CODE_PATTERN } from '../domain/dossier-code';
import type { DossierState } from '../domain/dossier-state';
import {
  apologySchema,
  appraisalSchema,
  approvalSchema,
  instant,
  procedureVersionSchema,
  processingEndedSchema,
  refusalSchema,
  shipmentSchema,
  stepRecordSchema,
  supplementRequestSchema,
  transitionSchema,
  verificationFindingsSchema,
  withdrawalSchema,
} from '../domain/dossier-state-schema';
import { DOSSIER_STATUSES, PORTAL_STATUS } from '../domain/dossier-status';
import { ROLES_SEEING_PERSONAL_DATA, type Actor } from '../domain/roles';
import { availableActions } from '../domain/state-machine';
import { CLOCK_RUNNING, remainingOf } from '../domain/dossier-clock';
import { isLate } from '../domain/lateness';
import { MINUTE_MS, WorkingCalendar, localIso, type CalendarSnapshot } from '../domain/working-time';
import { mask } from '../domain/masking';

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

/** Working minutes left on the legal clock now (negative when late), or null when it does not run: one rule for every view. */
export function remainingWorkingMinutesOf(state: DossierState, now: number): number | null {
  if (!state.clock || !state.calendar || !state.dueAt) return null;
  if (!CLOCK_RUNNING.has(state.status) && !state.paused) return null;
  return Math.round(remainingOf(calendarFor(state.calendar), state.clock, now) / MINUTE_MS);
}

/** Where the legal clock stands now: the workflow's timers set `late`, this also shows it between timer firings. */
function clockView(state: DossierState, now: number) {
  if (!state.dueAt) return { dueAt: null, dueAtLocal: null, remainingWorkingMinutes: null, late: state.late, paused: state.paused };
  // A closed dossier keeps its appointment on its page, as on the citizen's: only the time left is gone.
  return {
    dueAt: state.dueAt,
    dueAtLocal: localIso(Date.parse(state.dueAt)),
    remainingWorkingMinutes: remainingWorkingMinutesOf(state, now),
    late: isLate(state, now),
    paused: state.paused,
  };
}

/** The applicant as roles without access to personal data see it: enough to recognise, not to reuse. */
const maskedApplicantSchema = z.object({
  fullName: z.string(),
  dateOfBirth: z.string().regex(/^\d{4}-\*\*-\*\*$/).describe('the year only: YYYY-**-**'),
  citizenId: z.string().regex(/^\*+\d{4}$/).describe('the last four digits'),
  phone: z.string().describe('the first three and last three digits'),
  email: z.string().describe('the first letter and the domain'),
  address: z.string().describe('the last part (the province) only'),
});

/** Local time of Vietnam (+07:00), as the citizen's papers print it. */
const localInstant = z.iso.datetime({ offset: true }).describe('Vietnam local time');

/** The dossier as the API shows it: one schema for the handlers, the response validation and the OpenAPI document. */
export const dossierViewSchema = z.object({
  reference: z.string().describe('the submission reference (SUB-…)'),
  code: z.string().regex(DOSSIER_CODE_PATTERN).nullable().describe('the dossier code, issued at receipt'),
  externalRef: z.string().nullable(),
  agencyCode: AGENCY_CODE,
  status: z.enum(DOSSIER_STATUSES),
  portalStatus: z.number().int().describe('the National Public Service Portal status (TrangThaiHoSo)'),
  procedure: procedureVersionSchema,
  submittedAt: instant,
  receivedAt: instant.nullable(),
  closedAt: instant.nullable(),
  dueAt: instant.nullable().describe('the appointment for the result'),
  dueAtLocal: localInstant.nullable(),
  remainingWorkingMinutes: z.number().int().nullable().describe('working minutes left on the legal clock (negative when late); null when it does not run'),
  late: z.boolean(),
  paused: z.boolean().describe('waiting for the citizen to supplement: the clock is stopped'),
  apology: apologySchema.nullable(),
  steps: z.array(stepRecordSchema),
  processingEnded: processingEndedSchema.nullable(),
  calendarVersion: z.string().nullable(),
  personalDataMasked: z.boolean().describe('the caller’s roles see personal data masked'),
  applicant: z.union([applicantSchema, maskedApplicantSchema]).describe('masked when personalDataMasked'),
  licence: licenceSchema,
  healthCertificateId: z.string().nullable().describe('masked (last four characters) when personalDataMasked'),
  delivery: z.object({ method: z.enum(['post', 'counter']), address: z.string().nullable() }),
  verification: verificationFindingsSchema,
  assignee: z.string().nullable(),
  supplement: supplementRequestSchema.nullable(),
  appraisal: appraisalSchema.nullable(),
  approval: approvalSchema.nullable(),
  refusal: refusalSchema.nullable(),
  withdrawal: withdrawalSchema.nullable(),
  payment: z.object({
    status: z.enum(['paid', 'due', 'not_due']),
    amount: z.number().int().describe('VND'),
    orderId: z.string().nullable(),
    paymentUrl: z.string().nullable(),
    method: z.enum(['online', 'counter']).nullable(),
    transactionRef: z.string().nullable(),
    paidAt: instant.nullable(),
    dueAt: instant.nullable(),
    remindedAt: instant.nullable(),
  }),
  shipment: shipmentSchema.nullable(),
  handedOverAt: instant.nullable(),
  transitions: z.array(transitionSchema.extend({ textVi: z.string().describe('the line as people read it, in Vietnamese, written from its facts') })),
  findings: z.array(z.enum(FINDING_CODES)).describe('what the registries found, most serious first (domain/verification-findings.ts)'),
  availableActions: z.array(z.enum(ACTION_NAMES)).describe('what the caller may do next'),
  documents: z.array(z.object({ form: z.enum(FORM_CODES), title: z.string(), unavailable: z.string().nullable().describe('why the form does not apply yet, in Vietnamese for the officer') })),
});
export type DossierView = z.infer<typeof dossierViewSchema>;

/** The dossier as the API shows it to this caller. */
export function dossierView(state: DossierState, actor: Actor, now = Date.now()): DossierView {
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
    transitions: state.transitions.map((t) => ({ ...t, textVi: transitionTextVi(t) })),
    findings: findingsOf(state.verification),
    availableActions: availableActions(state, actor),
    documents: FORM_CODES.map((form) => ({ form, title: FORM_TITLES[form], unavailable: unavailableReason(form, state)?.vi ?? null })),
  };
}
