import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../errors';

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a staff username and password for a JWT (integrators send X-API-Key instead)',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
        response: {
          200: z.object({
            token: z.string(),
            tokenType: z.literal('Bearer'),
            expiresIn: z.number(),
            user: z.object({ username: z.string(), roles: z.array(z.string()), agencyCode: z.string() }),
          }),
        },
      },
    },
    async (request) => {
      const actor = app.accounts.authenticate(request.body.username, request.body.password);
      if (!actor) throw new HttpError(401, 'INVALID_CREDENTIALS', 'wrong username or password');
      const token = app.jwt.sign({ sub: actor.username, roles: actor.roles, agency: actor.agencyCode });
      return { token, tokenType: 'Bearer' as const, expiresIn: 8 * 3600, user: actor };
    },
  );
};
