import { sql, type SQL } from 'drizzle-orm';
import type { ScopeFilter } from '../domain/data-scope';
import { accounts, dossierTransitions, dossiers } from './schema';

/**
 * The data scope (domain/data-scope.ts) as a condition on `dossiers`: assigned to, or with a
 * transition by, the account (`own`) or any account of its unit (`unit`). The transition test is a
 * look-up of the dossier's own rows by the primary key's leading column, so it costs the same at
 * any table size.
 */
export function scopeCondition(scope: ScopeFilter | undefined): SQL | undefined {
  if (!scope || scope.kind === 'agency') return undefined;
  const who =
    scope.kind === 'own'
      ? sql`(${scope.username})`
      : sql`(select ${accounts.username} from ${accounts} where ${accounts.agencyCode} = ${scope.agencyCode} and ${accounts.unit} = ${scope.unit})`;
  return sql`(${dossiers.assignee} in ${who} or exists (select 1 from ${dossierTransitions} where ${dossierTransitions.reference} = ${dossiers.reference} and ${dossierTransitions.username} in ${who}))`;
}
