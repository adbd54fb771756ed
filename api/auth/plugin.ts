import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, AdminLevel, Role } from '../../domain/roles';
import { HttpError } from '../errors';
import type { AccountDirectory, Session } from './accounts';
import { CSRF_HEADER, csrfTokenMatches } from './csrf';
import { createLoginThrottle, type LoginThrottle } from './login-throttle';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    /** The login behind a bearer token (absent for API keys). */
    session?: Session;
  }
  interface FastifyInstance {
    /**
     * onRequest: who is calling (JWT or X-API-Key), and are they allowed here at all. An account
     * whose password must be changed reaches only the routes that say `pendingPasswordChange`.
     */
    requireActor(roles?: readonly Role[], options?: RequireActorOptions): (request: FastifyRequest) => Promise<void>;
    accounts: AccountDirectory;
    loginThrottle: LoginThrottle;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    /** Who (the username) and which login (the session id, checked against `sessions` on every request). */
    payload: { sub: string; jti: string };
  }
}

export interface RequireActorOptions {
  /** The route is open to an account that must still change its password (the change itself, /auth/me, logout). */
  pendingPasswordChange?: boolean;
  /**
   * The session cookie is enough here even for a POST, without the CSRF header: the codec endpoint,
   * which the Temporal Web UI calls with the auditor's cookie and cannot be given our CSRF token. It
   * changes nothing, answers only the UI's origin (CORS), and the cookie is SameSite=Strict.
   */
  cookieWithoutCsrf?: boolean;
}

/** The login as an HttpOnly cookie, beside the bearer token the login answer carries. */
export const SESSION_COOKIE = 'gplx_session';

const AUTHENTICATES = Symbol('authenticates');
type Hook = (request: FastifyRequest) => Promise<void>;
/** Marks a hook as the one that knows the caller: the OpenAPI document then promises its 401 and 403 (api/error-responses.ts). */
export const authenticating = (hook: Hook): Hook => Object.assign(hook, { [AUTHENTICATES]: true });
export const isAuthenticating = (hook: unknown): boolean => typeof hook === 'function' && AUTHENTICATES in hook;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const actorOf = (request: FastifyRequest): Actor => {
  if (!request.actor) throw new HttpError(401, 'UNAUTHENTICATED', 'credentials required');
  return request.actor;
};

/** The caller's admin level; 403 for anyone else, or for a level-2 admin where level 1 is needed. */
export function adminLevelOf(actor: Actor, needed: AdminLevel = 2): AdminLevel {
  const level = actor.roles.includes('admin') ? actor.adminLevel : undefined;
  if (!level || level > needed) throw new HttpError(403, 'FORBIDDEN', needed === 1 ? 'this needs a level-1 (national) admin' : 'this needs an admin');
  return level;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { accounts: AccountDirectory; jwtSecret: string }) => {
  const { accounts } = opts;
  await app.register(fastifyJwt, {
    secret: opts.jwtSecret,
    sign: { expiresIn: `${accounts.policy.sessionHours}h` },
    // fast-jwt's cache of verified tokens (it still checks expiry): the same token arrives on every
    // request of a login, and the session row is checked each time anyway (identify, below).
    verify: { cache: true },
  });
  await app.register(fastifyCookie);
  app.decorate('accounts', accounts);
  app.decorate(
    'loginThrottle',
    createLoginThrottle(accounts.db, { ipFree: accounts.policy.ipAttempts, accountFree: accounts.policy.lockoutAttempts, maxWaitMs: accounts.policy.lockoutMinutes * 60_000 }, opts.jwtSecret),
  );

  async function identify(request: FastifyRequest, options?: RequireActorOptions): Promise<{ actor: Actor; session?: Session }> {
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string') {
      const actor = await accounts.integratorForKey(apiKey);
      if (!actor) throw new HttpError(401, 'UNAUTHENTICATED', 'unknown or revoked API key');
      return { actor };
    }
    const cookie = request.headers.authorization ? undefined : request.cookies[SESSION_COOKIE];
    if (!request.headers.authorization && !cookie) {
      throw new HttpError(401, 'UNAUTHENTICATED', 'send Authorization: Bearer <token> or X-API-Key, or log in (session cookie)');
    }
    let claims: { sub: string; jti?: string };
    try {
      claims = request.headers.authorization
        ? await request.jwtVerify<{ sub: string; jti?: string }>()
        : app.jwt.verify<{ sub: string; jti?: string }>(cookie!);
    } catch {
      throw new HttpError(401, 'UNAUTHENTICATED', 'invalid or expired token');
    }
    // A cookie rides along on any request the browser makes: one that changes something must show it comes from our page.
    if (cookie && !SAFE_METHODS.has(request.method) && !options?.cookieWithoutCsrf && !csrfTokenMatches(opts.jwtSecret, claims.jti ?? '', request.headers[CSRF_HEADER])) {
      throw new HttpError(403, 'CSRF_TOKEN_INVALID', 'a request authenticated by the session cookie must carry the X-CSRF-Token the login answered');
    }
    return accounts.sessionActor(claims, request.ip);
  }

  app.decorate('requireActor', (roles?: readonly Role[], options?: RequireActorOptions) => authenticating(async (request: FastifyRequest) => {
    const { actor, session } = await identify(request, options);
    request.actor = actor;
    request.session = session;
    if (session?.mustChangePassword && !options?.pendingPasswordChange) {
      throw new HttpError(403, 'PASSWORD_CHANGE_REQUIRED', 'change your password first: POST /api/v1/auth/password');
    }
    if (roles && !roles.some((r) => actor.roles.includes(r))) {
      throw new HttpError(403, 'FORBIDDEN', `this needs one of the roles: ${roles.join(', ')}`);
    }
  }));
});
