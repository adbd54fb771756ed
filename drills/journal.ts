/**
 * Every request a drill sends and what became of it. The checks read it back: the 5xx answered
 * during the fault, the first success after it (recovery), and which answered requests must have
 * left an access-log entry. Each request carries its own User-Agent (`gplx-drill/<run>/<drill>/<n>`),
 * so its entry is found in the access log without guessing by time.
 */

export interface Exchange {
  n: number;
  userAgent: string;
  method: string;
  /** The route as the API registers it, e.g. POST /api/v1/dossiers/:id/actions/receive. */
  route: string;
  url: string;
  sentAt: number;
  answeredAt?: number;
  /** Undefined: no answer at all (connection refused or reset, or our own timeout). */
  status?: number;
  retryAfter?: string;
  errorCode?: string;
  failure?: string;
}

export class Journal {
  readonly exchanges: Exchange[] = [];
  private next = 0;
  constructor(readonly userAgentPrefix: string) {}

  open(method: string, route: string, url: string): Exchange {
    const n = ++this.next;
    const exchange: Exchange = { n, userAgent: `${this.userAgentPrefix}${n}`, method, route, url, sentAt: Date.now() };
    this.exchanges.push(exchange);
    return exchange;
  }

  /** Actions sent at least `ageMs` ago and not answered yet: the worker is in the middle of them. */
  actionsInFlight(ageMs: number): number {
    const before = Date.now() - ageMs;
    return this.exchanges.filter((e) => e.route.includes('/actions/') && e.status === undefined && e.failure === undefined && e.sentAt <= before).length;
  }

  answered(): Exchange[] {
    return this.exchanges.filter((e) => e.status !== undefined);
  }

  /** Answers of 500 and above whose answer came within [from, to]. */
  serverErrors(from: number, to: number): Exchange[] {
    return this.exchanges.filter((e) => e.status !== undefined && e.status >= 500 && e.answeredAt! >= from && e.answeredAt! <= to);
  }
}
