import type { ActionName } from './actions';
import type { LegalClock } from './dossier-clock';
import type { Step } from './procedure';
import type { CalendarSnapshot } from './working-time';
import type { Application } from './application';
import type { DossierStatus } from './dossier-status';
import type { ProcedureVersion } from './procedure';
import type { Role } from './roles';
import type { VerificationFindings } from './verification';

/** One line of the processing-control slip (form 06). */
export interface Transition {
  at: string;
  actor: { username: string; role: Role | 'system' };
  /** Officers' actions, plus what the system does: verification and the clock's events. */
  action: ActionName | 'submit' | 'verify' | 'verified' | 'deadline-moved' | 'apology-required' | 'late' | 'payment-reminder' | 'time-limit';
  from: DossierStatus | null;
  to: DossierStatus;
  note?: string;
  /** What the note says, as data: people read the line in Vietnamese written from it (domain/messages.ts). */
  facts?: TransitionFacts;
}

/** The particulars of a transition, for writing its line in any language. */
export interface TransitionFacts {
  appraiser?: string;
  previousAppraiser?: string;
  items?: string[];
  reasons?: string[];
  trackingNumber?: string;
  method?: 'online' | 'counter';
  transactionRef?: string;
  /** Instants (ISO): an appointment moved from and to, or the one a reminder or lateness refers to (to). */
  from?: string;
  to?: string;
  days?: number;
  /** Why an appointment moved: the holiday table changed, a supplement paused the clock, the leader rescheduled, the receipt set it. */
  cause?: 'calendar' | 'supplement' | 'reschedule' | 'receipt';
  /** The leader's reason for a new appointment. */
  reason?: string;
  /** A receipt recorded later from paper: when the dossier was really received (ISO). */
  onPaperAt?: string;
}

export interface SupplementRequest {
  stage: 'intake' | 'appraisal';
  items: { name: string; reason: string }[];
  requestedAt: string;
  requestedBy: string;
  /** Where the dossier goes back to once the citizen has supplied everything. */
  returnTo: DossierStatus;
  completedAt?: string;
  documents?: { name: string; reference: string }[];
}

export interface DossierState {
  reference: string;
  agencyCode: string;
  status: DossierStatus;
  code?: string;
  procedure: ProcedureVersion;
  application: Application;
  submittedAt: string;
  /** The legal receipt time (NgayTiepNhan): the start of the legal clock. */
  receivedAt?: string;
  verification: VerificationFindings;
  assignee?: string;
  supplement?: SupplementRequest;
  appraisal?: { outcome: 'pass' | 'supplement' | 'refuse'; note?: string; by: string; at: string };
  approval?: { by: string; at: string; note?: string };
  refusal?: { reasons: string[]; by: string; at: string; stage: 'intake' | 'appraisal' };
  withdrawal?: { reason: string; at: string };
  feeNotice?: { amount: number; orderId: string; paymentUrl: string; issuedAt: string };
  payment?: { amount: number; method: 'online' | 'counter'; transactionRef: string; at: string; recordedBy: string };
  shipment?: {
    trackingNumber: string;
    address: string;
    createdAt: string;
    deliveredAt?: string;
    failedAttempts: { at: string; note?: string }[];
  };
  handedOverAt?: string;
  closedAt?: string;
  /** The calendar snapshot the deadlines were computed with (from an activity, so it is in the history). */
  calendar?: CalendarSnapshot;
  clock?: LegalClock;
  /** The appointment time (form 01); absent before receipt, kept (frozen) during a supplement pause. */
  dueAt?: string;
  paused: boolean;
  /** Derived: the clock ran past dueAt without a result (trễ hạn). */
  late: boolean;
  /** Set one working day before dueAt when no result is ready (form 04). */
  apology?: { requiredAt: string; reschedule?: { by: string; at: string; reason: string; from: string; to: string } };
  /** One line per step of the processing-control slip (form 06). */
  steps: { step: Step; startedAt: string; dueAt: string; completedAt?: string; outcome?: 'early' | 'on_time' | 'late' }[];
  paymentDue?: { dueAt: string; remindedAt?: string };
  /** When processing ended (a result ready, or refused, stopped, withdrawn) and whether that was on time. */
  processingEnded?: { at: string; onTime: boolean; workingDays?: number };
  transitions: Transition[];
}

/**
 * The dossier less what the record keeps elsewhere: the application (stored at submission), the
 * transitions (one row each) and the calendar snapshot (the same for every dossier, and in the
 * history). What the workflow writes to the record at each change, and what the record's `state`
 * column holds.
 */
export type DossierSummary = Omit<DossierState, 'application' | 'calendar' | 'transitions'>;

/** One write of the record: what changed since the last one. */
export interface RecordChanges {
  reference: string;
  /** The workflow's count of changes this write brings the record up to: an older one never wins. */
  revision: number;
  summary: DossierSummary;
  /** The transitions appended since the last write, with their place in the slip. */
  transitions: (Transition & { seq: number })[];
  /** On the first write only: what a dossier row needs if the submission left none (direct starts). */
  application?: Application;
}

/**
 * What a write of the record answers: the time of each transition it holds. Recorded in the
 * history with the write (a local activity's marker), so a replay takes each transition's time from
 * what was written, never from its own clock: a workflow task carried over from a timed-out attempt
 * runs under that attempt's clock, which the history does not keep.
 */
export interface RecordedTimes {
  times: [seq: number, at: string][];
}

/** What an action answers: how far the dossier has come, and whether the record already shows it. */
export interface ActionResult {
  revision: number;
  recorded: boolean;
}

export function summaryOf(state: DossierState): DossierSummary {
  const { application: _application, calendar: _calendar, transitions: _transitions, ...summary } = state;
  return summary;
}

/** A dossier as it is submitted, before its workflow's first step: what the workflow starts from, and what a read shows until then. */
export function submittedDossier(input: { reference: string; application: Application; submittedAt: string; procedure: ProcedureVersion }): DossierState {
  return {
    reference: input.reference,
    agencyCode: input.application.agencyCode,
    status: 'SUBMITTED',
    procedure: input.procedure,
    application: input.application,
    submittedAt: input.submittedAt,
    verification: {},
    paused: false,
    late: false,
    steps: [],
    transitions: [],
  };
}
