import type { HealthFinding, HealthIssue, LicenceFinding, LicenceIssue } from '../../domain/verification';
import type { HealthCertificate } from './health-registry';
import type { LicenceRecord, ViolationDecisionRecord } from './police-registry';

/** Vietnam is UTC+7 all year: a certificate is valid through its last local day. */
const localDate = (at: Date) => new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

/** What the health registry's answer means for this renewal (SPEC 2, "Verify"). */
export function healthFinding(input: {
  certificates: HealthCertificate[];
  licenceClass: string;
  healthCertificateId?: string;
  at: Date;
}): HealthFinding {
  const checkedAt = input.at.toISOString();
  const chosen =
    input.certificates.find((c) => c.id === input.healthCertificateId) ??
    [...input.certificates].sort((a, b) => b.signedOn.localeCompare(a.signedOn))[0];
  if (!chosen) return { outcome: 'problem', issues: ['NO_CERTIFICATE'], checkedAt };
  const issues: HealthIssue[] = [];
  if (chosen.validUntil < localDate(input.at)) issues.push('CERTIFICATE_EXPIRED');
  if (chosen.conclusion !== 'fit') issues.push('UNFIT');
  if (chosen.drugTest !== 'negative') issues.push('DRUG_TEST_POSITIVE');
  if (!chosen.classes.includes(input.licenceClass)) issues.push('CLASS_NOT_COVERED');
  const { citizenId: _, ...certificate } = chosen;
  return { outcome: issues.length ? 'problem' : 'clear', issues, certificate, checkedAt };
}

/** What the traffic police's answer means: problems block nothing, the officer decides; zero points is a flag. */
export function licenceFinding(input: {
  licence: LicenceRecord | null;
  violations: ViolationDecisionRecord[];
  at: Date;
}): LicenceFinding {
  const checkedAt = input.at.toISOString();
  const unresolvedViolations = input.violations
    .filter((v) => !v.resolved)
    .map(({ decisionNumber, decidedOn, description }) => ({ decisionNumber, decidedOn, description }));
  const issues: LicenceIssue[] = [];
  if (!input.licence) issues.push('LICENCE_NOT_FOUND');
  if (input.licence?.status === 'revoked') issues.push('REVOKED');
  if (input.licence?.status === 'suspended') issues.push('SUSPENDED');
  if (unresolvedViolations.length) issues.push('UNRESOLVED_VIOLATION');
  const flags: LicenceFinding['flags'] = input.licence && input.licence.points <= 0 ? ['ZERO_POINTS'] : [];
  const licence = input.licence
    ? { number: input.licence.number, class: input.licence.class, status: input.licence.status, points: input.licence.points }
    : undefined;
  return {
    outcome: issues.length ? 'problem' : flags.length ? 'flagged' : 'clear',
    issues,
    flags,
    ...(licence ? { licence } : {}),
    unresolvedViolations,
    checkedAt,
  };
}
