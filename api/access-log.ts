import Bowser from 'bowser';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createAccessLogWriter, type AccessKind, type AccessLogWriter } from '../db/access-log';
import { openAccessLogSpool } from '../db/access-log-spool';
import { HttpError } from './errors';
import type { Database } from '../db/client';
import { maskPersonalQuery } from './logging';

/**
 * What the access log keeps, route by route: one table, so every new route is a decision made
 * here, and test/api/access-log.test.ts fails for a route in neither this table nor EXEMPT.
 */
const LOGGED: Record<string, AccessKind> = {
  'POST /api/v1/auth/login': 'login',
  'POST /api/v1/auth/logout': 'logout',
  'POST /api/v1/auth/password': 'password_change',
  'POST /api/v1/dossiers': 'submit',
  'GET /api/v1/dossiers': 'search',
  'GET /api/v1/work-queue': 'search',
  // Staff names and their load: who may be assigned, read by a leader.
  'GET /api/v1/appraisers': 'search',
  'GET /api/v1/dossiers/:id': 'lookup',
  'GET /api/v1/public/dossiers/:code': 'lookup',
  'GET /api/v1/dossiers/:id/documents/:form': 'export',
  'GET /api/v1/reports/tracking-register.csv': 'export',
  'GET /api/v1/dossiers/:code/history': 'audit',
  'POST /api/v1/audit/replay': 'audit',
  'GET /api/v1/admin/access-log': 'audit',
  // A preview of a holiday-table edit changes nothing, but lists open dossiers by code: a read, on record.
  'POST /api/v1/calendar/preview': 'admin_read',
  // Reading (or sealing) personal data through the Temporal Web UI or CLI.
  'POST /codec/decode': 'audit',
  'POST /codec/encode': 'audit',
  // Inbound callbacks: who (by its signature), the verdict and the outcome in the entry's `what`.
  'GET /api/v1/callbacks/payment': 'callback',
  'POST /api/v1/callbacks/post': 'callback',
  'POST /api/v1/callbacks/sms': 'callback',
};

/**
 * Deliberately not logged, and why: they show no one's dossier. The statistics are counts (the
 * dashboard polls them every few seconds); the calendar is public law; the QR image encodes a code
 * the caller already has; `/auth/me` is the console asking who it is logged in as.
 */
const EXEMPT = new Set([
  'GET /api/v1/auth/me',
  'GET /api/v1/stats',
  'GET /api/v1/stats/by-status',
  'GET /api/v1/stats/on-time',
  'GET /api/v1/public/dossiers/:code/qr.svg',
  // The FAQ is public reference text, like the calendar. A citizen's rating is kept without who gave it
  // (citizen_feedback holds no address or browser): an entry with the IP and user agent beside the
  // dossier code would tie the rating back to a person; the lookup before it is on record already.
  'GET /api/v1/public/faq',
  'POST /api/v1/public/dossiers/:code/feedback',
  'GET /api/v1/calendar/entries',
  'GET /api/v1/calendar/office-hours/:agency',
  'GET /api/v1/calendar/propagations',
  'GET /api/v1/calendar/propagations/:id',
  'GET /api/v1/calendar/deadline',
]);

/** The kind of entry a request makes, or undefined when it makes none. Everything an admin changes is `admin`. */
export function accessKindOf(method: string, route: string, status: number): AccessKind | undefined {
  // A HEAD runs the GET's handler: the same look, without the body.
  const key = `${method === 'HEAD' ? 'GET' : method} ${route}`;
  const kind = LOGGED[key];
  if (kind === 'login') return status < 300 ? 'login' : 'login_failed';
  if (kind) return kind;
  // One route per action (api/routes/actions.ts): every one of them is an action on a dossier.
  if (method === 'POST' && route.startsWith('/api/v1/dossiers/:id/actions/')) return 'action';
  if (EXEMPT.has(key) || !route.startsWith('/api/v1/')) return undefined;
  // An integrator's webhook subscriptions are its configuration: administration, like an admin's.
  if (route.startsWith('/api/v1/admin/') || route.startsWith('/api/v1/calendar/') || route.startsWith('/api/v1/webhooks')) return method === 'GET' ? 'admin_read' : 'admin';
  return undefined;
}

