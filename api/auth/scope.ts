import type { Actor } from '../../domain/roles';
import { HttpError } from '../errors';

/** Whether the actor's data scope covers an agency ('*' is the national portal's key). */
export const coversAgency = (actor: Actor, agencyCode: string) => actor.agencyCode === '*' || actor.agencyCode === agencyCode;

/**
 * The agencies a listing may read: the one asked for if the actor's scope covers it (403 if not),
 * the actor's own otherwise, or every agency (undefined) for a national actor asking for none.
 */
export function agenciesInScope(actor: Actor, requested: string | undefined): string[] | undefined {
  if (requested && !coversAgency(actor, requested)) {
    throw new HttpError(403, 'FORBIDDEN', `agency: your scope is agency ${actor.agencyCode}`, 'agency');
  }
  if (actor.agencyCode === '*') return requested ? [requested] : undefined;
  return [actor.agencyCode];
}
