import type { HealthFinding, HealthIssue, LicenceFinding, LicenceIssue } from '../../domain/verification';
import type { HealthCertificate } from './health-registry';
import type { LicenceRecord, ViolationDecisionRecord } from './police-registry';

/**
 * What the registries' answers mean for a renewal (SPEC 2, "Verify"). Pure, so the rules are
 * tested without HTTP and the activity stays a thin call-then-judge.
 */

/** Vietnam is UTC+7 all year, and a certificate is valid through the whole of its last local day. */
const vietnamDate = (at: Date) => new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

export function healthFinding(input: {
  certificates: HealthCertificate[];
  licenceClass: string;
  healthCertificateId?: string;
  at: Date;
}): HealthFinding {
  const checkedAt = input.at.toISOString();
  // The certificate the applicant named, if the registry has it; otherwise the newest, since a
  // citizen who had a second check-up means the later conclusion to count.
  const chosen =
    input.certificates.find((c) => input.healthCertificateId !== undefined && c.id === input.healthCertificateId) ??
    [...input.certificates].sort((a, b) => b.signedOn.localeCompare(a.signedOn))[0];
  if (!chosen) return { outcome: 'problem', issues: ['NO_CERTIFICATE'], checkedAt };

  const issues: HealthIssue[] = [];
  if (chosen.validUntil < vietnamDate(input.at)) issues.push('CERTIFICATE_EXPIRED');
  if (chosen.conclusion !== 'fit') issues.push('UNFIT');
  if (chosen.drugTest !== 'negative') issues.push('DRUG_TEST_POSITIVE');
  if (!chosen.classes.includes(input.licenceClass)) issues.push('CLASS_NOT_COVERED');
  const { id, conclusion, classes, signedOn, validUntil, drugTest } = chosen;
  return {
    outcome: issues.length > 0 ? 'problem' : 'clear',
    issues,
    certificate: { id, conclusion, classes: [...classes], signedOn, validUntil, drugTest },
    checkedAt,
  };
}

/** Problems block nothing by themselves (the officer decides); zero points is only reported. */
export function licenceFinding(input: {
  licence: LicenceRecord | null;
  violations: ViolationDecisionRecord[];
  at: Date;
}): LicenceFinding {
  const { licence } = input;
  const unresolvedViolations = input.violations
    .filter((v) => !v.resolved)
    .map(({ decisionNumber, decidedOn, description }) => ({ decisionNumber, decidedOn, description }));

  const issues: LicenceIssue[] = [];
  if (!licence) issues.push('LICENCE_NOT_FOUND');
  else if (licence.status === 'revoked') issues.push('REVOKED');
  else if (licence.status === 'suspended') issues.push('SUSPENDED');
  if (unresolvedViolations.length > 0) issues.push('UNRESOLVED_VIOLATION');
  const flags: LicenceFinding['flags'] = licence && licence.points <= 0 ? ['ZERO_POINTS'] : [];

  return {
    outcome: issues.length > 0 ? 'problem' : flags.length > 0 ? 'flagged' : 'clear',
    issues,
    flags,
    ...(licence ? { licence: { number: licence.number, class: licence.class, status: licence.status, points: licence.points } } : {}),
    unresolvedViolations,
    checkedAt: input.at.toISOString(),
  };
}
