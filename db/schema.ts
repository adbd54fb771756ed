import { sql } from 'drizzle-orm';
import type { TransitionFacts } from '../domain/dossier-state';
import { bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, real, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { AccessKind } from '../domain/access-kinds';
import type { Application } from '../domain/application';
import type { DossierSummary } from '../domain/dossier-state';
import type { DossierStatus } from '../domain/dossier-status';
import type { TrackingEventKind } from '../domain/postal-tracking';
import type { WebhookEvent, WebhookMessage } from '../domain/webhooks';
import type { NotificationKind } from '../domain/notifications';
import type { Step, StepBudget } from '../domain/procedure';
import type { AdminLevel, DataScope, StaffRole } from '../domain/roles';
import type { CalendarKind, OfficeWindow } from '../domain/working-time';

/**
 * A dossier as the database knows it. The workflow is the source of truth while it runs;
 * this row is what outlives it (and how a dossier code finds its workflow).
 */
export const dossiers = pgTable(
  'dossiers',
  {
    reference: text('reference').primaryKey(),
    agencyCode: text('agency_code').notNull(),
    externalRef: text('external_ref'),
    code: text('code'),
    application: jsonb('application').$type<Application>(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().default(sql`now()`),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    // ---- the projection of the workflow, written by an activity at every change ----
    status: text('status').$type<DossierStatus>(),
    portalStatus: integer('portal_status'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    late: boolean('late').notNull().default(false),
    assignee: text('assignee'),
    /** Kept for the search of roles allowed to see it; never leaves through a masked view. */
    citizenId: text('citizen_id'),
    deliveryMethod: text('delivery_method'),
    paidOnline: boolean('paid_online').notNull().default(false),
    supplementRequests: integer('supplement_requests').notNull().default(0),
    processingEndedAt: timestamp('processing_ended_at', { withTimezone: true }),
    onTime: boolean('on_time'),
    /** Working days from receipt to the end of processing, supplement pauses excluded (QĐ 766). */
    processingWorkingDays: real('processing_working_days'),
    /** How the dossier came in: online through the portal (level 4), at the counter, or by post. */
    channel: text('channel').notNull().default('online'),
    refused: boolean('refused').notNull().default(false),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** How many changes of the workflow this row reflects: a stale or repeated write never wins. */
    revision: integer('revision').notNull().default(0),
    /**
     * The last state the workflow wrote, less what is kept beside it (the application column, the
     * transitions' rows, the calendar): how a dossier is read, open or closed, without asking Temporal.
     */
    state: jsonb('state').$type<DossierSummary>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
  },
  (t) => [
    // NULLs are distinct, so only submissions that carry an externalRef are deduplicated.
    uniqueIndex('dossiers_agency_external_ref_key').on(t.agencyCode, t.externalRef),
    uniqueIndex('dossiers_code_key').on(t.code),
    // Inbound callbacks find their dossier by what the caller knows (db/callback-targets.ts).
    index('dossiers_fee_order_idx').on(sql`(${t.state}->'feeNotice'->>'orderId')`),
    index('dossiers_tracking_number_idx').on(sql`(${t.state}->'shipment'->>'trackingNumber')`),
    index('dossiers_agency_status_idx').on(t.agencyCode, t.status, t.dueAt),
    // Periods. The trailing columns are what the statistics of a period read (db/dossier-stats.ts): they
    // make its scans index-only once the table is vacuumed, and its bounds on the second date exact
    // index conditions rather than filters over fetched rows.
    index('dossiers_agency_received_idx').on(
      t.agencyCode, t.receivedAt, t.processingEndedAt, t.dueAt, t.onTime, t.processingWorkingDays, t.channel, t.paidOnline, t.supplementRequests, t.refused,
    ),
    // What finished in a period, and what is still unfinished (NULLs sort last), for the same statistics and the late list.
    index('dossiers_agency_ended_idx').on(t.agencyCode, t.processingEndedAt, t.receivedAt, t.dueAt, t.onTime, t.processingWorkingDays, t.refused),
    index('dossiers_assignee_idx').on(t.assignee, t.dueAt),
    index('dossiers_citizen_idx').on(t.citizenId),
    index('dossiers_late_open_idx').on(t.agencyCode, t.dueAt).where(sql`${t.late} and ${t.closedAt} is null`),
  ],
);

/** The processing-control slip (form 06): one row per transition, keyed so a retried write is a no-op. */
export const dossierTransitions = pgTable(
  'dossier_transitions',
  {
    reference: text('reference').notNull(),
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    username: text('username').notNull(),
    role: text('role').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
    /** The note's particulars as data (domain/dossier-state.ts TransitionFacts): the Vietnamese line is written from them. */
    facts: jsonb('facts').$type<TransitionFacts>(),
  },
  (t) => [
    primaryKey({ columns: [t.reference, t.seq] }),
    index('dossier_transitions_at_idx').on(t.at),
    // Whether an account has left anything behind (it may be deleted only if not), and its data scope.
    index('dossier_transitions_username_idx').on(t.username),
  ],
);

/** One row per agency and local day; the primary key makes a number impossible to hand out twice. */
export const dossierCodeCounters = pgTable(
  'dossier_code_counters',
  {
    agencyCode: text('agency_code').notNull(),
    localDate: text('local_date').notNull(),
    lastSequence: integer('last_sequence').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agencyCode, t.localDate] })],
);