/** Whether a route has been decided on: logged (by the table or as administration) or exempt on purpose. */
export function isDecided(method: string, route: string): boolean {
  return accessKindOf(method, route, 200) !== undefined || EXEMPT.has(`${method} ${route}`);
}

/** What was asked: method and URL, personal query parameters masked as in the application logs. */
const whatOf = (request: FastifyRequest) => `${request.method} ${maskPersonalQuery(request.url)}${request.accessNote ? ` (${request.accessNote})` : ''}`;

const devices = new Map<string, { browser: string | null; os: string | null; device: string | null }>();
/** Parsing a user agent costs more than the rest of an entry; offices send a handful of distinct ones. */
function deviceOf(userAgent: string | undefined) {
  if (!userAgent) return { browser: null, os: null, device: null };
  let known = devices.get(userAgent);
  if (!known) {
    const ua = Bowser.parse(userAgent);
    const name = (n?: string, v?: string) => (n ? `${n}${v ? ` ${v}` : ''}` : null);
    known = { browser: name(ua.browser.name, ua.browser.version), os: name(ua.os.name, ua.os.versionName ?? ua.os.version), device: ua.platform.type ?? null };
    if (devices.size >= 1000) devices.delete(devices.keys().next().value!);
    devices.set(userAgent, known);
  }
  return known;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The access log's writer: `flush()` before reading the log sees every request answered so far. */
    accessLog: AccessLogWriter;
  }
  interface FastifyRequest {
    /** Set once its entry has been made (or tried): an error answer made by the entry's own failure makes none. */
    accessLogged?: boolean;
  }
}

export const accessLogPlugin = fp(async (app: FastifyInstance, opts: { db: Database; spoolDir: string }) => {
  const spool = await openAccessLogSpool({ dir: opts.spoolDir });
  let reported = false;
  const writer = createAccessLogWriter(opts.db, {
    spool,
    // Kept on disk and retried: said once per outage, not once per retry.
    onError: (err, backlog) => {
      if (!reported) app.log.error({ err, backlog }, 'access log cannot reach the database; entries are kept in the spool');
      reported = true;
    },
    onRejected: (err, line) => app.log.error({ err, entryId: line.entryId }, 'the database refused an access-log entry; it stays in the spool directory'),
  });
  app.decorate('accessLog', writer);
  app.addHook('onClose', async () => writer.close());
  // A request whose entry could not be kept must not act: refused before anything runs.
  app.addHook('onRequest', async () => {
    if (!writer.hasRoom()) throw new HttpError(503, 'ACCESS_LOG_FULL', 'the access log cannot record more requests until the database is back; retry later');
  });
  // Before the answer leaves (onSend, not onResponse): an answer the caller has is always on record.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.accessLogged) return payload;
    request.accessLogged = true;
    const route = request.routeOptions.url;
    if (!route) return payload;
    const kind = accessKindOf(request.method, route, reply.statusCode);
    if (!kind) return payload;
    const params = request.params as Record<string, string> | undefined;
    const body = request.body as { username?: unknown } | undefined;
    // A failed login has no actor: the name that was tried is what an investigation needs.
    const username = request.actor?.username ?? request.accessCaller ?? (kind === 'login' || kind === 'login_failed' ? (typeof body?.username === 'string' ? body.username.slice(0, 64) : null) : null);
    const userAgent = request.headers['user-agent']?.slice(0, 512);
    try {
      await writer.append({
        at: new Date(),
        username,
        agencyCode: request.actor?.agencyCode ?? null,
        kind,
        what: whatOf(request).slice(0, 1000),
        target: params?.id ?? params?.code ?? params?.username ?? null,
        status: reply.statusCode,
        ip: request.ip,
        userAgent: userAgent ?? null,
        ...deviceOf(userAgent),
      });
    } catch (err) {
      request.log.error({ err }, 'access log spool write failed');
      throw new HttpError(503, 'ACCESS_LOG_UNAVAILABLE', 'the request could not be put on record; retry later with the same Idempotency-Key');
    }
    return payload;
  });
});
