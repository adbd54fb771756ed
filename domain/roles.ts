export const ROLES = [
  'one_stop_officer',
  'appraiser',
  'leader',
  'accountant',
  'supervisor',
  'auditor',
  'admin',
  'integrator',
] as const;

export type Role = (typeof ROLES)[number];

/** Who is acting: carried into every workflow Update so the workflow itself enforces the rules. */
export interface Actor {
  username: string;
  roles: Role[];
  agencyCode: string;
}

/** Roles whose work needs the applicant's personal data unmasked (SPEC 6). */
export const ROLES_SEEING_PERSONAL_DATA: ReadonlySet<Role> = new Set([
  'one_stop_officer',
  'appraiser',
  'leader',
  'integrator',
]);
