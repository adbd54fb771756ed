import type { Actor } from './roles';

/**
 * The data scope of an account, read for dossiers (seed 003 art. 11.2e):
 * - `agency`: every dossier of its agency;
 * - `unit`: the dossiers any account of its unit has worked on — assigned to it, or with a
 *   transition it made (received, appraised, approved, …);
 * - `own` (the default): the same, for the account alone.
 * An account with `unit` scope but no unit sees as `own`. Integrators (API keys) and actors
 * without a scope see by agency only. The work queue is not filtered by it: it shows the work
 * that waits for the account's roles, which is how a dossier first reaches anyone (and such a
 * dossier may be opened: api/auth/scope.ts).
 */
export type ScopeFilter =
  | { kind: 'agency' }
  | { kind: 'own'; username: string }
  | { kind: 'unit'; agencyCode: string; unit: string };

export function scopeFilterOf(actor: Actor): ScopeFilter {
  if (!actor.scope || actor.scope === 'agency') return { kind: 'agency' };
  if (actor.scope === 'unit' && actor.unit) return { kind: 'unit', agencyCode: actor.agencyCode, unit: actor.unit };
  return { kind: 'own', username: actor.username };
}

/** Whether a dossier someone worked on is in scope, given the usernames the scope stands for. */
export function workedOnBy(
  dossier: { assignee?: string | null; transitions: readonly { actor: { username: string } }[] },
  usernames: ReadonlySet<string>,
): boolean {
  if (dossier.assignee && usernames.has(dossier.assignee)) return true;
  return dossier.transitions.some((t) => usernames.has(t.actor.username));
}
