/**
 * The fixture rule every simulated registry follows: the citizen ID's last four digits pick the case,
 * so a demo or a test chooses an outcome just by the ID it submits. Any other ID is clean.
 */
export const FIXTURE_CASES = {
  noCertificate: '9001',
  certificateExpired: '9002',
  unfit: '9003',
  unresolvedViolation: '9004',
  revoked: '9005',
  zeroPoints: '9006',
  licenceNotFound: '9007',
} as const;

export type FixtureCase = keyof typeof FIXTURE_CASES | 'clean';

export function fixtureCaseOf(citizenId: string): FixtureCase {
  const suffix = citizenId.slice(-4);
  const found = (Object.keys(FIXTURE_CASES) as (keyof typeof FIXTURE_CASES)[]).find((k) => FIXTURE_CASES[k] === suffix);
  return found ?? 'clean';
}

/**
 * A calendar date relative to today (UTC). Dates move with the clock, not fixed, so a clean
 * certificate stays valid and an expired one stays expired whenever the simulators run.
 */
export function daysFromToday(offsetDays: number, now: Date = new Date()): string {
  return new Date(now.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
