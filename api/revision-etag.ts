import { z } from 'zod';
import { HttpError } from './errors';

/**
 * Optimistic concurrency the HTTP way (RFC 9110 §13.1.1): GET /dossiers/{id} tags the dossier with
 * its revision, and an action sent with `If-Match` applies only while the dossier is still at that
 * revision, so of two leaders deciding on the same reading the second is told 412, not overridden.
 */

export const etagOf = (revision: number) => `"${revision}"`;

export const ifMatchHeader = z
  .string()
  .max(512)
  .optional()
  .describe('The ETag of the dossier as the caller read it (GET /dossiers/{id}); the action answers 412 and changes nothing if it has changed since. `*` or absent: whatever its revision');

/** The revisions an If-Match header names; undefined for `*` or no header. A weak tag never matches (strong comparison). */
export function revisionsOf(ifMatch: string | undefined): number[] | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const revisions: number[] = [];
  for (const part of ifMatch.split(',')) {
    const tag = part.trim();
    const strong = /^"(\d{1,9})"$/.exec(tag);
    if (strong) revisions.push(Number(strong[1]));
    else if (!/^W\/"[^"]*"$/.test(tag) && !/^"[^"]*"$/.test(tag)) {
      throw new HttpError(400, 'VALIDATION_FAILED', 'headers.if-match: a list of entity tags, as ETag sent them ("7"), or *', 'headers.if-match');
    }
  }
  // Only tags this API never sent: nothing can match, and nothing is asked of the workflow.
  if (!revisions.length) throw new HttpError(412, 'PRECONDITION_FAILED', 'the dossier has changed since it was read (If-Match names no revision of it); read it again', 'headers.if-match');
  return revisions;
}
