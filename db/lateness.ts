import { inArray, sql } from 'drizzle-orm';
import { LATE_WHEN_OVERDUE_IN } from '../domain/lateness';
import { dossiers } from './schema';

/** domain/lateness.ts's rule, in SQL over the record: late already, or past its appointment while its clock runs. */
export const lateAt = (now: Date) =>
  sql<boolean>`(${dossiers.late} or (${inArray(dossiers.status, [...LATE_WHEN_OVERDUE_IN])} and coalesce(${dossiers.dueAt} < ${now.toISOString()}::timestamptz, false)))`;
