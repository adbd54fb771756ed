import type { FastifyInstance, FastifyRequest } from 'fastify';
import { firstUnstorable } from '../domain/storable-text';
import { HttpError } from './errors';

/**
 * Refuses, with the field, any request whose path, query or body carries text PostgreSQL cannot
 * store (a NUL, an unpaired surrogate: domain/storable-text.ts): a 400 for the caller's mistake,
 * where it used to reach the database and come back a 500. Runs after authentication (onRequest),
 * before each route's own validation.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    for (const [part, value] of [['params', request.params], ['query', request.query], ['body', request.body]] as const) {
      const path = firstUnstorable(value);
      if (!path) continue;
      const field = part === 'body' ? path.join('.') : path.join('.') || part;
      throw new HttpError(400, 'VALIDATION_FAILED', `${field || 'body'}: must not contain a NUL character or an unpaired UTF-16 surrogate`, field || undefined);
    }
  });
}
