import { DRILL_INTEGRATOR_KEY } from './stack';
import type { Journal } from './journal';
import { sleep } from './processes';

/**
 * The drills' HTTP client, behaving as a real portal or officer's console would: an answer of 503
 * with Retry-After is tried again after that delay, with the same Idempotency-Key (and, for a
 * submission, the same body and externalRef); a 5xx without it, or no answer at all (the API
 * killed, a connection reset), is tried again after a growing pause; any other answer is final.
 * Every attempt goes to the journal.
 */

export type Who = 'portal' | 'motcua' | 'lanhdao' | 'thamdinh' | 'ketoan' | 'kiemtoan' | 'quantri';
export const STAFF: Exclude<Who, 'portal'>[] = ['motcua', 'lanhdao', 'thamdinh', 'ketoan', 'kiemtoan', 'quantri'];

// The API's JSON, read loosely on purpose: the drills look at a few fields of what really came back.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface Answer {
  status: number;
  body: Json;
  retryAfterSeconds?: number;
}

export interface Outcome {
  /** The last answer there was, if any. */
  answer?: Answer;
  attempts: number;
  /** Why there is no final answer: no answer at all, or still failing at the deadline. */
  failure?: string;
}

export interface Request {
  method: 'GET' | 'POST';
  /** As the API registers it, for the journal: e.g. POST /api/v1/dossiers/:id/actions/receive. */
  route: string;
  path: string;
  body?: unknown;
  idempotencyKey?: string;
}

/** One attempt waits longer than the API waits for an action (30 s), so its own answer is what we see. */
const ATTEMPT_TIMEOUT_MS = 45_000;
const MAX_PAUSE_MS = 4_000;

function retryAfterOf(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

export class DrillClient {
  constructor(
    private readonly base: string,
    readonly journal: Journal,
    private readonly tokens: Map<string, string>,
  ) {}

  /** The same client, writing to another drill's journal. */
  withJournal(journal: Journal): DrillClient {
    return new DrillClient(this.base, journal, this.tokens);
  }

  private credentials(who: Who | 'anonymous'): Record<string, string> {
    if (who === 'anonymous') return {};
    if (who === 'portal') return { 'x-api-key': DRILL_INTEGRATOR_KEY };
    const token = this.tokens.get(who);
    if (!token) throw new Error(`no login for ${who}`);
    return { authorization: `Bearer ${token}` };
  }

  /** One attempt; `undefined` status in the journal when nothing came back. */
  async once(who: Who | 'anonymous', req: Request): Promise<Answer | { failure: string }> {
    const exchange = this.journal.open(req.method, req.route, req.path);
    const headers: Record<string, string> = { ...this.credentials(who), 'user-agent': exchange.userAgent };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
    try {
      const res = await fetch(`${this.base}${req.path}`, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      const text = await res.text();
      exchange.answeredAt = Date.now();
      exchange.status = res.status;
      let body: Json = {};
      try {
        body = text ? (JSON.parse(text) as Json) : {};
      } catch {
        body = { text };
      }
      const retryAfter = res.headers.get('retry-after');
      if (retryAfter !== null) exchange.retryAfter = retryAfter;
      if (res.status >= 400) exchange.errorCode = (body.error as Json | undefined)?.code as string | undefined;
      return { status: res.status, body, retryAfterSeconds: retryAfterOf(retryAfter) };
    } catch (err) {
      const failure = `${(err as Error).name}: ${((err as Error & { cause?: Error }).cause ?? (err as Error)).message}`;
      exchange.failure = failure;
      return { failure };
    }
  }

  /** Tries until an answer that is final (2xx, or a 4xx) or until the deadline (epoch ms, read at each retry: a fault's end moves it). */
  async call(who: Who, req: Request, deadlineOf: number | (() => number)): Promise<Outcome> {
    const deadline = () => (typeof deadlineOf === 'number' ? deadlineOf : deadlineOf());
    let attempts = 0;
    let answer: Answer | undefined;
    let pause = 500;
    for (;;) {
      attempts++;
      const got = await this.once(who, req);
      let wait: number;
      if ('failure' in got) {
        wait = pause;
        if (Date.now() + wait > deadline()) return { answer, attempts, failure: `no answer: ${got.failure}` };
      } else {
        answer = got;
        const retryable = got.status >= 500 || got.status === 429;
        if (!retryable) return { answer, attempts };
        wait = got.retryAfterSeconds !== undefined ? got.retryAfterSeconds * 1000 : pause;
        if (Date.now() + wait > deadline()) return { answer, attempts, failure: `still ${got.status} ${got.body.error?.code ?? ''} at the deadline` };
      }
      await sleep(wait);
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }

  async login(username: Exclude<Who, 'portal'>, deadline: number): Promise<void> {
    const exchange = { method: 'POST' as const, route: 'POST /api/v1/auth/login', path: '/api/v1/auth/login', body: { username, password: 'demo' } };
    for (;;) {
      const got = await this.once('anonymous', exchange);
      if (!('failure' in got) && got.status === 200) {
        this.tokens.set(username, got.body.token as string);
        return;
      }
      if (Date.now() > deadline) throw new Error(`login ${username} failed: ${JSON.stringify(got)}`);
      await sleep(500);
    }
  }
}
