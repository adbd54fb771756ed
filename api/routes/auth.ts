import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { updateAccount, revokeSessions } from '../../db/accounts';
import { passwordProblemMessages } from '../../domain/password-policy';
import { publicAccount, publicAccountSchema } from '../auth/accounts';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_S, DEVICE_COOKIE_PATH } from '../auth/login-throttle';
import { csrfTokenOf } from '../auth/csrf';
import { SESSION_COOKIE } from '../auth/plugin';
import { verifyPassword } from '../auth/passwords';
import { HttpError, errorResponse } from '../errors';

/** Who logged in, as the login answers it. */
const user = publicAccountSchema
  .pick({ username: true, fullName: true, roles: true, unit: true, scope: true, adminLevel: true })
  .extend({ agencyCode: z.string().describe("the agency it acts for: '*' for a level-1 (national) admin") });

/** `/auth/me`: a staff login, or an integrator's API key. */
const me = z.union([
  publicAccountSchema
    .extend({ actingFor: z.string().describe("the agency it acts for: its own, or '*' for a level-1 (national) admin") })
    .describe('a staff login'),
  z
    .object({
      username: z.string().describe('the name of the key (what its actions are recorded under)'),
      roles: z.array(z.literal('integrator')),
      agencyCode: z.string().describe("the agency the key is scoped to (the first of them), or '*' for every agency"),
      integrator: z.literal(true),
    })
    .describe('an integrator API key'),
]);

