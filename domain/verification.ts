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
}