/** A unit (phòng, bộ phận) of an agency: what an account's `unit` data scope groups by. */
export interface AgencyUnit {
  code: string;
  name: string;
}

/** Receiving agencies, managed by level-1 admins. */
export const agencies = pgTable('agencies', {
  /** The agency's identifier code (mã định danh), e.g. 000.00.01.H22; the dossier code's prefix. */
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  /** The beneficiary account the fee is paid into. */
  bankName: text('bank_name'),
  bankAccountNumber: text('bank_account_number'),
  bankAccountHolder: text('bank_account_holder'),
  /** The receiving location: where the one-stop counter is, and results are handed over. */
  receivingAddress: text('receiving_address'),
  units: jsonb('units').$type<AgencyUnit[]>().notNull().default(sql`'[]'::jsonb`),
  updatedAt: timestamp('updated_at', { withTimezone: true }),
  updatedBy: text('updated_by'),
});

/**
 * Staff accounts. The username never changes (transitions and assignments record it); an account
 * is closed rather than deleted while anything refers to it.
 */
export const accounts = pgTable(
  'accounts',
  {
    id: serial('id').primaryKey(),
    username: text('username').notNull(),
    fullName: text('full_name').notNull(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code),
    /** One of the agency's units, or none. */
    unit: text('unit'),
    roles: text('roles').array().$type<StaffRole[]>().notNull(),
    /** Set exactly when the roles hold `admin`: 1 national, 2 agency. */
    adminLevel: integer('admin_level').$type<AdminLevel>(),
    dataScope: text('data_scope').$type<DataScope>().notNull().default('own'),
    /** `scrypt$N$r$p$salt$hash` (api/auth/passwords.ts). */
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(true),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    /** Failed logins since the last success or lock; reaching the limit locks the account for a while. */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    status: text('status').$type<'active' | 'closed'>().notNull().default('active'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** CIDR blocks the account may be used from; empty means anywhere. */
    ipAllowList: text('ip_allow_list').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    createdBy: text('created_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('accounts_username_key').on(t.username),
    index('accounts_agency_unit_idx').on(t.agencyCode, t.unit),
    check('accounts_data_scope_check', sql`${t.dataScope} in ('agency', 'unit', 'own')`),
    check('accounts_status_check', sql`${t.status} in ('active', 'closed')`),
    check('accounts_admin_level_check', sql`(${t.adminLevel} is not null and ${t.adminLevel} in (1, 2)) = ('admin' = any(${t.roles}))`),
  ],
);

/** One row per login: the JWT carries its id (jti), and every request checks it is still open. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** Who ended it: the account itself (logout), an admin, or `system` (password change, closure). */
    revokedBy: text('revoked_by'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_account_idx').on(t.accountId, t.createdAt)],
);

/**
 * Integrators' API keys. Only a SHA-256 of the key is kept: the key is 256 random bits, so no
 * dictionary or brute force can reach it and a slow password hash would add nothing but latency to
 * every call; a fast hash still keeps a leaked table from being usable as keys.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: serial('id').primaryKey(),
    /** Also the username its actions are recorded under (e.g. `demo-integrator`). */
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    /** The key's first characters, to recognise it in a list. */
    keyPrefix: text('key_prefix').notNull(),
    /** The agencies it may act for; `{*}` = every agency (the national portal). */
    agencyCodes: text('agency_codes').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    createdBy: text('created_by').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_name_key').on(t.name), uniqueIndex('api_keys_key_hash_key').on(t.keyHash)],
);

/**
 * Failed logins, counted per key whether the account exists or not (so the answers cannot tell):
 * `ip:<address>`, `user:<username>` (browsers the account has not logged in from) and
 * `device:<username>:<id>` (a browser it has, by its device cookie). Each failure past a key's
 * free ones doubles how long that key must wait before the next attempt (api/auth/login-throttle.ts).
 */
export const loginThrottles = pgTable('login_throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
});

