import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z, type ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/unavailable';
import { errorTextVi } from '../domain/messages';

/** The one shape every error answer has, whatever went wrong. */
export const errorResponse = z.object({
  error: z.object({
    status: z.number().int(),
    code: z.string(),
    message: z.string().describe('what went wrong, in English, for the integrator’s logs'),
    messageVi: z.string().describe('the same for the person who reads it, in Vietnamese (domain/messages.ts)'),
    field: z.string().optional(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues?: { field: string; message: string }[],
    /** Sent as Retry-After: when a 429 or a 503 may be tried again. */
    readonly retryAfterSeconds?: number,
    /** The Vietnamese text, when it says more than the code's own (domain/messages.ts). */
    readonly messageVi?: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);

export function badRequestFromZod(err: ZodError, prefix = ''): HttpError {
  const issues = err.issues.map((i) => ({ field: prefix + i.path.map(String).join('.'), message: i.message }));
  const first = issues[0]!;
  return new HttpError(400, 'VALIDATION_FAILED', `${first.field || 'body'}: ${first.message}`, first.field, issues);
}

function fieldOf(instancePath: string, location: string | undefined): string {
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  // Body, query and path fields are named as the client sent them; headers keep their prefix.
  return location === 'headers' ? `headers.${path}` : path;
}

/** How long a client should wait before retrying after an outage of Temporal or the database: restarts take seconds. */
export const OUTAGE_RETRY_AFTER_S = 5;

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from the Temporal client: the cluster is down or overloaded. */
function isTemporalUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (err as { code?: unknown }).code;
  return (err as Error).name === 'ServiceError' && (code === 14 || code === 4);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let e: HttpError;
    if (err instanceof HttpError) {
      e = err;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        field: fieldOf(v.instancePath, err.validationContext),
        message: v.message ?? 'invalid',
      }));
      e = new HttpError(400, 'VALIDATION_FAILED', `${issues[0]!.field || 'body'}: ${issues[0]!.message}`, issues[0]!.field, issues);
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, body too large.
      e = new HttpError(err.statusCode, err.code ?? 'BAD_REQUEST', err.message);
    } else if (isTemporalUnavailable(err)) {
      request.log.error({ err }, 'Temporal unavailable');
      e = new HttpError(503, 'DEPENDENCY_UNAVAILABLE', 'the workflow service is unavailable; the request was not applied, retry later', undefined, undefined, OUTAGE_RETRY_AFTER_S);
    } else if (isDatabaseUnavailable(err)) {
      request.log.error({ err }, 'database unavailable');
      e = new HttpError(503, 'DEPENDENCY_UNAVAILABLE', 'the database is unavailable; the request was not applied, retry later', undefined, undefined, OUTAGE_RETRY_AFTER_S);
    } else {
      request.log.error({ err }, 'unhandled error');
      e = new HttpError(500, 'INTERNAL', 'internal error; the request was not applied');
    }
    if (e.status >= 500 && e.status !== 500) request.log.warn({ code: e.code }, e.message);
    // Every 503 says when to come back: clients (and the console) retry with the same Idempotency-Key.
    const retryAfter = e.retryAfterSeconds ?? (e.status === 503 ? OUTAGE_RETRY_AFTER_S : undefined);
    if (retryAfter !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
    void reply.status(e.status).send({
      error: { status: e.status, code: e.code, message: e.message, messageVi: e.messageVi ?? errorTextVi(e.code, e.status, e.field), field: e.field, issues: e.issues },
    });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { status: 404, code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}`, messageVi: errorTextVi('NOT_FOUND', 404) },
    });
  });
}

/**
 * What Fastify refuses before a route is found (a path parameter longer than maxParamLength, a malformed
 * URL, an unsupported content type at routing): the same error shape as every other answer.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (err, _request, res) => {
  const reply = res as unknown as FastifyReply;
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is longer than any id this API issues' : 'the request URL cannot be read';
  void reply.status(status).send({ error: { status, code: err.code ?? 'BAD_REQUEST', message, messageVi: errorTextVi(err.code ?? 'BAD_REQUEST', status) } });
};
