import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_NAMES, type ActionName } from '../../domain/actions';
import { vietnamDate } from '../../domain/dossier-code';
import { ROLES_SEEING_PERSONAL_DATA, type Role } from '../../domain/roles';
import { RULES } from '../../domain/state-machine';
import { INTEGRATOR_KEY, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * The authorisation matrix ("authorisation everywhere"): every endpoint the app registers, asked by
 * every kind of caller, about a target in the caller's own agency and in another one, and each
 * answer asserted. The tables below ARE the authorisation model; a new endpoint without a row makes
 * the first test fail.
 *
 * Policy the tables encode:
 * - no credentials: 401; a role the endpoint is not for: 403 (decided before anything is looked up,
 *   so it reveals nothing);
 * - a dossier of another agency (or outside the account's data scope): 404, on reads and on
 *   actions alike, so its existence is not revealed;
 * - a listing or a setting asked for another agency (`?agency=`, an account, a key, office hours):
 *   403 — the agency is the caller's own word, there is nothing to hide;
 * - right role, right agency, wrong person (an appraiser the dossier is not assigned to, a payment
 *   method that belongs to the other role): 403; right person, wrong state: 409;
 * - a refused action changes nothing.
 *
 * Calls an allowed caller makes are chosen so that the shared targets do not move: answers such
 * as "400 WEAK_PASSWORD" or "409 AGENCY_IN_USE" are refusals past the role check, and the row says
 * so; where only a real change proves the point (actions, deleting an account, revoking a key),
 * each call gets a fresh target.
 */

const A = '000.00.01.H22';
const B = '000.00.02.H22';
const STRONG = 'Mùa-thu-Hà-Nội-2026';
/** Real Temporal dev server, PDFs, replays, two cores shared with other suites. */
const LONG = 600_000;

type Kind = 'officer' | 'appraiser' | 'leader' | 'accountant' | 'supervisor' | 'auditor' | 'admin2' | 'admin1' | 'integrator' | 'portal';

/** The role each kind of caller holds (`admin1`/`admin2`: admin of level 1 / 2; `portal`: the national key, scoped '*'). */
const ROLE_OF: Record<Kind, Role> = {
  officer: 'one_stop_officer',
  appraiser: 'appraiser',
  leader: 'leader',
  accountant: 'accountant',
  supervisor: 'supervisor',
  auditor: 'auditor',
  admin2: 'admin',
  admin1: 'admin',
  integrator: 'integrator',
  portal: 'integrator',
};

interface Caller {
  name: string;
  kind: Kind | 'anonymous';
  /** The agency it works for; '*' for the national ones (level-1 admin, national portal key). */
  agency: string | null;
  /** A key scoped to several agencies: all of them (`agency` is the first). */
  agencies?: string[];
  username?: string;
  password?: string;
  headers: Record<string, string>;
  /** Each caller speaks from its own address: the public lookup is rate-limited per address. */
  address: string;
}

interface CallerSpec {
  name: string;
  kind: Kind | 'anonymous';
  agency: string | null;
  /** A seeded demo account (password `demo`). */
  demo?: string;
  /** An account the level-1 admin creates for the test. */
  create?: { fullName: string; roles: Role[]; adminLevel?: 1 | 2 };
  /** An integrator key: the seeded national one, or one the level-1 admin creates for these agencies. */
  key?: 'national' | string[];
}

/** Everyone who calls: each staff role of agency A, the same roles in agency B, the national ones, integrators, nobody. */
const CALLERS: CallerSpec[] = [
  { name: 'anonymous', kind: 'anonymous', agency: null },
  { name: 'officer@A', kind: 'officer', agency: A, demo: 'motcua' },
  { name: 'appraiser@A', kind: 'appraiser', agency: A, demo: 'thamdinh' },
  { name: 'appraiser2@A', kind: 'appraiser', agency: A, demo: 'thamdinh2' },
  { name: 'leader@A', kind: 'leader', agency: A, demo: 'lanhdao' },
  { name: 'accountant@A', kind: 'accountant', agency: A, demo: 'ketoan' },
  { name: 'supervisor@A', kind: 'supervisor', agency: A, demo: 'giamsat' },
  { name: 'auditor@A', kind: 'auditor', agency: A, demo: 'kiemtoan' },
  { name: 'admin2@A', kind: 'admin2', agency: A, demo: 'quantri2' },
  { name: 'officer@B', kind: 'officer', agency: B, demo: 'motcua-khac' },
  { name: 'appraiser@B', kind: 'appraiser', agency: B, create: { fullName: 'Thẩm Định Điểm Hai', roles: ['appraiser'] } },
  { name: 'leader@B', kind: 'leader', agency: B, create: { fullName: 'Lãnh Đạo Điểm Hai', roles: ['leader'] } },
  { name: 'accountant@B', kind: 'accountant', agency: B, create: { fullName: 'Kế Toán Điểm Hai', roles: ['accountant'] } },
  { name: 'supervisor@B', kind: 'supervisor', agency: B, create: { fullName: 'Giám Sát Điểm Hai', roles: ['supervisor'] } },
  { name: 'auditor@B', kind: 'auditor', agency: B, create: { fullName: 'Kiểm Toán Điểm Hai', roles: ['auditor'] } },
  { name: 'admin2@B', kind: 'admin2', agency: B, create: { fullName: 'Quản Trị Điểm Hai', roles: ['admin'], adminLevel: 2 } },
  { name: 'admin1', kind: 'admin1', agency: '*', demo: 'quantri' },
  { name: 'integrator@A', kind: 'integrator', agency: A, key: [A] },
  { name: 'integrator@B', kind: 'integrator', agency: B, key: [B] },
  { name: 'integrator@A+B', kind: 'integrator', agency: A, key: [A, B] },
  { name: 'portal', kind: 'portal', agency: '*', key: 'national' },
];

// ---------------------------------------------------------------------------------------------
// The expectation table for every endpoint but the actions (those are walked, further down).
// ---------------------------------------------------------------------------------------------

/** An answer: the status, and the error code where it tells an allowed refusal from a denial. */
type Answer = string;

/** What the row's "own agency / other agency" is about. `none`: nothing agency-bound, asked once. */
type Target = 'dossier' | 'agency' | 'account' | 'apiKey' | 'none';

/** The target of one call, in agency A or B. */
interface Side {
  agency: string;
  /** A received, open dossier of that agency. */
  dossier: { code: string; reference: string };
  /** A non-admin account of that agency. */
  account: string;
  /** An integrator key scoped to that agency (its id). */
  key: number;
}

interface Req {
  url?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Row {
  target: Target;
  /** Who gets past authorisation; every other signed-in caller gets 403, anonymous 401. `anyone`: public. */
  allow: readonly Kind[] | 'anyone';
  /** The answer to an allowed caller whose scope covers the target (national callers cover every agency). */
  own: Answer;
  /** The answer to an allowed caller of the other agency (default: `own`). */
  other?: Answer;
  /** Own-agency answers that differ for some kinds of allowed caller. */
  byKind?: Partial<Record<Kind, Answer>>;
  /** The call a caller makes; `mayChange`: the matrix expects it past authorisation (so it may really change its target). */
  request?: (side: Side, caller: Caller, mayChange: boolean) => Req | Promise<Req>;
  /** Runs once before the row. */
  before?: () => Promise<void>;
}

const STAFF: Kind[] = ['officer', 'appraiser', 'leader', 'accountant', 'supervisor', 'auditor', 'admin2', 'admin1'];
const INTEGRATORS: Kind[] = ['integrator', 'portal'];
const ADMINS: Kind[] = ['admin2', 'admin1'];
/** Statistics, the dashboard: supervisors, leaders, admins, auditors, one-stop officers. */
const READERS: Kind[] = ['officer', 'leader', 'supervisor', 'auditor', 'admin2', 'admin1'];
const NOT_A_SESSION = { integrator: '400 NOT_A_SESSION', portal: '400 NOT_A_SESSION' } as const;
const dossierUrl = (s: Side, rest = '') => `/api/v1/dossiers/${encodeURIComponent(s.dossier.code)}${rest}`;
const today = () => vietnamDate(new Date());
const NO_WEBHOOK = 'wh_00000000000000000000000000';

const ROUTES: Record<string, Row> = {
  // — inbound callbacks: no login; the signature is the caller's authentication (test/api/callbacks.test.ts) —
  'GET /api/v1/callbacks/payment': {
    // Always 200, as the gateway's contract wants; unsigned, every caller is told RspCode 97 and nothing changes.
    target: 'none', allow: 'anyone', own: '200',
    request: () => ({ url: '/api/v1/callbacks/payment?vnp_TxnRef=PO-1&vnp_Amount=13500000&vnp_ResponseCode=00&vnp_TransactionStatus=00' }),
  },
  'POST /api/v1/callbacks/post': {
    target: 'none', allow: 'anyone', own: '401 INVALID_SIGNATURE',
    request: () => ({ body: { trackingNumber: 'VN000000001', event: 'delivered', at: '2026-12-01T09:00:00+07:00' } }),
  },
  'POST /api/v1/callbacks/sms': {
    target: 'none', allow: 'anyone', own: '401 INVALID_SIGNATURE',
    request: () => ({ body: { from: '0912345678', text: 'GPLX 000.00.01.H22-261201-0001' } }),
  },
  // — webhook subscriptions: an API key's own; another key's are not shown to exist (test/api/webhooks.test.ts) —
  'POST /api/v1/webhooks': {
    target: 'none', allow: INTEGRATORS, own: '201',
    request: () => ({ body: { url: 'http://127.0.0.1:9/hooks', events: ['dossier.late'] } }),
  },
  'GET /api/v1/webhooks': { target: 'none', allow: INTEGRATORS, own: '200' },
  'DELETE /api/v1/webhooks/{id}': { target: 'none', allow: INTEGRATORS, own: '404 NOT_FOUND', request: () => ({ url: `/api/v1/webhooks/${NO_WEBHOOK}` }) },
  'POST /api/v1/webhooks/{id}/rotate-secret': { target: 'none', allow: INTEGRATORS, own: '404 NOT_FOUND', request: () => ({ url: `/api/v1/webhooks/${NO_WEBHOOK}/rotate-secret` }) },
  'GET /api/v1/webhooks/{id}/deliveries': { target: 'none', allow: INTEGRATORS, own: '404 NOT_FOUND', request: () => ({ url: `/api/v1/webhooks/${NO_WEBHOOK}/deliveries` }) },
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/retry': {
    target: 'none', allow: INTEGRATORS, own: '404 NOT_FOUND', request: () => ({ url: `/api/v1/webhooks/${NO_WEBHOOK}/deliveries/1/retry` }),
  },
  // — sessions —
  'POST /api/v1/auth/login': {
    target: 'none', allow: 'anyone', own: '200',
    request: () => ({ body: { username: 'motcua', password: 'demo' } }),
  },
  'POST /api/v1/auth/logout': {
    // Each staff caller logs out a second login of its own (the matrix keeps using the first).
    target: 'none', allow: [...STAFF, ...INTEGRATORS], own: '204', byKind: NOT_A_SESSION,
    request: async (_s, c) => ({ headers: await secondLogin(c) }),
  },
  'POST /api/v1/auth/password': {
    // The right current password and a weak new one: past authorisation, nothing changed.
    target: 'none', allow: [...STAFF, ...INTEGRATORS], own: '400 WEAK_PASSWORD', byKind: NOT_A_SESSION,
    request: (_s, c) => ({ body: { currentPassword: c.password ?? 'not-a-password', newPassword: 'short' } }),
  },
  'GET /api/v1/auth/me': { target: 'none', allow: [...STAFF, ...INTEGRATORS], own: '200' },

  // — dossiers —
  'POST /api/v1/dossiers': {
    // The agency's application sent again (same externalRef): 200 with the first submission, nothing new.
    target: 'agency', allow: INTEGRATORS, own: '200', other: '403',
    request: (s) => ({ body: ctx.resubmission[s.agency] }),
  },
  'GET /api/v1/dossiers': {
    target: 'agency', allow: STAFF, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/dossiers?agency=${s.agency}` }),
  },
  'GET /api/v1/dossiers/{id}': {
    target: 'dossier', allow: [...STAFF, ...INTEGRATORS], own: '200', other: '404',
    request: (s) => ({ url: dossierUrl(s) }),
  },
  'GET /api/v1/dossiers/{id}/documents/{form}': {
    // Form 01 (receipt and appointment); accountants and auditors print nothing.
    target: 'dossier', allow: ['officer', 'appraiser', 'leader', 'supervisor', 'admin2', 'admin1', ...INTEGRATORS], own: '200', other: '404',
    request: (s) => ({ url: dossierUrl(s, '/documents/01') }),
  },
  'GET /api/v1/dossiers/{code}/history': {
    target: 'dossier', allow: ['auditor', ...ADMINS], own: '200', other: '404',
    request: (s) => ({ url: dossierUrl(s, '/history') }),
  },
  'POST /api/v1/audit/replay': {
    target: 'dossier', allow: ['auditor', ...ADMINS], own: '200', other: '404',
    request: (s) => ({ body: { code: s.dossier.code } }),
  },
  // The Temporal Web UI's codec server: decoding is reading personal data, for those who read histories across agencies.
  'POST /codec/decode': {
    target: 'none', allow: ['auditor', 'admin1'], own: '200',
    request: () => ({ body: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('1').toString('base64') }] } }),
  },
  'POST /codec/encode': {
    target: 'none', allow: ['auditor', 'admin1'], own: '200',
    request: () => ({ body: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('1').toString('base64') }] } }),
  },
  'GET /api/v1/work-queue': {
    target: 'agency', allow: ['officer', 'appraiser', 'leader', 'accountant'], own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/work-queue?agency=${s.agency}` }),
  },
  'GET /api/v1/appraisers': {
    target: 'agency', allow: ['leader'], own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/appraisers?agency=${s.agency}` }),
  },
  'GET /api/v1/public/dossiers/{code}': {
    // No login, nothing personal (public-lookup.ts drops every other field).
    target: 'dossier', allow: 'anyone', own: '200',
    request: (s) => ({ url: `/api/v1/public/dossiers/${s.dossier.code}` }),
  },
  'GET /api/v1/public/dossiers/{code}/qr.svg': {
    target: 'dossier', allow: 'anyone', own: '200',
    request: (s) => ({ url: `/api/v1/public/dossiers/${s.dossier.code}/qr.svg` }),
  },
  'POST /api/v1/public/dossiers/{code}/feedback': {
    // No login: the shared dossiers are received, not delivered, so nothing is kept and the digits are not yet
    // looked at (test/api/faq-feedback.test.ts).
    target: 'dossier', allow: 'anyone', own: '409 FEEDBACK_BEFORE_DELIVERY',
    request: (s) => ({ url: `/api/v1/public/dossiers/${s.dossier.code}/feedback`, body: { rating: 5, citizenIdLast4: '0000' } }),
  },
  'GET /api/v1/public/faq': { target: 'none', allow: 'anyone', own: '200' },

  // — statistics and reports: the agency asked for is the caller's own, or refused —
  'GET /api/v1/stats': {
    target: 'agency', allow: READERS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/stats?agency=${s.agency}` }),
  },
  'GET /api/v1/stats/by-status': {
    target: 'agency', allow: READERS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/stats/by-status?agency=${s.agency}` }),
  },
  'GET /api/v1/stats/on-time': {
    target: 'agency', allow: READERS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/stats/on-time?agency=${s.agency}` }),
  },
  'GET /api/v1/reports/tracking-register.csv': {
    target: 'agency', allow: ['officer', 'leader', 'supervisor', 'admin2', 'admin1'], own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/reports/tracking-register.csv?from=${today()}&to=${today()}&agency=${s.agency}` }),
  },

  // — calendar: everyone reads it; the national holiday table is the national admin's, office hours each agency's —
  'GET /api/v1/calendar/entries': { target: 'none', allow: [...STAFF, ...INTEGRATORS], own: '200' },
  'POST /api/v1/calendar/entries': {
    // A date already in the table: past authorisation, nothing added.
    target: 'none', allow: ['admin1'], own: '400 DUPLICATE_DATE',
    request: () => ({ body: ctx.holiday }),
  },
  'PUT /api/v1/calendar/entries/{date}': {
    // A date not in the table: past authorisation, nothing changed.
    target: 'none', allow: ['admin1'], own: '404 NOT_FOUND',
    request: () => ({ url: '/api/v1/calendar/entries/2099-06-16', body: { name: 'không có' } }),
  },
  'DELETE /api/v1/calendar/entries/{date}': {
    target: 'none', allow: ['admin1'], own: '404 NOT_FOUND',
    request: () => ({ url: '/api/v1/calendar/entries/2099-06-16' }),
  },
  'POST /api/v1/calendar/preview': {
    // Previewing the removal of a date in the table: past authorisation, nothing saved.
    target: 'none', allow: ['admin1'], own: '200',
    request: () => ({ body: { action: 'delete', date: ctx.holiday.date } }),
  },
  'GET /api/v1/calendar/office-hours/{agency}': {
    // Reference data, not a dossier: any agency's hours may be read.
    target: 'agency', allow: [...STAFF, ...INTEGRATORS], own: '200', other: '200',
    request: (s) => ({ url: `/api/v1/calendar/office-hours/${s.agency}` }),
  },
  'PUT /api/v1/calendar/office-hours/{agency}': {
    // The hours the agency already has (its open dossiers recompute, nothing moves).
    target: 'agency', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/calendar/office-hours/${s.agency}`, body: { windows: ctx.officeHours[s.agency] } }),
  },
  'POST /api/v1/calendar/propagations': {
    // Temporal runs one batch operation per namespace at a time: let the earlier ones finish.
    target: 'none', allow: ['admin1'], own: '202', before: () => batchesSettled(),
  },
  'GET /api/v1/calendar/propagations/{id}': {
    target: 'none', allow: [...STAFF, ...INTEGRATORS], own: '200',
    request: () => ({ url: `/api/v1/calendar/propagations/${ctx.propagationId}` }),
  },
  'GET /api/v1/calendar/deadline': {
    target: 'none', allow: [...STAFF, ...INTEGRATORS], own: '200',
    request: () => ({ url: '/api/v1/calendar/deadline?from=2026-02-13T10:00:00%2B07:00&workingDays=5' }),
  },

  // — agencies: every admin reads them, the level-1 admin changes them —
  'GET /api/v1/admin/agencies': { target: 'none', allow: ADMINS, own: '200' },
  'POST /api/v1/admin/agencies': {
    target: 'none', allow: ['admin1'], own: '201',
    request: () => ({ body: { code: freshAgencyCode(), name: 'Điểm tiếp nhận thử' } }),
  },
  'GET /api/v1/admin/agencies/{code}': {
    target: 'agency', allow: ADMINS, own: '200', other: '200',
    request: (s) => ({ url: `/api/v1/admin/agencies/${s.agency}` }),
  },
  'PATCH /api/v1/admin/agencies/{code}': {
    target: 'agency', allow: ['admin1'], own: '200',
    request: (s) => ({ url: `/api/v1/admin/agencies/${s.agency}`, body: {} }),
  },
  'DELETE /api/v1/admin/agencies/{code}': {
    // Accounts and dossiers refer to both: past authorisation, nothing deleted.
    target: 'agency', allow: ['admin1'], own: '409 AGENCY_IN_USE',
    request: (s) => ({ url: `/api/v1/admin/agencies/${s.agency}` }),
  },

  // — accounts: a level-2 admin inside its agency only; the level-1 admin everywhere —
  'GET /api/v1/admin/accounts': {
    target: 'agency', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts?agency=${s.agency}` }),
  },
  'POST /api/v1/admin/accounts': {
    target: 'agency', allow: ADMINS, own: '201', other: '403',
    request: (s) => ({ body: { fullName: 'Tài Khoản Thử', agencyCode: s.agency, roles: ['supervisor'] } }),
  },
  'GET /api/v1/admin/accounts/{username}': {
    target: 'account', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts/${s.account}` }),
  },
  'PATCH /api/v1/admin/accounts/{username}': {
    target: 'account', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts/${s.account}`, body: { fullName: 'Đích Thử' } }),
  },
  'DELETE /api/v1/admin/accounts/{username}': {
    // A fresh account for each call expected to delete it.
    target: 'account', allow: ADMINS, own: '204', other: '403',
    request: async (s, _c, mayChange) => ({ url: `/api/v1/admin/accounts/${mayChange ? await freshAccount(s.agency) : s.account}` }),
  },
  'POST /api/v1/admin/accounts/{username}/close': {
    target: 'account', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts/${s.account}/close` }),
  },
  'POST /api/v1/admin/accounts/{username}/reopen': {
    target: 'account', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts/${s.account}/reopen` }),
  },
  'POST /api/v1/admin/accounts/{username}/unlock': {
    target: 'account', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts/${s.account}/unlock` }),
  },
  'POST /api/v1/admin/accounts/{username}/reset-password': {
    target: 'account', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts/${s.account}/reset-password` }),
  },
  'GET /api/v1/admin/accounts/{username}/sessions': {
    target: 'account', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts/${s.account}/sessions` }),
  },
  'POST /api/v1/admin/accounts/{username}/sessions/revoke': {
    target: 'account', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/accounts/${s.account}/sessions/revoke` }),
  },

  // — integrators' keys: a level-2 admin manages the keys scoped to its own agency —
  'GET /api/v1/admin/api-keys': { target: 'none', allow: ADMINS, own: '200' },
  'POST /api/v1/admin/api-keys': {
    target: 'agency', allow: ADMINS, own: '201', other: '403',
    request: (s) => ({ body: { name: freshKeyName(), agencyCodes: [s.agency] } }),
  },
  'POST /api/v1/admin/api-keys/{id}/revoke': {
    // A fresh key for each call expected to revoke it.
    target: 'apiKey', allow: ADMINS, own: '200', other: '403',
    request: async (s, _c, mayChange) => ({ url: `/api/v1/admin/api-keys/${mayChange ? await freshKey(s.agency) : s.key}/revoke` }),
  },

  // — the FAQ: an agency's entries are its admins' (national ones the level-1 admin's: test/api/faq-feedback.test.ts) —
  'GET /api/v1/admin/faq': {
    target: 'agency', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/faq?agency=${s.agency}` }),
  },
  'POST /api/v1/admin/faq': {
    // Unpublished: the public page does not change.
    target: 'agency', allow: ADMINS, own: '201', other: '403',
    request: (s) => ({ body: { question: 'Câu hỏi thử?', answer: 'Câu trả lời thử.', agencyCode: s.agency, published: false } }),
  },
  'PATCH /api/v1/admin/faq/{id}': {
    target: 'agency', allow: ADMINS, own: '200', other: '403',
    request: (s) => ({ url: `/api/v1/admin/faq/${ctx.faq[s.agency]}`, body: {} }),
  },
  'DELETE /api/v1/admin/faq/{id}': {
    // A fresh entry for each call expected to delete it.
    target: 'agency', allow: ADMINS, own: '204', other: '403',
    request: async (s, _c, mayChange) => ({ url: `/api/v1/admin/faq/${mayChange ? await freshFaq(s.agency) : ctx.faq[s.agency]}` }),
  },

  // — the access log: admins (a level-2 admin reads its own agency's accounts' entries) —
  'GET /api/v1/admin/access-log': { target: 'none', allow: ADMINS, own: '200' },
};

