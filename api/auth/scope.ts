import type { DossierState } from '../../domain/dossier-state';
import { scopeFilterOf, workedOnBy } from '../../domain/data-scope';
import type { Actor } from '../../domain/roles';
import { offeredActions } from '../../domain/work-queue';
import { HttpError } from '../errors';
import type { AccountDirectory } from './accounts';

/** Whether the actor's agency scope covers an agency ('*': the national portal's key, a level-1 admin). */
export const coversAgency = (actor: Actor, agencyCode: string) =>
  actor.agencyCode === '*' || (actor.agencyCodes ? actor.agencyCodes.includes(agencyCode) : actor.agencyCode === agencyCode);

/**
 * The agencies a listing may read: the one asked for if the actor's scope covers it (403 if not),
 * the actor's own otherwise, or every agency (undefined) for a national actor asking for none.
 */
export function agenciesInScope(actor: Actor, requested: string | undefined): string[] | undefined {
  if (requested && !coversAgency(actor, requested)) {
    throw new HttpError(403, 'FORBIDDEN', `agency: your scope is agency ${actor.agencyCodes?.join(', ') ?? actor.agencyCode}`, 'agency');
  }
  if (actor.agencyCode === '*') return requested ? [requested] : undefined;
  if (requested) return [requested];
  return actor.agencyCodes ? [...actor.agencyCodes] : [actor.agencyCode];
}

/**
 * Whether one dossier is within the actor's data scope (domain/data-scope.ts): its agency first,
 * then, for `own` and `unit` scopes, whether the account or its unit worked on it — or whether it
 * waits for the account now (it is in its work queue, so it may be opened to be acted on).
 */
export async function dossierInScope(accounts: AccountDirectory, actor: Actor, state: DossierState): Promise<boolean> {
  if (!coversAgency(actor, state.agencyCode)) return false;
  const scope = scopeFilterOf(actor);
  if (scope.kind === 'agency') return true;
  if (offeredActions(state, actor).length > 0) return true;
  const usernames = scope.kind === 'own' ? [scope.username] : await accounts.unitMembers(scope.agencyCode, scope.unit);
  return workedOnBy(state, new Set(usernames));
}
