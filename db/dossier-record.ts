import { eq, sql } from 'drizzle-orm';
import { summaryOf, type DossierState, type DossierSummary, type RecordChanges, type Transition } from '../domain/dossier-state';
import { PORTAL_STATUS } from '../domain/dossier-status';
import type { Application } from '../domain/application';
import type { Database } from './client';
import { dossierTransitions, dossiers } from './schema';

/**
 * The dossier record: the workflow's projection into PostgreSQL. The workflow is the source of
 * truth while it runs and writes here at every change; reads are served from here, so looking a
 * dossier up never wakes a worker, and a closed dossier stays readable after Temporal forgets it.
 */

const at = (iso: string | undefined) => (iso ? new Date(iso) : null);

/** The summary row's columns: what search, statistics and work queues filter and sort on. */
function columnsOf(summary: DossierSummary, revision: number) {
  return {
    agencyCode: summary.agencyCode,
    code: summary.code ?? null,
    receivedAt: at(summary.receivedAt),
    status: summary.status,
    portalStatus: PORTAL_STATUS[summary.status],
    dueAt: at(summary.dueAt),
    late: summary.late,
    assignee: summary.assignee ?? null,
    paidOnline: summary.payment?.method === 'online',
    supplementRequests: summary.supplement ? 1 : 0,
    processingEndedAt: at(summary.processingEnded?.at),
    onTime: summary.processingEnded?.onTime ?? null,
    processingWorkingDays: summary.processingEnded?.workingDays ?? null,
    refused: summary.refusal !== undefined,
    closedAt: at(summary.closedAt),
    revision,
    state: summary,
    updatedAt: new Date(),
  };
}

const transitionRow = (reference: string, seq: number, t: Transition) => ({
  reference,
  seq,
  at: new Date(t.at),
  username: t.actor.username,
  role: t.actor.role,
  action: t.action,
  fromStatus: t.from,
  toStatus: t.to,
  note: t.note ?? null,
  facts: t.facts ?? null,
});

/**
 * One write from the workflow: the summary row and the transitions appended since the last write.
 * Idempotent and ordered: a retried write changes nothing, a row never goes back to an older
 * revision, and a transition written again (by a worker that re-ran the step after a crash) takes
 * the values of the run the history kept. One statement (the row, then the transitions from one
 * JSON parameter): it runs at every step of every dossier, and on PGlite a transaction of separate
 * statements costs several times as much.
 */
export async function recordDossierChanges(db: Database, changes: RecordChanges): Promise<void> {
  const { reference, revision, summary, application } = changes;
  const c = columnsOf(summary, revision);
  const ts = (d: Date | null) => (d ? d.toISOString() : null);
  const transitions = changes.transitions.map((t) => ({
    seq: t.seq,
    at: t.at,
    username: t.actor.username,
    role: t.actor.role,
    action: t.action,
    from_status: t.from,
    to_status: t.to,
    note: t.note ?? null,
    facts: t.facts ?? null,
  }));
  await db.execute(sql`
    with row as (
      insert into dossiers (
        reference, submitted_at, application, external_ref, citizen_id, delivery_method,
        agency_code, code, received_at, status, portal_status, due_at, late, assignee, paid_online, supplement_requests,
        processing_ended_at, on_time, processing_working_days, refused, closed_at, revision, state, updated_at)
      values (
        ${reference}, ${summary.submittedAt}::timestamptz, ${application ? JSON.stringify(application) : null}::jsonb,
        ${application?.externalRef ?? null}, ${application?.applicant.citizenId ?? null}, ${application?.delivery.method ?? null},
        ${c.agencyCode}, ${c.code}, ${ts(c.receivedAt)}::timestamptz, ${c.status}, ${c.portalStatus}::int, ${ts(c.dueAt)}::timestamptz,
        ${c.late}::boolean, ${c.assignee}, ${c.paidOnline}::boolean, ${c.supplementRequests}::int, ${ts(c.processingEndedAt)}::timestamptz,
        ${c.onTime}::boolean, ${c.processingWorkingDays}::real, ${c.refused}::boolean, ${ts(c.closedAt)}::timestamptz, ${revision}::int,
        ${JSON.stringify(summary)}::jsonb, now())
      on conflict (reference) do update set
        agency_code = excluded.agency_code, code = excluded.code, received_at = excluded.received_at, status = excluded.status,
        portal_status = excluded.portal_status, due_at = excluded.due_at, late = excluded.late, assignee = excluded.assignee,
        paid_online = excluded.paid_online, supplement_requests = excluded.supplement_requests,
        processing_ended_at = excluded.processing_ended_at, on_time = excluded.on_time,
        processing_working_days = excluded.processing_working_days, refused = excluded.refused, closed_at = excluded.closed_at,
        revision = excluded.revision, state = excluded.state, updated_at = excluded.updated_at
      where dossiers.revision <= excluded.revision
    )
    insert into dossier_transitions (reference, seq, at, username, role, action, from_status, to_status, note, facts)
    select ${reference}, x.seq, x.at, x.username, x.role, x.action, x.from_status, x.to_status, x.note, x.facts
    from jsonb_to_recordset(${JSON.stringify(transitions)}::jsonb) as x(
      seq integer, at timestamptz, username text, role text, action text, from_status text, to_status text, note text, facts jsonb)
    on conflict (reference, seq) do update set
      at = excluded.at, username = excluded.username, role = excluded.role, action = excluded.action,
      from_status = excluded.from_status, to_status = excluded.to_status, note = excluded.note, facts = excluded.facts`);
}