/** The pages outside the API: public, nothing behind them but static files, the OpenAPI document, the health probes and the metrics (counts only; METRICS_TOKEN guards them when set). */
const PUBLIC_PAGES = new Set([
  'GET /', 'GET /health', 'GET /health/live', 'GET /health/ready', 'GET /metrics', 'GET /favicon.ico', 'GET /vendor/chart.umd.min.js',
  'GET /console/labels.js', 'GET /console/*',
  'GET /tra-cuu', 'GET /tra-cuu/{}', 'GET /tra-cuu/assets/*', 'GET /hoi-dap',
  // The codec endpoint's CORS preflight (@fastify/cors): it carries no credentials by definition.
  'OPTIONS /codec*',
  'GET /docs', 'GET /docs/', 'GET /docs/json', 'GET /docs/yaml', 'GET /docs/static/index.html', 'GET /docs/static/swagger-initializer.js', 'GET /docs/static/*',
]);

// ---------------------------------------------------------------------------------------------
// Workflow actions: who may take each (the state machine then checks state and person).
// ---------------------------------------------------------------------------------------------

const ACTIONS: Record<ActionName, readonly Kind[]> = {
  receive: ['officer'],
  'request-supplement': ['officer'],
  refuse: ['officer'],
  supplement: ['integrator', 'portal'],
  assign: ['leader'],
  appraise: ['appraiser'], // and only the one it is assigned to
  approve: ['leader'],
  'send-back': ['leader'],
  'record-payment': ['accountant', 'integrator', 'portal'], // counter by the accountant, online by the integrator
  ship: ['officer'],
  'hand-over': ['officer'],
  'confirm-delivery': ['integrator', 'portal'],
  withdraw: ['integrator', 'portal'],
  'recheck-verification': ['officer', 'leader'],
  reschedule: ['leader'],
};

