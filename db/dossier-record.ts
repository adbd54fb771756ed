import { eq, sql } from 'drizzle-orm';
import type { DossierState } from '../domain/dossier-state';
import { PORTAL_STATUS } from '../domain/dossier-status';
import type { Database } from './client';
import { dossierTransitions, dossiers } from './schema';

const at = (iso: string | undefined) => (iso ? new Date(iso) : null);

/**
 * Writes the dossier's current state and its processing-control slip. Idempotent and ordered: a
 * retried write inserts no transition twice, and a row never goes back to an older revision.
 */
export async function recordDossier(db: Database, state: DossierState, revision: number): Promise<void> {
  const row = {
    reference: state.reference,
    agencyCode: state.agencyCode,
    externalRef: state.application.externalRef ?? null,
    code: state.code ?? null,
    application: state.application,
    submittedAt: new Date(state.submittedAt),
    receivedAt: at(state.receivedAt),
    status: state.status,
    portalStatus: PORTAL_STATUS[state.status],
    dueAt: at(state.dueAt),
    late: state.late,
    assignee: state.assignee ?? null,
    citizenId: state.application.applicant.citizenId,
    deliveryMethod: state.application.delivery.method,
    paidOnline: state.payment?.method === 'online',
    supplementRequests: state.supplement ? 1 : 0,
    processingEndedAt: at(state.processingEnded?.at),
    onTime: state.processingEnded?.onTime ?? null,
    processingWorkingDays: state.processingEnded?.workingDays ?? null,
    refused: state.refusal !== undefined,
    closedAt: at(state.closedAt),
    revision,
    // The calendar snapshot is the same few kilobytes in every dossier and is kept in the history.
    state: { ...state, calendar: undefined },
    updatedAt: new Date(),
  };
  const { reference: _, externalRef: __, submittedAt: ___, ...changing } = row;
  await db.transaction(async (tx) => {
    await tx
      .insert(dossiers)
      .values(row)
      .onConflictDoUpdate({
        target: dossiers.reference,
        set: changing,
        setWhere: sql`${dossiers.revision} <= ${revision}`,
      });
    if (state.transitions.length > 0) {
      await tx
        .insert(dossierTransitions)
        .values(
          state.transitions.map((t, seq) => ({
            reference: state.reference,
            seq,
            at: new Date(t.at),
            username: t.actor.username,
            role: t.actor.role,
            action: t.action,
            fromStatus: t.from,
            toStatus: t.to,
            note: t.note ?? null,
          })),
        )
        .onConflictDoNothing();
    }
  });
}

/** The last recorded state: how a dossier is read once Temporal no longer keeps its workflow. */
export async function recordedState(db: Database, reference: string): Promise<DossierState | undefined> {
  const [row] = await db.select({ state: dossiers.state }).from(dossiers).where(eq(dossiers.reference, reference));
  return row?.state ?? undefined;
}

/** A dossier's record by submission reference or dossier code. */
/** Every lookup runs one of these: prepared once per database (see sessionWithAccount in db/accounts.ts). */
const recordQueries = new WeakMap<Database, ReturnType<typeof prepareRecordQueries>>();
const prepareRecordQueries = (db: Database) => {
  const find = (by: typeof dossiers.code | typeof dossiers.reference, name: string) =>
    db
      .select({ reference: dossiers.reference, closedAt: dossiers.closedAt, state: dossiers.state })
      .from(dossiers)
      .where(eq(by, sql.placeholder('id')))
      .prepare(name);
  return { byCode: find(dossiers.code, 'record_by_code'), byReference: find(dossiers.reference, 'record_by_reference') };
};

export async function findRecord(db: Database, id: { code: string } | { reference: string }) {
  let queries = recordQueries.get(db);
  if (!queries) recordQueries.set(db, (queries = prepareRecordQueries(db)));
  const [row] = 'code' in id ? await queries.byCode.execute({ id: id.code }) : await queries.byReference.execute({ id: id.reference });
  return row;
}
