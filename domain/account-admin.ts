import type { AdminLevel } from './roles';

/**
 * Who may manage which account (SPEC 1, 6): a level-1 (national) admin manages agencies and every
 * account, level-2 admins included; a level-2 admin manages the accounts of its own agency that
 * are not admins. Checked against an account as it is and as it would become, so a level-2 admin
 * can neither move an account out of its agency nor make anyone an admin.
 */
export interface AccountShape {
  agencyCode: string;
  adminLevel?: AdminLevel | null;
}

export interface Administrator {
  adminLevel: AdminLevel;
  /** The admin's own agency (a level-2 admin's whole remit). */
  agencyCode: string;
}

/** Why `admin` may not manage `target`, or undefined when it may. */
export function manageRefusal(admin: Administrator, target: AccountShape): string | undefined {
  if (admin.adminLevel === 1) return undefined;
  if (target.agencyCode !== admin.agencyCode) {
    return `a level-2 admin manages the accounts of its own agency (${admin.agencyCode}) only, not of ${target.agencyCode}`;
  }
  if (target.adminLevel) return 'admin accounts are managed by a level-1 admin';
  return undefined;
}

/** Why `admin` may not manage API keys scoped to `agencyCodes` ('*' = every agency), or undefined. */
export function apiKeyRefusal(admin: Administrator, agencyCodes: readonly string[]): string | undefined {
  if (admin.adminLevel === 1) return undefined;
  if (agencyCodes.length === 1 && agencyCodes[0] === admin.agencyCode) return undefined;
  return `a level-2 admin manages keys scoped to its own agency (${admin.agencyCode}) only`;
}