/** Which roles see the applicant's citizen ID, phone, address and date of birth unmasked (SPEC 6). */
const SEES_PERSONAL_DATA: Record<Kind, boolean> = {
  officer: true,
  appraiser: true,
  leader: true,
  accountant: false,
  supervisor: false,
  auditor: false,
  admin2: false,
  admin1: false,
  integrator: true,
  portal: true,
};

// ---------------------------------------------------------------------------------------------
// The stack, the callers and the targets.
// ---------------------------------------------------------------------------------------------

let stack: Stack;
let app: FastifyInstance;

const ctx = {
  callers: [] as Caller[],
  /** A received, open dossier of each agency: the target of the read rows. */
  read: {} as Record<string, { code: string; reference: string }>,
  /** A non-admin account of each agency: the target of the account rows. */
  account: {} as Record<string, string>,
  /** A key scoped to each agency: the target of refused revocations. */
  key: {} as Record<string, number>,
  /** An unpublished FAQ entry of each agency: the target of the FAQ rows. */
  faq: {} as Record<string, number>,
  /** An application each agency has already received (same externalRef again: 200, nothing new). */
  resubmission: {} as Record<string, object>,
  holiday: {} as { date: string; kind: string; name: string },
  officeHours: {} as Record<string, { start: string; end: string }[]>,
  propagationId: '',
};

