/**
 * The lifecycle states of SPEC section 2 and the National Public Service Portal status
 * (`TrangThaiHoSo`) each one is reported as.
 */
export const DOSSIER_STATUSES = [
  'SUBMITTED',
  'VERIFYING',
  'AWAITING_RECEIPT',
  'AWAITING_SUPPLEMENT',
  'RECEIVED',
  'IN_APPRAISAL',
  'AWAITING_APPROVAL',
  'AWAITING_PAYMENT',
  'RESULT_READY',
  'SHIPPED',
  'DELIVERED',
  'REFUSED_AT_INTAKE',
  'WITHDRAWN',
  'STOPPED',
] as const;

export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

export const PORTAL_STATUS: Record<DossierStatus, number> = {
  SUBMITTED: 1,
  VERIFYING: 1,
  AWAITING_RECEIPT: 1,
  RECEIVED: 2,
  REFUSED_AT_INTAKE: 3,
  IN_APPRAISAL: 4,
  AWAITING_APPROVAL: 4,
  AWAITING_SUPPLEMENT: 5,
  AWAITING_PAYMENT: 6,
  WITHDRAWN: 7,
  STOPPED: 8,
  RESULT_READY: 9,
  SHIPPED: 9,
  DELIVERED: 10,
};

export const TERMINAL_STATUSES: ReadonlySet<DossierStatus> = new Set([
  'DELIVERED',
  'REFUSED_AT_INTAKE',
  'WITHDRAWN',
  'STOPPED',
]);

export function isTerminal(status: DossierStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
