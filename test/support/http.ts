import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { DossierBody } from './api';

/**
 * Caller (test/support/api.ts) over real HTTP, for APIs that run as processes of their own (the
 * cluster): the same helpers — log in, submit, act with an Idempotency-Key and If-Match, wait for a
 * state — against a base URL. An action met by a 5xx is sent again with the same key, as a portal
 * does: the key makes the retry the same action, never a second one.
 */

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json<T = DossierBody>(): T;
}

async function answer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

export class HttpCaller {
  private constructor(
    readonly base: string,
    readonly headers: Record<string, string>,
    readonly name: string,
  ) {}

  static integrator(base: string, apiKey: string): HttpCaller {
    return new HttpCaller(base, { 'x-api-key': apiKey }, 'integrator');
  }

  static async staff(base: string, username: string, password = 'demo'): Promise<HttpCaller> {
    const res = await answer(await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }));
    expect(res.status, res.text).toBe(200);
    return new HttpCaller(base, { authorization: `Bearer ${res.json<{ token: string }>().token}` }, username);
  }

  /** The same credentials against another API of the same service (one JWT secret, one database). */
  on(base: string): HttpCaller {
    return new HttpCaller(base, this.headers, this.name);
  }

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return answer(
      await fetch(`${this.base}${url}`, {
        method,
        headers: { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  }

  submit(application: unknown) {
    return this.request('POST', '/api/v1/dossiers', application);
  }

  get(id: string) {
    return this.request('GET', `/api/v1/dossiers/${encodeURIComponent(id)}`);
  }

  act(id: string, action: string, body: unknown = {}, opts: { idempotencyKey?: string; ifMatch?: string } = {}) {
    return this.request('POST', `/api/v1/dossiers/${encodeURIComponent(id)}/actions/${action}`, body, {
      ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
      ...(opts.ifMatch ? { 'if-match': opts.ifMatch } : {}),
    });
  }

  /**
   * An action that must be applied: on the dossier as just read (If-Match: its ETag), under a key of
   * its own, sent again with that key while the service answers 5xx (a worker restarting, an Update
   * past the API's deadline). Returns the new state and its ETag.
   */
  async ok(id: string, action: string, body: unknown = {}, opts: { ifMatch?: string; idempotencyKey?: string; retryForMs?: number } = {}): Promise<{ dossier: DossierBody; etag: string; attempts: number }> {
    const key = opts.idempotencyKey ?? `${action}-${randomUUID()}`;
    const deadline = Date.now() + (opts.retryForMs ?? 90_000);
    for (let attempts = 1; ; attempts++) {
      const res = await this.act(id, action, body, { idempotencyKey: key, ...(opts.ifMatch ? { ifMatch: opts.ifMatch } : {}) }).catch((err: unknown) => ({ status: 0, text: String(err) }) as HttpAnswer);
      if (res.status === 200) return { dossier: res.json(), etag: res.headers.get('etag') ?? '', attempts };
      if ((res.status >= 500 || res.status === 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      expect.fail(`${this.name} ${action} on ${id} via ${this.base}: ${res.status} ${res.text}`);
    }
  }

  async waitFor(id: string, ok: (d: DossierBody) => boolean, what: string, timeoutMs = 90_000): Promise<DossierBody> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const res = await this.get(id).catch(() => undefined);
      if (res?.status === 200 && ok(res.json())) return res.json();
      last = res ? `${res.status} ${res.text.slice(0, 300)}` : 'no answer';
      if (Date.now() > deadline) throw new Error(`${id} never ${what} (via ${this.base}): ${last}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  waitForStatus(id: string, status: string, timeoutMs?: number): Promise<DossierBody> {
    return this.waitFor(id, (d) => d.status === status, `reached ${status}`, timeoutMs);
  }
}