function caller(name: string): Caller {
  const c = ctx.callers.find((x) => x.name === name);
  if (!c) throw new Error(`no caller ${name}`);
  return c;
}
const covers = (c: Caller, agency: string) => c.agency === '*' || (c.agencies ?? [c.agency]).includes(agency);
const short = (agency: string) => (agency === A ? 'A' : 'B');

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function send(c: Caller, method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: headers ?? c.headers,
    remoteAddress: c.address,
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

async function ok(c: Caller, method: Method, url: string, body?: unknown, status = 200): Promise<DossierBody> {
  const res = await send(c, method, url, body);
  expect(res.statusCode, `${c.name} ${method} ${url}: ${res.body}`).toBe(status);
  return res.statusCode === 204 ? {} : res.json<DossierBody>();
}

async function login(username: string, password: string, address: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: address });
  expect(res.statusCode, `login ${username}: ${res.body}`).toBe(200);
  return res.json<{ token: string }>().token;
}

/** Another login of a staff caller (to be logged out); an integrator's key as it is. */
async function secondLogin(c: Caller): Promise<Record<string, string>> {
  if (!c.username || !c.password) return c.headers;
  return { authorization: `Bearer ${await login(c.username, c.password, c.address)}` };
}

let fresh = 0;
const freshAgencyCode = () => `000.00.${String(60 + (fresh++ % 40))}.H22`;
const freshKeyName = () => `authz-key-${fresh++}`;

/** A new non-admin account of the agency, made by the level-1 admin. */
async function freshAccount(agency: string): Promise<string> {
  const { account } = await ok(caller('admin1'), 'POST', '/api/v1/admin/accounts', { fullName: 'Xóa Thử', agencyCode: agency, roles: ['supervisor'] }, 201);
  return account.username as string;
}

/** A new key scoped to the agency, made by the level-1 admin; its id. */
async function freshKey(agency: string): Promise<number> {
  return (await ok(caller('admin1'), 'POST', '/api/v1/admin/api-keys', { name: freshKeyName(), agencyCodes: [agency] }, 201)).id as number;
}

/** A new unpublished FAQ entry of the agency, made by the level-1 admin; its id. */
async function freshFaq(agency: string): Promise<number> {
  return (await ok(caller('admin1'), 'POST', '/api/v1/admin/faq', { question: 'Xoá thử?', answer: 'Xoá thử.', agencyCode: agency, published: false }, 201)).id as number;
}

