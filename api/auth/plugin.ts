import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, Role } from '../../domain/roles';
import { HttpError } from '../errors';
import type { AccountDirectory } from './accounts';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
  interface FastifyInstance {
    /** preHandler: who is calling (JWT or X-API-Key), and are they allowed here at all. */
    requireActor(roles?: readonly Role[]): (request: FastifyRequest) => Promise<void>;
    accounts: AccountDirectory;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; roles: Role[]; agency: string };
  }
}

export const actorOf = (request: FastifyRequest): Actor => {
  if (!request.actor) throw new HttpError(401, 'UNAUTHENTICATED', 'credentials required');
  return request.actor;
};

export const authPlugin = fp(async (app: FastifyInstance, opts: { accounts: AccountDirectory; jwtSecret: string }) => {
  await app.register(fastifyJwt, { secret: opts.jwtSecret, sign: { expiresIn: '8h' } });
  app.decorate('accounts', opts.accounts);

  async function identify(request: FastifyRequest): Promise<Actor> {
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string') {
      const actor = opts.accounts.integratorForKey(apiKey);
      if (!actor) throw new HttpError(401, 'UNAUTHENTICATED', 'unknown API key');
      return actor;
    }
    if (!request.headers.authorization) {
      throw new HttpError(401, 'UNAUTHENTICATED', 'send Authorization: Bearer <token> or X-API-Key');
    }
    try {
      const claims = await request.jwtVerify<{ sub: string; roles: Role[]; agency: string }>();
      return { username: claims.sub, roles: claims.roles, agencyCode: claims.agency };
    } catch {
      throw new HttpError(401, 'UNAUTHENTICATED', 'invalid or expired token');
    }
  }

  app.decorate('requireActor', (roles?: readonly Role[]) => async (request: FastifyRequest) => {
    const actor = await identify(request);
    if (roles && !roles.some((r) => actor.roles.includes(r))) {
      throw new HttpError(403, 'FORBIDDEN', `this needs one of the roles: ${roles.join(', ')}`);
    }
    request.actor = actor;
  });
});
