import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { ScopeFilter } from '../domain/data-scope';
import type { DossierStatus } from '../domain/dossier-status';
import type { Database } from './client';
import { scopeCondition } from './data-scope';
import { dossiers } from './schema';

export const SORT_KEYS = ['submittedAt', 'receivedAt', 'dueAt'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface DossierFilter {
  agencyCodes?: string[];
  statuses?: DossierStatus[];
  portalStatus?: number;
  late?: boolean;
  open?: boolean;
  dueBefore?: Date;
  receivedFrom?: Date;
  receivedTo?: Date;
  assignee?: string;
  citizenId?: string;
  /** The caller's data scope: only dossiers its account (or unit) worked on, unless `agency`. */
  scope?: ScopeFilter;
}

/**
 * Keyset pagination over the dossier record: the cursor is the last row's sort value and
 * reference, so a page costs the same at the millionth row as at the first. Rows without a value
 * for the sort key (not yet received, no appointment) come last.
 */
export async function searchDossiers(
  db: Database,
  filter: DossierFilter,
  page: { sort: SortKey; order: 'asc' | 'desc'; limit: number; after?: { value: string | null; reference: string } },
) {
  const column = { submittedAt: dossiers.submittedAt, receivedAt: dossiers.receivedAt, dueAt: dossiers.dueAt }[page.sort];
  const far = page.order === 'asc' ? sql`'infinity'::timestamptz` : sql`'-infinity'::timestamptz`;
  const key = sql`coalesce(${column}, ${far})`;
  const conditions: (SQL | undefined)[] = [
    filter.agencyCodes ? inArray(dossiers.agencyCode, filter.agencyCodes) : undefined,
    filter.statuses?.length ? inArray(dossiers.status, filter.statuses) : undefined,
    filter.portalStatus !== undefined ? eq(dossiers.portalStatus, filter.portalStatus) : undefined,
    filter.late !== undefined ? eq(dossiers.late, filter.late) : undefined,
    filter.open === true ? sql`${dossiers.closedAt} is null` : filter.open === false ? sql`${dossiers.closedAt} is not null` : undefined,
    filter.dueBefore ? lt(dossiers.dueAt, filter.dueBefore) : undefined,
    filter.receivedFrom ? gte(dossiers.receivedAt, filter.receivedFrom) : undefined,
    filter.receivedTo ? lte(dossiers.receivedAt, filter.receivedTo) : undefined,
    filter.assignee ? eq(dossiers.assignee, filter.assignee) : undefined,
    filter.citizenId ? eq(dossiers.citizenId, filter.citizenId) : undefined,
    scopeCondition(filter.scope),
    sql`${dossiers.status} is not null`,
  ];
  if (page.after) {
    const value = page.after.value === null ? far : sql`${page.after.value}::timestamptz`;
    const beyond = page.order === 'asc' ? gt : lt;
    conditions.push(or(sql`${key} ${page.order === 'asc' ? sql`>` : sql`<`} ${value}`, and(sql`${key} = ${value}`, beyond(dossiers.reference, page.after.reference))));
  }
  const direction = page.order === 'asc' ? asc : desc;
  const rows = await db
    .select({
      reference: dossiers.reference,
      code: dossiers.code,
      agencyCode: dossiers.agencyCode,
      status: dossiers.status,
      portalStatus: dossiers.portalStatus,
      submittedAt: dossiers.submittedAt,
      receivedAt: dossiers.receivedAt,
      dueAt: dossiers.dueAt,
      late: dossiers.late,
      assignee: dossiers.assignee,
      closedAt: dossiers.closedAt,
      application: dossiers.application,
      sortValue: column,
    })
    .from(dossiers)
    .where(and(...conditions))
    .orderBy(direction(key), direction(dossiers.reference))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items.at(-1);
  return {
    items,
    next: more && last ? { value: last.sortValue ? last.sortValue.toISOString() : null, reference: last.reference } : undefined,
  };
}