/** The whole state at once, as dossiers started before the slim history write it. Same guarantees. */
export async function recordDossier(db: Database, state: DossierState, revision: number): Promise<void> {
  const { application } = state;
  const columns = columnsOf(summaryOf(state), revision);
  await db.transaction(async (tx) => {
    await tx
      .insert(dossiers)
      .values({
        reference: state.reference,
        externalRef: application.externalRef ?? null,
        application,
        citizenId: application.applicant.citizenId,
        deliveryMethod: application.delivery.method,
        submittedAt: new Date(state.submittedAt),
        ...columns,
      })
      .onConflictDoUpdate({ target: dossiers.reference, set: columns, setWhere: sql`${dossiers.revision} <= ${revision}` });
    if (state.transitions.length > 0) {
      await tx
        .insert(dossierTransitions)
        .values(state.transitions.map((t, seq) => transitionRow(state.reference, seq, t)))
        .onConflictDoNothing();
    }
  });
}

interface TransitionJson {
  at: string;
  username: string;
  role: Transition['actor']['role'];
  action: Transition['action'];
  from: Transition['from'];
  to: Transition['to'];
  note: string | null;
  facts: Transition['facts'] | null;
}

/** Every lookup runs one of these: prepared once per database (see sessionWithAccount in db/accounts.ts). */
const recordQueries = new WeakMap<Database, ReturnType<typeof prepareRecordQueries>>();
const prepareRecordQueries = (db: Database) => {
  const find = (by: typeof dossiers.code | typeof dossiers.reference, name: string) =>
    db
      .select({
        reference: dossiers.reference,
        agencyCode: dossiers.agencyCode,
        submittedAt: dossiers.submittedAt,
        closedAt: dossiers.closedAt,
        revision: dossiers.revision,
        application: dossiers.application,
        state: dossiers.state,
        // The slip in the same round trip, in order.
        transitions: sql<TransitionJson[] | null>`(
          select json_agg(json_build_object(
            'at', t.at, 'username', t.username, 'role', t.role, 'action', t.action,
            'from', t.from_status, 'to', t.to_status, 'note', t.note, 'facts', t.facts) order by t.seq)
          from dossier_transitions t where t.reference = "dossiers"."reference")`,
      })
      .from(dossiers)
      .where(eq(by, sql.placeholder('id')))
      .prepare(name);
  return { byCode: find(dossiers.code, 'record_by_code'), byReference: find(dossiers.reference, 'record_by_reference') };
};

export interface DossierRecord {
  reference: string;
  agencyCode: string;
  submittedAt: Date;
  closedAt: Date | null;
  revision: number;
  /** The application as submitted (null only for a row the code counter made for a dossier started without a submission). */
  application: Application | null;
  /** The dossier as the workflow last wrote it; undefined until its first write (just submitted). */
  state?: DossierState;
}

/** A dossier's record by submission reference or dossier code, whole: summary, application and slip. */
export async function findRecord(db: Database, id: { code: string } | { reference: string }): Promise<DossierRecord | undefined> {
  let queries = recordQueries.get(db);
  if (!queries) recordQueries.set(db, (queries = prepareRecordQueries(db)));
  const [row] = 'code' in id ? await queries.byCode.execute({ id: id.code }) : await queries.byReference.execute({ id: id.reference });
  if (!row) return undefined;
  const { state: summary, application, transitions } = row;
  const state =
    summary && application
      ? ({
          ...(summary as DossierSummary),
          application,
          transitions: (transitions ?? []).map((t) => ({
            at: new Date(t.at).toISOString(),
            actor: { username: t.username, role: t.role },
            action: t.action,
            from: t.from,
            to: t.to,
            ...(t.note !== null ? { note: t.note } : {}),
            ...(t.facts ? { facts: t.facts } : {}),
          })),
        } as DossierState)
      : undefined;
  return { reference: row.reference, agencyCode: row.agencyCode, submittedAt: row.submittedAt, closedAt: row.closedAt, revision: row.revision, application, state };
}
