/**
 * What the external registries told us at verification. A failed check never ends a dossier by
 * itself (SPEC 2): the findings are shown to the one-stop officer, who decides.
 */

export type HealthIssue = 'NO_CERTIFICATE' | 'CERTIFICATE_EXPIRED' | 'UNFIT' | 'DRUG_TEST_POSITIVE' | 'CLASS_NOT_COVERED';

export interface HealthFinding {
  outcome: 'clear' | 'not_required' | 'problem' | 'unavailable';
  issues: HealthIssue[];
  certificate?: {
    id: string;
    conclusion: 'fit' | 'unfit';
    classes: string[];
    signedOn: string;
    validUntil: string;
    drugTest: 'negative' | 'positive';
  };
  /** Why the registry could not be asked, when outcome is 'unavailable'. */
  error?: string;
  checkedAt: string;
}

export type LicenceIssue = 'LICENCE_NOT_FOUND' | 'REVOKED' | 'SUSPENDED' | 'UNRESOLVED_VIOLATION';
export type LicenceFlag = 'ZERO_POINTS';

export interface ViolationDecision {
  decisionNumber: string;
  decidedOn: string;
  description: string;
}

export interface LicenceFinding {
  outcome: 'clear' | 'flagged' | 'problem' | 'unavailable';
  issues: LicenceIssue[];
  /** Reported to the officer without blocking (SPEC 2: points at 0). */
  flags: LicenceFlag[];
  licence?: { number: string; class: string; status: 'valid' | 'revoked' | 'suspended'; points: number };
  unresolvedViolations: ViolationDecision[];
  error?: string;
  checkedAt: string;
}

export interface VerificationFindings {
  health?: HealthFinding;
  licence?: LicenceFinding;
  completedAt?: string;
  /** Set when a registry could not be asked (dossiers started before re-checking never have it). */
  recheck?: VerificationRecheck;
}

/**
 * A check that found a registry unavailable is not a check done: it is tried again in the
 * background, with a growing pause, until both registries have answered; the officer may ask for
 * it at once (`recheck-verification`), and approval waits for it (SPEC 2: the leader decides on
 * the findings, so they must exist).
 */
export interface VerificationRecheck {
  /** A registry has still not answered. */
  pending: boolean;
  /** Re-checks made so far. */
  rounds: number;
  /** When the background re-check runs next, while pending. */
  nextAt?: string;
  /** When the last re-check ran. */
  lastAt?: string;
}

/** How often the background re-check runs: after `firstAfterMs`, then twice as long each time, up to `maxIntervalMs`. */
export interface RecheckSchedule {
  firstAfterMs: number;
  maxIntervalMs: number;
}
export const DEFAULT_RECHECK_SCHEDULE: RecheckSchedule = { firstAfterMs: 60_000, maxIntervalMs: 30 * 60_000 };

export const isUnavailable = (f: { outcome: string } | undefined) => f?.outcome === 'unavailable';

/** Whether a registry check is still owed to this dossier. */
export const verificationPending = (v: VerificationFindings) => v.recheck?.pending === true;
