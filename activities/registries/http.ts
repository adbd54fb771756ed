import { request } from 'undici';

export class RegistryError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'RegistryError';
  }
}

/**
 * One JSON call to an external service. Network errors, timeouts and 5xx throw, so Temporal's
 * retry policy takes over; 404 is an answer (`undefined`), other 4xx are our bug and throw too.
 */
export async function callJson<T>(
  url: string,
  opts: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string>; timeoutMs: number },
): Promise<T | undefined> {
  let res;
  try {
    res = await request(url, {
      method: opts.method ?? 'GET',
      headers: { accept: 'application/json', ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    throw new RegistryError(`${opts.method ?? 'GET'} ${url} failed: ${(err as Error).message}`);
  }
  const text = await res.body.text();
  if (res.statusCode === 404) return undefined;
  if (res.statusCode >= 400) {
    throw new RegistryError(`${opts.method ?? 'GET'} ${url} answered ${res.statusCode}: ${text.slice(0, 200)}`, res.statusCode);
  }
  return JSON.parse(text) as T;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const trimSlash = (url: string) => url.replace(/\/$/, '');
