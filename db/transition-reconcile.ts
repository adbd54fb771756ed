import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './client';

/**
 * The history is the authority on when each step happened; the record is the workflow's own copy,
 * written from inside the workflow task that made the change. A task attempt whose work reached
 * the record but not the history under that attempt's clock (a worker that carried a timed-out
 * attempt's state into the next one, whose start time the history keeps) leaves a time no replay
 * gives. This puts the replayed times (and actors, actions, states) back into `dossier_transitions`
 * wherever they differ, and says how many it changed; a transition the replay did not make is left
 * for an operator to look at rather than erased.
 */
export async function reconcileTransitions(
  db: Database,
  reference: string,
  timeline: { seq: number; at: string; actor: { username: string; role: string }; action: string; from: string | null; to: string; note?: string }[],
): Promise<number> {
  if (!timeline.length) return 0;
  const rows = timeline.map((t) => ({
    seq: t.seq, at: t.at, username: t.actor.username, role: t.actor.role, action: t.action, from_status: t.from, to_status: t.to, note: t.note ?? null,
  }));
  const result = await db.execute(sql`
    update dossier_transitions d set
      at = x.at, username = x.username, role = x.role, action = x.action, from_status = x.from_status, to_status = x.to_status, note = x.note
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      seq integer, at timestamptz, username text, role text, action text, from_status text, to_status text, note text)
    where d.reference = ${reference} and d.seq = x.seq
      and (d.at, d.username, d.role, d.action, coalesce(d.from_status, ''), d.to_status, coalesce(d.note, ''))
        is distinct from (x.at, x.username, x.role, x.action, coalesce(x.from_status, ''), x.to_status, coalesce(x.note, ''))
    returning d.seq`);
  return rowsOf(result).length;
}