export const authRoutes: FastifyPluginAsyncZod<{ jwtSecret: string }> = async (app, { jwtSecret }) => {
  const accounts = app.accounts;

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a staff username and password for a JWT (integrators send X-API-Key instead)',
        description:
          '401 INVALID_CREDENTIALS for an unknown user or a wrong password alike; 429 LOGIN_THROTTLED with Retry-After after too many failures ' +
          '(per address, and per account from browsers it has not logged in from: api/auth/login-throttle.ts); ' +
          '403 ACCOUNT_CLOSED, 403 IP_NOT_ALLOWED. With `mustChangePassword` the token reaches only /auth/password, /auth/me and /auth/logout.',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
        response: {
          200: z
            .object({
              token: z.string(),
              csrfToken: z.string().describe('for requests authenticated by the session cookie: send it as X-CSRF-Token on every request that changes something'),
              tokenType: z.literal('Bearer'),
              expiresIn: z.number().describe('seconds until the token expires'),
              mustChangePassword: z.boolean(),
              user,
            })
            .describe('logged in: the token (also set as the session cookie) and who it is for'),
          401: errorResponse.describe('INVALID_CREDENTIALS: an unknown user or a wrong password, alike'),
          403: errorResponse.describe('ACCOUNT_CLOSED, or IP_NOT_ALLOWED for this account'),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const attempt = { username, ip: request.ip, cookie: request.cookies[DEVICE_COOKIE], now: accounts.policy.clock() };
      const wait = await app.loginThrottle.wait(attempt);
      if (wait > 0) {
        // The same answer whether the account exists or not; the password is not tried.
        throw new HttpError(429, 'LOGIN_THROTTLED', `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`, undefined, undefined, wait / 1000);
      }
      let result: Awaited<ReturnType<typeof accounts.login>>;
      try {
        result = await accounts.login({ username, password, ip: request.ip, userAgent: request.headers['user-agent'] });
      } catch (err) {
        if (err instanceof HttpError && err.code === 'INVALID_CREDENTIALS') await app.loginThrottle.failed(attempt);
        throw err;
      }
      const { token, account, actor } = result;
      // This browser is now one the account has logged in from: a stranger's failures elsewhere will not hold it.
      void reply.setCookie(DEVICE_COOKIE, await app.loginThrottle.succeeded(attempt), {
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        path: DEVICE_COOKIE_PATH,
        maxAge: DEVICE_COOKIE_MAX_AGE_S,
      });
      // Fastify's logger and the access log read the actor off the request.
      request.actor = actor;
      const jwt = app.jwt.sign(token);
      // The same login as a cookie, for the few routes that take one (the codec endpoint the Temporal Web UI calls).
      void reply.setCookie(SESSION_COOKIE, jwt, {
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        path: '/',
        maxAge: accounts.policy.sessionHours * 3600,
      });
      return {
        token: jwt,
        csrfToken: csrfTokenOf(jwtSecret, token.jti),
        tokenType: 'Bearer' as const,
        expiresIn: accounts.policy.sessionHours * 3600,
        mustChangePassword: account.mustChangePassword,
        user: {
          username: account.username,
          fullName: account.fullName,
          roles: account.roles,
          agencyCode: actor.agencyCode,
          unit: account.unit,
          scope: account.dataScope,
          adminLevel: account.adminLevel ?? null,
        },
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      onRequest: app.requireActor(undefined, { pendingPasswordChange: true }),
      schema: {
        tags: ['auth'],
        summary: 'End this login: the token stops working at once',
        security: [{ bearer: [] }],
        response: { 204: z.undefined().describe('logged out') },
      },
    },
    async (request, reply) => {
      if (!request.session) throw new HttpError(400, 'NOT_A_SESSION', 'API keys have no session to end; an admin revokes a key');
      await accounts.logout(request.session.id, request.actor!.username);
      return reply.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).send();
    },
  );

  app.post(
    '/auth/password',
    {
      onRequest: app.requireActor(undefined, { pendingPasswordChange: true }),
      schema: {
        tags: ['auth'],
        summary: 'Change my password (required after the first login and after a reset); ends my other logins',
        security: [{ bearer: [] }],
        body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(400) }),
        response: { 204: z.undefined().describe('changed; my other logins are ended') },
      },
    },
    async (request, reply) => {
      const session = request.session;
      if (!session) throw new HttpError(400, 'NOT_A_SESSION', 'API keys have no password');
      const account = await accounts.find(request.actor!.username);
      if (!account) throw new HttpError(401, 'UNAUTHENTICATED', 'the account no longer exists');
      const { currentPassword, newPassword } = request.body;
      if (!(await verifyPassword(currentPassword, account.passwordHash))) {
        throw new HttpError(403, 'INVALID_CREDENTIALS', 'currentPassword: not your current password', 'currentPassword');
      }
      const problems = passwordProblemMessages(newPassword, { username: account.username, current: currentPassword });
      if (problems.length) {
        throw new HttpError(
          400,
          'WEAK_PASSWORD',
          `newPassword: ${problems.map((p) => p.en).join('; ')}`,
          'newPassword',
          problems.map((p) => ({ field: 'newPassword', message: p.en })),
          undefined,
          `Mật khẩu mới cần ${problems.map((p) => p.vi).join('; ')}.`,
        );
      }
      const now = accounts.policy.clock();
      await updateAccount(accounts.db, account.id, { passwordHash: await accounts.hashPassword(newPassword), mustChangePassword: false, passwordChangedAt: now }, now);
      // Whoever else held a login of this account (the reason to change a password) is out.
      await revokeSessions(accounts.db, account.id, 'system', now, session.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      onRequest: app.requireActor(undefined, { pendingPasswordChange: true }),
      schema: {
        tags: ['auth'],
        summary: 'My account: roles, agency, unit, data scope, and whether my password must change',
        security: [{ bearer: [] }, { apiKey: [] }],
        response: { 200: me.describe('my account (a staff login), or my API key (an integrator)') },
      },
    },
    async (request) => {
      const actor = request.actor!;
      if (!request.session) return { username: actor.username, roles: ['integrator' as const], agencyCode: actor.agencyCode, integrator: true as const };
      const account = await accounts.find(actor.username);
      if (!account) throw new HttpError(401, 'UNAUTHENTICATED', 'the account no longer exists');
      return { ...publicAccount(account, accounts.policy), agencyCode: account.agencyCode, actingFor: actor.agencyCode };
    },
  );
};