/** Office hours per agency, as local HH:MM windows. */
export const officeHours = pgTable('office_hours', {
  agencyCode: text('agency_code')
    .primaryKey()
    .references(() => agencies.code),
  windows: jsonb('windows').$type<OfficeWindow[]>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
});

/** The holiday table: one row per date, each with the document that announced it. */
export const calendarEntries = pgTable('calendar_entries', {
  date: text('date').primaryKey(),
  kind: text('kind').$type<CalendarKind>().notNull(),
  name: text('name').notNull(),
  source: text('source'),
  provisional: boolean('provisional').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  updatedBy: text('updated_by').notNull().default('seed'),
});

/** Every change to the table or to office hours, in order: the calendar's version and its audit trail. */
export const calendarChanges = pgTable('calendar_changes', {
  id: serial('id').primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
  by: text('by').notNull(),
  description: text('description').notNull(),
  agencies: jsonb('agencies').$type<string[] | null>(),
});

/** Procedure versions (seed 004 art. 12.5: locked, not edited, when their basics change). */
export const procedureVersions = pgTable(
  'procedure_versions',
  {
    code: text('code').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    legalBasis: text('legal_basis').notNull(),
    processingWorkingDays: real('processing_working_days').notNull(),
    stepBudgets: jsonb('step_budgets').$type<Record<Step, StepBudget>>().notNull(),
    feeVnd: integer('fee_vnd').notNull(),
    deliveryOptions: jsonb('delivery_options').$type<('post' | 'counter')[]>().notNull(),
    supplementLimitDays: integer('supplement_limit_days').notNull(),
    paymentLimitWorkingDays: real('payment_limit_working_days').notNull(),
    effectiveFrom: text('effective_from').notNull(),
  },
  (t) => [primaryKey({ columns: [t.code, t.version] })],
);

/** Which seed files were applied, so an admin's deletion is not undone by the next start. */
export const seedRuns = pgTable('seed_runs', {
  name: text('name').primaryKey(),
  sha256: text('sha256').notNull(),
  appliedAt: timestamp('applied_at', { withTimezone: true }).notNull().default(sql`now()`),
});

/**
 * Closed dossiers' Temporal event histories, kept after Temporal forgets the workflow (its retention:
 * 24 hours on the dev server) so auditors can read and replay them years later. Written once, after
 * the workflow closed, by the worker's archiver (audit/history-archiver.ts); never updated.
 */
