import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, primaryKey, real, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Application } from '../domain/application';
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
  },
  (t) => [
    // NULLs are distinct, so only submissions that carry an externalRef are deduplicated.
    uniqueIndex('dossiers_agency_external_ref_key').on(t.agencyCode, t.externalRef),
    uniqueIndex('dossiers_code_key').on(t.code),
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
