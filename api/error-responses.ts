import type { FastifyInstance, RouteOptions } from 'fastify';
import { isAuthenticating } from './auth/plugin';
import { errorResponse } from './errors';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The error answers every route can give, documented once: a route declares what it answers on
 * success (and any error it means specially); the rest comes from here, in the one error shape.
 * Whether a route is authenticated is read from its own `security`, so a public route does not
 * promise a 401 it never gives.
 */
export function errorResponsesOf(route: Pick<RouteOptions, 'method' | 'schema' | 'onRequest' | 'url'>): Record<number, unknown> {
  const methods = [route.method].flat();
  const secured = [route.onRequest].flat().some(isAuthenticating);
  if (secured !== (route.schema?.security ?? []).length > 0) {
    // Caught at startup: the document must say which credentials a route takes, and only if it takes some.
    throw new Error(`${methods.join(',')} ${route.url}: its schema's \`security\` and its authentication hook disagree`);
  }
  const out: Record<number, unknown> = {
    400: errorResponse.describe('the request is malformed: `field` names what to correct'),
    404: errorResponse.describe('nothing of that name, or not visible to the caller'),
    429: errorResponse.describe('too many requests: wait for Retry-After'),
    503: errorResponse.describe('a dependency (database, Temporal, registry) is unavailable; nothing was applied; retry after Retry-After'),
  };
  if (/[:*]/.test(route.url)) out[414] = errorResponse.describe('a path parameter is longer than any id this API issues');
  if (secured) {
    out[401] = errorResponse.describe('no valid credentials');
    out[403] = errorResponse.describe('the caller’s role, agency or scope does not allow this');
  }
  if (methods.some((m) => WITH_BODY.has(m))) {
    out[409] = errorResponse.describe('the dossier or resource is not in a state that allows this');
    out[413] = errorResponse.describe('the body is larger than this route takes');
    out[415] = errorResponse.describe('the body is not JSON');
  }
  return out;
}

export function registerErrorResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    route.schema.response = { ...errorResponsesOf(route), ...(route.schema.response as object | undefined) };
  });
}