export const workflowHistories = pgTable(
  'workflow_histories',
  {
    reference: text('reference').primaryKey(),
    code: text('code'),
    agencyCode: text('agency_code').notNull(),
    workflowId: text('workflow_id').notNull(),
    runId: text('run_id').notNull(),
    workflowType: text('workflow_type').notNull(),
    /** The history as canonical JSON (proto3 JSON, keys sorted, no spaces): exactly the text `sha256` hashes. */
    history: text('history').notNull(),
    sha256: text('sha256').notNull(),
    events: integer('events').notNull(),
    /** The worker build that completed the last workflow task (as the history's WorkflowTaskCompleted events say). */
    workerBuildId: text('worker_build_id').notNull(),
    /** Every build that completed one of its workflow tasks, in order: more than one when a deployment happened mid-dossier. */
    workerBuildIds: jsonb('worker_build_ids').$type<string[]>().notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('workflow_histories_code_idx').on(t.code), index('workflow_histories_archived_idx').on(t.archivedAt)],
);

/**
 * Who looked at what, and who did what (seed 003 art. 29.7; seed 004 art. 12): one row per login,
 * logout, failed login, lookup, search, export and action. Append-only: a trigger in the migration
 * refuses UPDATE, DELETE and TRUNCATE, so not even the service's own account can rewrite it.
 */
export const accessLog = pgTable(
  'access_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /**
     * Given by the API when the entry is spooled to disk, before the answer leaves: an entry
     * shipped twice (a crash between the insert and the spool's bookkeeping) is stored once.
     */
    entryId: text('entry_id').unique(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
    username: text('username'),
    /** The account's agency ('*' for the national portal), so a level-2 admin reads only its own. */
    agencyCode: text('agency_code'),
    kind: text('kind').$type<AccessKind>().notNull(),
    /** What was asked for: the route and, for a search, its filters with personal data masked. */
    what: text('what').notNull(),
    /** The dossier (code or reference) when there is one. */
    target: text('target'),
    status: integer('status').notNull(),
    ip: text('ip').notNull(),
    userAgent: text('user_agent'),
    browser: text('browser'),
    os: text('os'),
    device: text('device'),
  },
  (t) => [
    index('access_log_at_idx').on(t.at),
    index('access_log_user_at_idx').on(t.username, t.at),
    index('access_log_target_idx').on(t.target),
  ],
);

/**
 * The postal service's tracking events, as its callbacks report them: kept here rather than in the
 * workflow, since they go on arriving (late, out of order) after a delivery has closed the dossier.
 * The same event reported twice is one row.
 */
export const trackingEvents = pgTable(
  'tracking_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    reference: text('reference').notNull().references(() => dossiers.reference),
    trackingNumber: text('tracking_number').notNull(),
    event: text('event').$type<TrackingEventKind>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    note: text('note'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().default(sql`now()`),
    /** What it did to the dossier: `delivered`, `failed` (back to the counter), or null (a progress line, or too late to change it). */
    applied: text('applied'),
  },
  (t) => [uniqueIndex('tracking_events_event_key').on(t.trackingNumber, t.event, t.at), index('tracking_events_reference_idx').on(t.reference, t.at)],
);

/** Integrators' webhook subscriptions (issue 14): where their messages go, and with which secret they are signed. */
export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: text('id').primaryKey(),
    /** The API key that made it (its name): only it lists, rotates or deletes it. */
    owner: text('owner').notNull(),
    /** The agencies whose dossiers it hears of: the key's scope when it was made (`*` every agency). */
    agencyCodes: text('agency_codes').array().notNull(),
    url: text('url').notNull(),
    events: jsonb('events').$type<WebhookEvent[]>().notNull(),
    secret: text('secret').notNull(),
    /** Still signing beside the new secret until previousSecretUntil (a rotation's grace). */
    previousSecret: text('previous_secret'),
    previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true }),
    status: text('status').$type<'active' | 'disabled'>().notNull().default('active'),
    disabledReason: text('disabled_reason'),
    /** Since when every attempt has failed; cleared by a success. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('webhook_subscriptions_owner_idx').on(t.owner)],
);

/**
 * The outbox: every event a write of the record brings, kept in the same database as the record,
 * then handed to Temporal (webhooks/dispatcher.ts) for delivery. The message id is
 * deterministic, so a retried write adds nothing.
 */
