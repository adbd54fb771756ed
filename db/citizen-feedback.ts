import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from './client';
import { citizenFeedback } from './schema';

export type FeedbackRow = typeof citizenFeedback.$inferSelect;

/** Keeps a rating; undefined when the dossier was rated already (once per dossier, whatever the race). */
export async function insertFeedback(
  db: Database,
  row: { dossierCode: string; agencyCode: string; rating: number; comment: string | null },
): Promise<FeedbackRow | undefined> {
  const [saved] = await db.insert(citizenFeedback).values(row).onConflictDoNothing({ target: citizenFeedback.dossierCode }).returning();
  return saved;
}

export async function feedbackGiven(db: Database, dossierCode: string): Promise<boolean> {
  const [row] = await db.select({ id: citizenFeedback.id }).from(citizenFeedback).where(eq(citizenFeedback.dossierCode, dossierCode)).limit(1);
  return row !== undefined;
}

export interface FeedbackSummary {
  count: number;
  /** Rounded to two decimals; null when nobody rated. */
  averageRating: number | null;
  /** How many ratings of each value, 1 to 5. */
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

/** The ratings given in [from, to) for dossiers of these agencies (all when undefined). */
export async function feedbackSummary(db: Database, scope: { agencyCodes?: string[]; from: Date; to: Date }): Promise<FeedbackSummary> {
  const rows = await db
    .select({ rating: citizenFeedback.rating, n: sql<number>`count(*)::int` })
    .from(citizenFeedback)
    .where(
      and(
        scope.agencyCodes ? inArray(citizenFeedback.agencyCode, scope.agencyCodes) : undefined,
        gte(citizenFeedback.createdAt, scope.from),
        lt(citizenFeedback.createdAt, scope.to),
      ),
    )
    .groupBy(citizenFeedback.rating);
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let count = 0;
  let sum = 0;
  for (const { rating, n } of rows) {
    const key = String(rating) as keyof typeof distribution;
    if (!(key in distribution)) continue;
    distribution[key] = Number(n);
    count += Number(n);
    sum += rating * Number(n);
  }
  return { count, averageRating: count > 0 ? Math.round((sum / count) * 100) / 100 : null, distribution };
}
