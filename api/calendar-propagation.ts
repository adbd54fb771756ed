import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { propagationWorkflowId, type PropagationInput, type PropagationProgress } from '../domain/calendar-propagation';
import { CALENDAR_PROPAGATION_TYPE, propagationProgressQuery } from '../workflows/definitions';
import { notFound } from './errors';

export { propagationProgressSchema, type PropagationProgress } from '../domain/calendar-propagation';

/**
 * Tells every open dossier (of some agencies, or all) that the calendar changed: one workflow per
 * change (workflows/calendar-propagation.ts) lists them page by page and signals each, so an edit
 * reaches thousands of dossiers without the admin's request waiting for it, and needs no batch
 * operation slot (a server allows one per namespace by default): ten edits in a row propagate at once.
 */
export function createCalendarPropagation(client: Client, taskQueue: string) {
  async function start(changeId: number, cause: string, agencyCodes: string[] | null): Promise<{ id: string }> {
    const id = propagationWorkflowId(changeId);
    const input: PropagationInput = { changeId, cause, agencyCodes };
    // The same change asked twice (a retried request) is the same propagation.
    await client.workflow.start(CALENDAR_PROPAGATION_TYPE, { workflowId: id, taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' });
    return { id };
  }

  async function progress(id: string): Promise<PropagationProgress> {
    const handle = client.workflow.getHandle(id);
    try {
      const { status, closeTime } = await handle.describe();
      if (status.name === 'RUNNING') return await handle.query(propagationProgressQuery);
      if (status.name === 'COMPLETED') return (await handle.result()) as PropagationProgress;
      // Terminated or failed (never by its own code, which retries until every page is told).
      return { id, state: 'failed', reason: status.name, total: 0, completed: 0, skipped: 0, failed: 0, startedAt: null, closedAt: closeTime?.toISOString() ?? null };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`propagation ${id}`);
      throw err;
    }
  }

  return { start, progress };
}

export type CalendarPropagation = ReturnType<typeof createCalendarPropagation>;
