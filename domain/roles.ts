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

/** The roles a staff account may hold (several at once); `integrator` belongs to API keys only. */
export const STAFF_ROLES = ['one_stop_officer', 'appraiser', 'leader', 'accountant', 'supervisor', 'auditor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Which dossiers an account sees when it searches or looks one up (seed 003 art. 11.2e): its whole
 * agency, those its unit worked on, or only those it worked on itself (the default).
 */
export const DATA_SCOPES = ['agency', 'unit', 'own'] as const;
export type DataScope = (typeof DATA_SCOPES)[number];

/** Level 1 (national) manages agencies and level-2 admins; level 2 manages the accounts of its own agency. */
export type AdminLevel = 1 | 2;

/**
 * Who is acting: carried into every workflow Update so the workflow itself enforces the rules.
 * The workflow reads only `username`, `roles` and `agencyCode` (`'*'`: every agency — the national
 * portal's key, a level-1 admin); the optional fields serve the API's own checks and are stripped
 * before an Update (see `workflowActor`).
 */
export interface Actor {
  username: string;
  roles: Role[];
  agencyCode: string;
  /** An API key scoped to several agencies: every one it covers (`agencyCode` is then the first). */
  agencyCodes?: readonly string[];
  /** Staff accounts: the data scope, the unit (if any) and the admin level (if any). */
  scope?: DataScope;
  unit?: string | null;
  adminLevel?: AdminLevel;
}

/** What the workflow is told about the actor: nothing more than it uses. */
export const workflowActor = (actor: Actor, agencyCode = actor.agencyCode): Actor => ({
  username: actor.username,
  roles: actor.roles,
  agencyCode,
});

/** Roles whose work needs the applicant's personal data unmasked (SPEC 6). */
export const ROLES_SEEING_PERSONAL_DATA: ReadonlySet<Role> = new Set([
  'one_stop_officer',
  'appraiser',
  'leader',
  'integrator',
]);
