import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, real, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Application } from '../domain/application';
import type { DossierState } from '../domain/dossier-state';
import type { DossierStatus } from '../domain/dossier-status';
import type { Step, StepBudget } from '../domain/procedure';
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
    /** The whole last state, so a closed dossier stays readable by code after Temporal forgets it. */
    state: jsonb('state').$type<DossierState>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
  },
  (t) => [
    // NULLs are distinct, so only submissions that carry an externalRef are deduplicated.
    uniqueIndex('dossiers_agency_external_ref_key').on(t.agencyCode, t.externalRef),
    uniqueIndex('dossiers_code_key').on(t.code),
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
  },
  (t) => [primaryKey({ columns: [t.reference, t.seq] }), index('dossier_transitions_at_idx').on(t.at)],
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

/** Receiving agencies. Issue 5 adds bank accounts, locations and accounts. */
export const agencies = pgTable('agencies', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
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
