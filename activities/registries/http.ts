import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import type { z } from 'zod';

/**
 * The one way the adapters talk to an external service. Failures fall in two kinds, because
 * Temporal's retry policy should only spend attempts where another attempt can help:
 *  - RegistryUnavailableError (retryable): network error, timeout, 5xx, 429.
 *  - ApplicationFailure, non-retryable, type REGISTRY_REJECTED: any other 4xx, or an answer that
 *    breaks the contract. Asking again would get the same answer; it is a bug or a wrong URL.
 */

export const DEFAULT_TIMEOUT_MS = 5000;
export const REGISTRY_REJECTED = 'REGISTRY_REJECTED';

export class RegistryUnavailableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryUnavailableError';
  }
}

export interface ClientOptions {
  /** Per request, from sending to the last byte of the answer. */
  timeoutMs?: number;
}

export interface CallOptions<S extends z.ZodType> {
  /** Names the service in error messages, e.g. 'health registry'. */
  service: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** The shape a 2xx answer must have. */
  schema: S;
  /**
   * A 404 whose `error.code` is this is an answer, returned as null. Any other 404 (a wrong base
   * URL, typically) is a rejection: treating it as "nothing on record" would make every citizen
   * look clean.
   */
  notFoundCode?: string;
}

export function callJson<S extends z.ZodType>(url: string, opts: CallOptions<S> & { notFoundCode: string }): Promise<z.output<S> | null>;
export function callJson<S extends z.ZodType>(url: string, opts: CallOptions<S> & { notFoundCode?: undefined }): Promise<z.output<S>>;
export async function callJson<S extends z.ZodType>(url: string, opts: CallOptions<S>): Promise<z.output<S> | null> {
  const method = opts.method ?? 'GET';
  // Errors end up in logs, in findings and in Temporal: never the query (a citizen ID) or what a registry said back.
  const what = `${opts.service}: ${method} ${url.split('?')[0]}`;
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      // The signal bounds the whole exchange, body included; undici's own timeouts only bound gaps.
      signal: AbortSignal.timeout(opts.timeoutMs),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    const timedOut = err instanceof Error && TIMEOUT_ERRORS.has(err.name);
    throw new RegistryUnavailableError(
      timedOut ? `${what} timed out after ${opts.timeoutMs} ms` : `${what} failed: ${err instanceof Error ? err.message : String(err)}`,
      undefined,
      { cause: err },
    );
  }

  if (status >= 500 || status === 429) {
    throw new RegistryUnavailableError(`${what} answered ${status}${answerSummary(text)}`, status);
  }
  const body = parseJson(text);
  if (status === 404 && opts.notFoundCode !== undefined && errorCodeOf(body) === opts.notFoundCode) return null;
  if (status < 200 || status >= 300) {
    throw ApplicationFailure.nonRetryable(`${what} answered ${status}${answerSummary(text)}`, REGISTRY_REJECTED);
  }
  const parsed = opts.schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw ApplicationFailure.nonRetryable(
      `${what} answered ${status} with an unexpected body (${issue.path.join('.') || 'body'}: ${issue.message})`,
      REGISTRY_REJECTED,
    );
  }
  return parsed.data;
}

/** What an error answer may say of itself in a message: its error code, not its text (which may echo the request). */
function answerSummary(text: string): string {
  const code = errorCodeOf(parseJson(text));
  return typeof code === 'string' ? ` (${code.slice(0, 64)})` : '';
}

/** The abort signal's reason, and undici's own header/body timeouts. */
const TIMEOUT_ERRORS = new Set(['TimeoutError', 'HeadersTimeoutError', 'BodyTimeoutError']);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorCodeOf(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
}

/** Joins a base URL (with or without a trailing slash) and a path. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