/** Waits until no batch operation (calendar propagation) runs in the namespace. */
async function batchesSettled(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { operationInfo } = await stack.env.client.workflowService.listBatchOperations({ namespace: stack.env.namespace ?? 'default' });
    // BATCH_OPERATION_STATE_RUNNING = 1
    if (!operationInfo?.some((o) => o.state === 1)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('calendar propagations never finished');
}

async function lookUp(id: string): Promise<DossierBody> {
  return ok(caller('portal'), 'GET', `/api/v1/dossiers/${encodeURIComponent(id)}`);
}

async function waitForStatus(id: string, status: string): Promise<DossierBody> {
  for (let i = 0; i < 600; i++) {
    const res = await send(caller('portal'), 'GET', `/api/v1/dossiers/${encodeURIComponent(id)}`);
    if (res.statusCode === 200 && res.json<DossierBody>().status === status) return res.json<DossierBody>();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${id} never reached ${status}: ${(await send(caller('portal'), 'GET', `/api/v1/dossiers/${encodeURIComponent(id)}`)).body}`);
}

const integratorOf = (agency: string) => (agency === A ? 'integrator@A' : 'integrator@B');
const officerOf = (agency: string) => (agency === A ? 'officer@A' : 'officer@B');
const leaderOf = (agency: string) => (agency === A ? 'leader@A' : 'leader@B');
const appraiserOf = (agency: string) => (agency === A ? 'appraiser@A' : 'appraiser@B');
const accountantOf = (agency: string) => (agency === A ? 'accountant@A' : 'accountant@B');

/** A new dossier of the agency, submitted by its own integrator, verified and awaiting receipt; its reference. */
async function submitted(agency: string, overrides: Parameters<typeof application>[0] = {}): Promise<string> {
  const { reference } = await ok(caller(integratorOf(agency)), 'POST', '/api/v1/dossiers', { ...application(overrides), agencyCode: agency }, 201);
  await waitForStatus(reference as string, 'AWAITING_RECEIPT');
  return reference as string;
}

async function perform(name: string, id: string, action: ActionName, body: object): Promise<DossierBody> {
  return ok(caller(name), 'POST', `/api/v1/dossiers/${encodeURIComponent(id)}/actions/${action}`, body);
}

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);

  // Demo accounts log in; the level-1 admin then makes agency B's staff and the scoped keys.
  let n = 0;
  const make = (spec: CallerSpec, headers: Record<string, string>, extra: Partial<Caller> = {}): Caller => ({
    name: spec.name, kind: spec.kind, agency: spec.agency, headers, address: `10.77.${n}.1`, ...extra,
  });
  for (const spec of CALLERS) {
    n += 1;
    if (spec.kind === 'anonymous') ctx.callers.push(make(spec, {}));
    else if (spec.demo) {
      const address = `10.77.${n}.1`;
      ctx.callers.push(make(spec, { authorization: `Bearer ${await login(spec.demo, 'demo', address)}` }, { username: spec.demo, password: 'demo' }));
    } else if (spec.key === 'national') ctx.callers.push(make(spec, { 'x-api-key': INTEGRATOR_KEY }));
  }
  n = 0;
  for (const spec of CALLERS) {
    n += 1;
    if (spec.create) {
      const created = await ok(caller('admin1'), 'POST', '/api/v1/admin/accounts', {
        ...spec.create, agencyCode: spec.agency, unit: 'MC', scope: 'agency',
      }, 201);
      const username = created.account.username as string;
      const address = `10.77.${n}.1`;
      const token = await login(username, created.initialPassword as string, address);
      const headers = { authorization: `Bearer ${token}` };
      const changed = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers, remoteAddress: address, payload: { currentPassword: created.initialPassword, newPassword: STRONG } });
      expect(changed.statusCode, changed.body).toBe(204);
      ctx.callers.push(make(spec, headers, { username, password: STRONG }));
    } else if (Array.isArray(spec.key)) {
      const { key } = await ok(caller('admin1'), 'POST', '/api/v1/admin/api-keys', { name: `authz-${spec.name.replace(/[@+]/g, '-').toLowerCase()}`, agencyCodes: spec.key }, 201);
      ctx.callers.push(make(spec, { 'x-api-key': key as string }, spec.key.length > 1 ? { agencies: spec.key } : {}));
    }
  }
  // Keep the table's order whatever the creation order was.
  ctx.callers.sort((x, y) => CALLERS.findIndex((s) => s.name === x.name) - CALLERS.findIndex((s) => s.name === y.name));

  for (const agency of [A, B]) {
    ctx.account[agency] = await freshAccount(agency);
    ctx.key[agency] = await freshKey(agency);
    ctx.faq[agency] = await freshFaq(agency);
    const resubmission = { ...application({ externalRef: `AUTHZ-${short(agency)}` }), agencyCode: agency };
    await ok(caller(integratorOf(agency)), 'POST', '/api/v1/dossiers', resubmission, 201);
    ctx.resubmission[agency] = resubmission;
    ctx.officeHours[agency] = (await ok(caller('admin1'), 'GET', `/api/v1/calendar/office-hours/${agency}`)).windows;
  }
  const [readA, readB] = await Promise.all([A, B].map(async (agency) => {
    const reference = await submitted(agency);
    const { code } = await perform(officerOf(agency), reference, 'receive', {});
    return { code: code as string, reference };
  }));
  ctx.read = { [A]: readA!, [B]: readB! };
  const entries = (await ok(caller('admin1'), 'GET', '/api/v1/calendar/entries')).entries as { date: string; kind: string; name: string }[];
  const holiday = entries.find((e) => e.kind === 'holiday')!;
  ctx.holiday = { date: holiday.date, kind: holiday.kind, name: holiday.name };
  ctx.propagationId = (await ok(caller('admin1'), 'POST', '/api/v1/calendar/propagations', undefined, 202)).id as string;
}, LONG);

afterAll(async () => {
  await app?.close();
  await stack?.stop();
}, LONG);

// ---------------------------------------------------------------------------------------------
// Endpoints.
// ---------------------------------------------------------------------------------------------

const normalise = (route: string) => route.replace(/\{[^/}]+\}/g, '{}').replace(/:[^/]+/g, '{}');

/** Every method + path the app answers (HEAD aside: it runs the GET route), read off Fastify's route tree. */
function registeredRoutes(): string[] {
  const segments: string[] = [];
  const routes = new Set<string>();
  for (const line of app.printRoutes().split('\n')) {
    const m = /^(.*?)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    segments.length = depth;
    segments.push(m[2]!);
    for (const method of (m[3] ?? '').split(', ')) {
      if (method && method !== 'HEAD') routes.add(normalise(`${method} ${segments.join('')}`));
    }
  }
  return [...routes].sort();
}

function expectedAnswer(row: Row, c: Caller, agency: string | undefined): Answer {
  if (row.allow === 'anyone') return row.own;
  if (c.kind === 'anonymous') return '401';
  if (!row.allow.includes(c.kind)) return '403';
  if (agency === undefined || covers(c, agency)) return row.byKind?.[c.kind] ?? row.own;
  return row.other ?? row.own;
}

/** The answer as the table writes it; anything unexpected in full, to read in the diff. */
function answerOf(res: LightMyRequestResponse, expected: Answer): Answer {
  let error: { code?: string; message?: string } | undefined;
  try {
    error = (res.json() as { error?: { code?: string; message?: string } }).error;
  } catch {
    error = undefined;
  }
  const [status, code] = expected.split(' ');
  if (String(res.statusCode) === status && (!code || error?.code === code)) return expected;
  return error ? `${res.statusCode} ${error.code}: ${error.message}` : String(res.statusCode);
}

const sideOf = (agency: string): Side => ({ agency, dossier: ctx.read[agency]!, account: ctx.account[agency]!, key: ctx.key[agency]! });

describe('the authorisation matrix', () => {
  it('has a row for every endpoint the app registers, and none for an endpoint it does not', async () => {
    const registered = registeredRoutes();
    const isApi = (r: string) => !r.startsWith('OPTIONS ') && (r.includes(' /api/v1/') || r.includes(' /codec/'));
    const api = registered.filter(isApi);
    const table = new Set([...Object.keys(ROUTES), ...ACTION_NAMES.map((a) => `POST /api/v1/dossiers/{id}/actions/${a}`)].map(normalise));
    expect([
      ...api.filter((r) => !table.has(r)).map((r) => `endpoint ${r} has no expectation in the authorisation matrix`),
      ...[...table].filter((r) => !api.includes(r)).map((r) => `the matrix expects ${r}, which the app does not register`),
      ...registered.filter((r) => !isApi(r) && !PUBLIC_PAGES.has(r)).map((r) => `page ${r} is neither in the API nor a known public page`),
    ]).toEqual([]);
    // The route tree was read right: every route the OpenAPI document describes is in it.
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).filter((m) => m !== 'head' && m !== 'parameters').map((m) => normalise(`${m.toUpperCase()} ${path}`)),
    );
    expect(documented.length).toBeGreaterThan(40);
    expect(documented.filter((r) => !registered.includes(r))).toEqual([]);
  });

  it('agrees with the state machine on who takes each action, and with domain/roles.ts on who sees personal data', () => {
    for (const action of ACTION_NAMES) {
      expect(new Set(ACTIONS[action].map((k) => ROLE_OF[k])), action).toEqual(new Set(RULES[action].roles));
    }
    for (const kind of Object.keys(SEES_PERSONAL_DATA) as Kind[]) {
      expect(SEES_PERSONAL_DATA[kind], kind).toBe(ROLES_SEEING_PERSONAL_DATA.has(ROLE_OF[kind]));
    }
  });

  it('lets the public pages answer without a login', async () => {
    for (const url of ['/health', '/docs/json', '/tra-cuu', '/console/labels.js', '/console/']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  for (const [route, row] of Object.entries(ROUTES)) {
    it(`${route}: ${row.allow === 'anyone' ? 'anyone' : row.allow.join(', ')}`, async () => {
      const [method, path] = route.split(' ') as [Method, string];
      await row.before?.();
      const expected: Record<string, Answer> = {};
      const actual: Record<string, Answer> = {};
      for (const c of ctx.callers) {
        for (const agency of row.target === 'none' ? [undefined] : [A, B]) {
          const label = agency ? `${c.name} → ${row.target} of ${short(agency)}` : c.name;
          const answer = expectedAnswer(row, c, agency);
          const req = (await row.request?.(sideOf(agency ?? A), c, answer !== '401' && answer !== '403')) ?? {};
          const res = await send(c, method, req.url ?? path, req.body, req.headers);
          expected[label] = answer;
          actual[label] = answerOf(res, answer);
        }
      }
      expect(actual).toEqual(expected);
    }, LONG);
  }
});

// ---------------------------------------------------------------------------------------------
// Workflow actions, walked: at each step every caller tries the step's action on the dossier;
// then the one whose turn it is takes it.
// ---------------------------------------------------------------------------------------------

interface Dossier {
  id: string;
  agency: string;
  assignee?: string;
}

interface Probe {
  caller: string;
  /** Shown next to the caller's name when the caller is also asked the usual way. */
  label?: string;
  body: object;
  expect: Answer;
}

interface Step {
  action: ActionName;
  /** What each caller sends (valid for the route: a refusal is then about who asks, not what). */
  body: (c: Caller) => object;
  /** Who takes the action at the end of the step, and the state it leads to; none: nobody can here. */
  performer?: string;
  after?: string;
  /** Allowed callers asked with a body the state machine refuses (409), proving they got past authorisation. */
  probes?: Probe[];
}

/** Actions and kinds of caller seen getting past authorisation (200, or a 409 from the state machine). */
const authorised = new Set<string>();
const walked = new Set<ActionName>();

/** What the matrix expects for a caller who is neither the step's performer nor probed. */
function refusal(c: Caller, action: ActionName, d: Dossier): Answer | 'authorised' {
  if (c.kind === 'anonymous') return '401';
  if (!ACTIONS[action].includes(c.kind)) return '403';
  if (!covers(c, d.agency)) return '404';
  if (action === 'appraise' && c.username !== d.assignee) return '403'; // the wrong person
  return 'authorised';
}

/** Whatever an officer's view shows that a refused action could have changed. */
async function snapshot(d: Dossier) {
  const s = await lookUp(d.id);
  return {
    status: s.status,
    assignee: s.assignee,
    transitions: (s.transitions as DossierBody[]).map((t) => `${t.action} ${t.from ?? ''}→${t.to} by ${t.actor.username}`),
    supplement: s.supplement,
    payment: s.payment,
    shipment: s.shipment,
  };
}

async function step(d: Dossier, s: Step): Promise<DossierBody | undefined> {
  walked.add(s.action);
  const url = `/api/v1/dossiers/${encodeURIComponent(d.id)}/actions/${s.action}`;
  const before = await snapshot(d);
  const expected: Record<string, Answer> = {};
  const actual: Record<string, Answer> = {};
  const ask = async (c: Caller, label: string, body: object, answer: Answer) => {
    const res = await send(c, 'POST', url, body);
    expected[label] = answer;
    actual[label] = answerOf(res, answer);
    if (actual[label] === answer && /^(200|409)/.test(answer) && c.kind !== 'anonymous') authorised.add(`${s.action} ${c.kind}`);
  };
  for (const c of ctx.callers) {
    if (c.name === s.performer) continue;
    const probe = s.probes?.find((p) => p.caller === c.name && !p.label);
    if (probe) {
      await ask(c, c.name, probe.body, probe.expect);
      continue;
    }
    const answer = refusal(c, s.action, d);
    // Allowed but not asked here: it takes this action in another walk.
    if (answer !== 'authorised') await ask(c, c.name, s.body(c), answer);
  }
  for (const p of s.probes?.filter((x) => x.label) ?? []) await ask(caller(p.caller), `${p.caller} (${p.label})`, p.body, p.expect);
  expect(actual, `${s.action} on ${d.id}`).toEqual(expected);
  // Refused and probed calls changed nothing.
  expect(await snapshot(d), `${s.action} on ${d.id}: refusals changed nothing`).toEqual(before);
  if (!s.performer) return undefined;
  const performer = caller(s.performer);
  const res = await send(performer, 'POST', url, s.body(performer));
  expect(res.statusCode, `${s.performer} ${s.action}: ${res.body}`).toBe(200);
  authorised.add(`${s.action} ${performer.kind}`);
  const after = res.json<DossierBody>();
  expect(after.status, `${s.performer} ${s.action}`).toBe(s.after);
  return after;
}

const FEE = 135_000;
const payment = (c: Caller, amount = FEE) =>
  c.kind === 'accountant' ? { amount, method: 'counter', transactionRef: 'BL-01' } : { amount, method: 'online', transactionRef: 'PG-01' };
/** The appraiser a leader (or anyone) names: one of the caller's own agency, so only the dossier's agency can refuse it. */
const appraiserFor = (c: Caller, d: Dossier) => caller(appraiserOf(c.agency === A || c.agency === B ? c.agency : d.agency)).username!;
const NOT_ALLOWED = '409 ACTION_NOT_ALLOWED';

async function receivedAndAssigned(agency: string, overrides: Parameters<typeof application>[0] = {}): Promise<Dossier> {
  const reference = await submitted(agency, overrides);
  const { code } = await perform(officerOf(agency), reference, 'receive', {});
  const assignee = caller(appraiserOf(agency)).username!;
  await perform(leaderOf(agency), code as string, 'assign', { appraiser: assignee });
  return { id: code as string, agency, assignee };
}

describe.each([
  { agency: A, other: B },
  { agency: B, other: A },
])('workflow actions on dossiers of $agency (callers of $other answer 404)', ({ agency }) => {
  // In A the agency's own key makes the integrator's moves; in B the national portal's key makes some,
  // so that each kind of integrator is seen taking each of its actions.
  const national = agency === B;

  it('post delivery: receive, assign, (reschedule), appraise, send back, approve, pay online, ship, confirm delivery', async () => {
    const d: Dossier = { id: await submitted(agency), agency };
    const received = await step(d, { action: 'receive', body: () => ({}), performer: officerOf(agency), after: 'RECEIVED' });
    d.id = received!.code as string;
    await step(d, { action: 'assign', body: (c) => ({ appraiser: appraiserFor(c, d) }), performer: leaderOf(agency), after: 'IN_APPRAISAL' });
    d.assignee = caller(appraiserOf(agency)).username;
    // Both registries answered at verification: the officer and the leader are refused by the state machine (409), past authorisation.
    await step(d, { action: 'recheck-verification', body: () => ({}), probes: [officerOf(agency), leaderOf(agency)].map((c) => ({ caller: c, body: {}, expect: NOT_ALLOWED })) });
    const reschedule = { reason: 'quá tải', newDueAt: '2099-01-05T10:00:00+07:00' };
    // No apology is due yet: the leader is refused by the state machine (409), past authorisation.
    await step(d, { action: 'reschedule', body: () => reschedule, probes: [{ caller: leaderOf(agency), body: reschedule, expect: NOT_ALLOWED }] });
    // appraiser2@A holds the role in the right agency but is not the one assigned: 403.
    await step(d, { action: 'appraise', body: () => ({ outcome: 'pass' }), performer: appraiserOf(agency), after: 'AWAITING_APPROVAL' });
    await step(d, { action: 'send-back', body: () => ({ reason: 'Ảnh chưa rõ' }), performer: leaderOf(agency), after: 'IN_APPRAISAL' });
    await perform(appraiserOf(agency), d.id, 'appraise', { outcome: 'pass' });
    await step(d, { action: 'approve', body: () => ({}), performer: leaderOf(agency), after: 'AWAITING_PAYMENT' });
    await step(d, {
      action: 'record-payment',
      body: (c) => payment(c),
      performer: national ? 'portal' : integratorOf(agency),
      after: 'RESULT_READY',
      probes: [
        { caller: accountantOf(agency), body: payment(caller(accountantOf(agency)), 1), expect: NOT_ALLOWED },
        { caller: national ? integratorOf(agency) : 'portal', body: payment(caller('portal'), 1), expect: NOT_ALLOWED },
        { caller: 'integrator@A+B', body: payment(caller('portal'), 1), expect: NOT_ALLOWED },
      ],
    });
    const shipped = await step(d, { action: 'ship', body: () => ({}), performer: officerOf(agency), after: 'SHIPPED' });
    const trackingNumber = shipped!.shipment.trackingNumber as string;
    await step(d, {
      action: 'confirm-delivery',
      body: () => ({ trackingNumber }),
      performer: integratorOf(agency),
      after: 'DELIVERED',
      probes: ['portal', 'integrator@A+B'].map((name) => ({ caller: name, body: { trackingNumber: 'EP000000000VN' }, expect: NOT_ALLOWED })),
    });
    // Closed: its own officer is told so (409); another agency's still learns nothing (404).
    await step(d, { action: 'hand-over', body: () => ({}), probes: [{ caller: officerOf(agency), body: {}, expect: '409' }] });
  }, LONG);

  it('counter: the accountant records a counter payment (not an online one), the officer hands the licence over', async () => {
    const d = await receivedAndAssigned(agency, { delivery: 'counter' });
    await perform(appraiserOf(agency), d.id, 'appraise', { outcome: 'pass' });
    await perform(leaderOf(agency), d.id, 'approve', {});
    const accountant = caller(accountantOf(agency));
    const paid = await step(d, {
      action: 'record-payment',
      body: (c) => payment(c),
      performer: accountantOf(agency),
      after: 'RESULT_READY',
      probes: [
        { caller: integratorOf(agency), body: payment(caller('portal'), 1), expect: NOT_ALLOWED },
        { caller: 'portal', body: payment(caller('portal'), 1), expect: NOT_ALLOWED },
        // Right role, right agency, but the other role's payment method: refused as the wrong person.
        { caller: accountantOf(agency), label: 'online payment', body: payment(caller('portal')), expect: '403 FORBIDDEN' },
        { caller: integratorOf(agency), label: 'counter payment', body: payment(accountant), expect: '403 FORBIDDEN' },
      ],
    });
    // The accountant's own answer is masked, as its look-ups are.
    expect(paid).toMatchObject({ personalDataMasked: true, applicant: { citizenId: expect.stringMatching(/^\*{8}\d{4}$/) } });
    await step(d, { action: 'hand-over', body: () => ({}), performer: officerOf(agency), after: 'DELIVERED' });
  }, LONG);

  it('supplement: requested by the officer, supplied by the integrator', async () => {
    const d: Dossier = { id: await submitted(agency, { citizenSuffix: '9002' }), agency };
    await step(d, { action: 'request-supplement', body: () => ({ items: [{ name: 'Giấy khám sức khỏe', reason: 'hết hạn' }] }), performer: officerOf(agency), after: 'AWAITING_SUPPLEMENT' });
    await step(d, {
      action: 'supplement',
      body: () => ({ documents: [{ name: 'Giấy khám sức khỏe', reference: 'GKSK-2' }] }),
      performer: national ? 'portal' : integratorOf(agency),
      after: 'AWAITING_RECEIPT',
    });
  }, LONG);

  it('refusal at intake', async () => {
    const d: Dossier = { id: await submitted(agency, { citizenSuffix: '9005' }), agency };
    await step(d, { action: 'refuse', body: () => ({ reasons: ['GPLX đã bị thu hồi'] }), performer: officerOf(agency), after: 'REFUSED_AT_INTAKE' });
  }, LONG);

  it('withdrawal by the citizen, through the integrator', async () => {
    const d: Dossier = { id: await submitted(agency), agency };
    // In B by the key scoped to A and B: it acts for the dossier's own agency.
    await step(d, { action: 'withdraw', body: () => ({ reason: 'không còn nhu cầu' }), performer: national ? 'integrator@A+B' : 'portal', after: 'WITHDRAWN' });
  }, LONG);
});

describe('every action', () => {
  it('was walked, and every kind of caller allowed to take it was seen getting past authorisation', () => {
    expect(ACTION_NAMES.filter((a) => !walked.has(a))).toEqual([]);
    const missing = ACTION_NAMES.flatMap((a) => ACTIONS[a].filter((k) => !authorised.has(`${a} ${k}`)).map((k) => `${a} by ${k}`));
    expect(missing).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// What each caller sees: masking, listings, data scope.
// ---------------------------------------------------------------------------------------------

describe('personal data', () => {
  it('is masked for the roles that do not need it, in look-ups, search results and the tracking register', async () => {
    const raw = (await lookUp(ctx.read[A]!.code)).applicant as DossierBody;
    const rawDelivery = (await lookUp(ctx.read[A]!.code)).delivery.address as string;
    const seenAs = (d: DossierBody): string => {
      const a = d.applicant as DossierBody;
      const fields = { citizenId: a.citizenId, phone: a.phone, address: a.address, dateOfBirth: a.dateOfBirth, delivery: d.delivery.address };
      const rawFields = { citizenId: raw.citizenId, phone: raw.phone, address: raw.address, dateOfBirth: raw.dateOfBirth, delivery: rawDelivery };
      const shown = Object.entries(fields).filter(([k, v]) => v === rawFields[k as keyof typeof rawFields]).map(([k]) => k);
      if (shown.length === 5 && d.personalDataMasked === false) return 'unmasked';
      const masked =
        /^\*{8}\d{4}$/.test(a.citizenId) && /^\d{3}\*{4}\d{3}$/.test(a.phone) && /^\d{4}-\*\*-\*\*$/.test(a.dateOfBirth) &&
        !a.address.includes('Lý Thường Kiệt') && !String(d.delivery.address).includes('Lý Thường Kiệt') && a.fullName === raw.fullName;
      return masked && shown.length === 0 && d.personalDataMasked === true ? 'masked' : `partly masked (shown: ${shown.join(', ')})`;
    };
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const c of ctx.callers.filter((x) => x.kind !== 'anonymous' && covers(x, A))) {
      const kind = c.kind as Kind;
      expected[c.name] = SEES_PERSONAL_DATA[kind] ? 'unmasked' : 'masked';
      actual[c.name] = seenAs(await ok(c, 'GET', `/api/v1/dossiers/${ctx.read[A]!.code}`));
    }
    expect(actual).toEqual(expected);

    // Search results: the citizen ID, and searching by it, only for the roles that see it.
    for (const c of ctx.callers.filter((x) => STAFF.includes(x.kind as Kind) && covers(x, A))) {
      const open = SEES_PERSONAL_DATA[c.kind as Kind];
      const items = (await ok(c, 'GET', `/api/v1/dossiers?agency=${A}&limit=200`)).items as DossierBody[];
      const mine = items.find((i) => i.reference === ctx.read[A]!.reference);
      expect(mine?.applicant.citizenId, c.name).toBe(open ? raw.citizenId : `********${String(raw.citizenId).slice(-4)}`);
      expect((await send(c, 'GET', `/api/v1/dossiers?citizenId=${raw.citizenId}`)).statusCode, c.name).toBe(open ? 200 : 403);
    }

    // The tracking register (form 07): the applicant's address column.
    for (const name of ['officer@A', 'leader@A', 'supervisor@A', 'admin2@A', 'admin1']) {
      const c = caller(name);
      const res = await send(c, 'GET', `/api/v1/reports/tracking-register.csv?from=${today()}&to=${today()}&agency=${A}`);
      expect(res.statusCode, name).toBe(200);
      const line = res.body.split('\n').find((l) => l.includes(ctx.read[A]!.code));
      expect(line, `${name}: ${res.body}`).toBeDefined();
      expect(line!.includes(raw.address as string), name).toBe(SEES_PERSONAL_DATA[c.kind as Kind]);
    }
  }, LONG);
});

describe('listings', () => {
  it("show a caller only its own agency's dossiers (the national callers every agency's)", async () => {
    const seen: Record<string, string[]> = {};
    const expected: Record<string, string[]> = {};
    for (const c of ctx.callers.filter((x) => x.kind !== 'anonymous')) {
      const kind = c.kind as Kind;
      const agencies = new Set<string>();
      if (STAFF.includes(kind)) {
        for (const i of (await ok(c, 'GET', '/api/v1/dossiers?limit=200')).items as DossierBody[]) agencies.add(`search ${short(i.agencyCode)}`);
      }
      if (['officer', 'appraiser', 'leader', 'accountant'].includes(kind)) {
        for (const i of (await ok(c, 'GET', '/api/v1/work-queue?limit=200')).items as DossierBody[]) agencies.add(`queue ${short(i.agencyCode)}`);
      }
      if (READERS.includes(kind)) {
        const { period } = await ok(c, 'GET', '/api/v1/stats');
        agencies.add(`stats ${period.agency === 'all' ? 'all' : (period.agency as string[]).map(short).join('+')}`);
      }
      seen[c.name] = [...agencies].sort();
      // Never another agency's; a national caller's listings span both.
      const own = c.agency === '*' ? ['A', 'B'] : [short(c.agency!)];
      expected[c.name] = seen[c.name]!.filter((s) => own.some((a) => s.endsWith(` ${a}`)) || s === 'stats all');
    }
    expect(seen).toEqual(expected);
    // Each agency's officers do have something in their search and queue (the check above is not vacuous).
    expect(seen['officer@A']).toEqual(expect.arrayContaining(['search A', 'queue A', 'stats A']));
    expect(seen['officer@B']).toEqual(expect.arrayContaining(['search B', 'queue B', 'stats B']));
    expect(seen.admin1).toEqual(expect.arrayContaining(['search A', 'search B', 'stats all']));
  }, LONG);

  it('of accounts and keys: a level-2 admin sees its own agency only', async () => {
    for (const name of ['admin2@A', 'admin2@B']) {
      const c = caller(name);
      const accounts = (await ok(c, 'GET', '/api/v1/admin/accounts')).items as DossierBody[];
      expect(new Set(accounts.map((a) => a.agencyCode)), name).toEqual(new Set([c.agency]));
      const keys = (await ok(c, 'GET', '/api/v1/admin/api-keys')).items as DossierBody[];
      expect(keys.length, name).toBeGreaterThan(0);
      expect(keys.every((k) => k.agencyCodes.length === 1 && k.agencyCodes[0] === c.agency), name).toBe(true);
      // Admin accounts of its own agency are level 1's business.
      expect((await send(c, 'GET', '/api/v1/admin/accounts/quantri')).statusCode, name).toBe(403);
    }
    expect((await send(caller('admin2@A'), 'POST', '/api/v1/admin/accounts/quantri2/close')).statusCode).toBe(403);
  }, LONG);
});

describe('data scope and assignment', () => {
  it('own scope sees what it works on; nobody assigns an appraiser of another agency', async () => {
    let n = 0;
    const create = async (fullName: string, roles: Role[], kind: Kind, extra: object = {}): Promise<Caller> => {
      const { account, initialPassword } = await ok(caller('admin1'), 'POST', '/api/v1/admin/accounts', {
        fullName, roles, scope: 'own', agencyCode: A, ...extra,
      }, 201);
      const username = account.username as string;
      const address = `10.78.${n++}.1`;
      const headers = { authorization: `Bearer ${await login(username, initialPassword as string, address)}` };
      const changed = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers, remoteAddress: address, payload: { currentPassword: initialPassword, newPassword: STRONG } });
      expect(changed.statusCode, changed.body).toBe(204);
      return { name: username, kind, agency: kind === 'admin1' ? '*' : A, username, password: STRONG, headers, address };
    };
    const ownOfficer = await create('Một Cửa Riêng', ['one_stop_officer'], 'officer', { unit: 'MC' });
    const ownAppraiser = await create('Thẩm Định Riêng', ['appraiser'], 'appraiser', { unit: 'QLPT' });
    // A level-1 admin who is also a leader acts for every agency; the appraiser must still be the dossier's agency's.
    const nationalLeader = await create('Lãnh Đạo Toàn Quốc', ['admin', 'leader'], 'admin1', { adminLevel: 1 });

    const d = await receivedAndAssigned(A);
    const waiting = await submitted(A);
    // The officer worked on neither; the one awaiting receipt waits for it, so it may open it.
    expect((await send(ownOfficer, 'GET', `/api/v1/dossiers/${d.id}`)).statusCode).toBe(404);
    expect((await send(ownOfficer, 'GET', `/api/v1/dossiers/${waiting}`)).statusCode).toBe(200);
    expect((await send(ownAppraiser, 'GET', `/api/v1/dossiers/${d.id}`)).statusCode).toBe(404);
    expect((await send(ownAppraiser, 'GET', `/api/v1/dossiers/${d.id}/documents/01`)).statusCode).toBe(404);
    expect((await send(ownAppraiser, 'POST', `/api/v1/dossiers/${d.id}/actions/appraise`, { outcome: 'pass' })).statusCode).toBe(403);

    const bAppraiser = caller('appraiser@B').username!;
    const foreign = await send(nationalLeader, 'POST', `/api/v1/dossiers/${d.id}/actions/assign`, { appraiser: bAppraiser });
    expect(foreign.json().error, foreign.body).toMatchObject({ status: 400, field: 'appraiser' });
    expect((await lookUp(d.id)).assignee).toBe(d.assignee);
    await ok(nationalLeader, 'POST', `/api/v1/dossiers/${d.id}/actions/assign`, { appraiser: ownAppraiser.username });

    // Assigned to it now: the own-scope appraiser sees it, and appraises it.
    expect((await send(ownAppraiser, 'GET', `/api/v1/dossiers/${d.id}`)).statusCode).toBe(200);
    expect((await ok(ownAppraiser, 'POST', `/api/v1/dossiers/${d.id}/actions/appraise`, { outcome: 'pass' })).status).toBe('AWAITING_APPROVAL');
    // Having acted on it, it still sees it; another agency's dossier never.
    expect((await send(ownAppraiser, 'GET', `/api/v1/dossiers/${d.id}`)).statusCode).toBe(200);
    expect((await send(ownAppraiser, 'GET', `/api/v1/dossiers/${ctx.read[B]!.code}`)).statusCode).toBe(404);
    const mine = ((await ok(ownAppraiser, 'GET', '/api/v1/dossiers?limit=200')).items as DossierBody[]).map((i) => i.reference);
    expect(mine).not.toContain(ctx.read[A]!.reference);
  }, LONG);
});