export const outboundEvents = pgTable(
  'outbound_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: text('message_id').notNull(),
    reference: text('reference').notNull(),
    agencyCode: text('agency_code').notNull(),
    message: jsonb('message').$type<WebhookMessage>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('outbound_events_message_id_key').on(t.messageId), index('outbound_events_pending_idx').on(t.id).where(sql`dispatched_at is null`)],
);

/** Each attempt to deliver a message to a subscription, as its owner sees it. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: text('subscription_id').notNull().references(() => webhookSubscriptions.id),
    messageId: text('message_id').notNull(),
    type: text('type').$type<WebhookEvent>().notNull(),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
    status: integer('status'),
    latencyMs: integer('latency_ms'),
    error: text('error'),
  },
  (t) => [index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.id)],
);

/** What each citizen was told, by which channel, and whether it went (issue 14, item 5). One row per message and channel. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    reference: text('reference').notNull(),
    /** The event that caused it (outbound_events.message_id): a retried send finds its row. */
    messageId: text('message_id').notNull(),
    kind: text('kind').$type<NotificationKind>().notNull(),
    channel: text('channel').$type<'sms' | 'email'>().notNull(),
    /** The address, masked: who it went to is in the application; this says which of them. */
    recipient: text('recipient').notNull(),
    text: text('text').notNull(),
    status: text('status').$type<'sent' | 'failed'>().notNull(),
    error: text('error'),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('notifications_message_channel_key').on(t.messageId, t.channel), index('notifications_reference_idx').on(t.reference, t.id)],
);

/** When each dossier's record last reached the National Public Service Portal, and the last failure. */
export const portalSyncs = pgTable('portal_syncs', {
  reference: text('reference').primaryKey(),
  syncedAt: timestamp('synced_at', { withTimezone: true }),
  /** The status the portal was last sent (TrangThaiHoSo). */
  syncedStatus: integer('synced_status'),
  attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
  error: text('error'),
});

/**
 * Leases of jobs that one process at a time must run (the outbound dispatcher: a dossier's events
 * are handed over in order). Held for a short while and renewed each round, so a holder that dies
 * frees it by itself, and no transaction is held open while the job talks to Temporal.
 */
export const jobLeases = pgTable('job_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  until: timestamp('until', { withTimezone: true }).notNull(),
});

/**
 * Frequently asked questions (seed 000 art. 6.2c): national ones (`agency_code` null, a level-1
 * admin's) and each agency's own (its level-2 admin's). The public page shows the published ones.
 */
export const faqEntries = pgTable(
  'faq_entries',
  {
    id: serial('id').primaryKey(),
    agencyCode: text('agency_code').references(() => agencies.code, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    published: boolean('published').notNull().default(true),
    /** The seed file's key for the entries it brought (db/seeds/faq-national.json): applied once each. */
    seedKey: text('seed_key').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [index('faq_entries_agency_idx').on(t.agencyCode, t.sortOrder)],
);

/**
 * Citizens' ratings of delivered dossiers (seed 004 art. 3.2b): once per dossier, and nothing about
 * who gave it (no address, no browser, no account): the dossier code and its agency, the rating and
 * the comment as typed.
 */
export const citizenFeedback = pgTable(
  'citizen_feedback',
  {
    id: serial('id').primaryKey(),
    dossierCode: text('dossier_code').notNull().unique(),
    agencyCode: text('agency_code').notNull(),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    check('citizen_feedback_rating_check', sql`${t.rating} between 1 and 5`),
    check('citizen_feedback_comment_check', sql`char_length(${t.comment}) <= 1000`),
    index('citizen_feedback_agency_at_idx').on(t.agencyCode, t.createdAt),
  ],
);
