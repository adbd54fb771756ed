import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Application } from '../domain/application';

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
