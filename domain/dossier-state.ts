import type { ActionName } from './actions';
import type { Application } from './application';
import type { DossierStatus } from './dossier-status';
import type { ProcedureVersion } from './procedure';
import type { Role } from './roles';
import type { VerificationFindings } from './verification';

/** One line of the processing-control slip (form 06). */
export interface Transition {
  at: string;
  actor: { username: string; role: Role | 'system' };
  action: ActionName | 'submit' | 'verify' | 'verified';
  from: DossierStatus | null;
  to: DossierStatus;
  note?: string;
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
  transitions: Transition[];
}
