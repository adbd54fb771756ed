import type { Client } from '@temporalio/client';
import { encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { z } from 'zod';
import { WORKFLOW_TYPE } from '../workflows/definitions';
import { notFound } from './errors';

const BATCH_STATES = ['unspecified', 'running', 'completed', 'failed'] as const;

/** How far a calendar change has reached the open dossiers: the batch job's own counters. */
export const propagationProgressSchema = z.object({
  id: z.string(),
  state: z.enum(BATCH_STATES),
  reason: z.string().describe('the change that is being told'),
  total: z.number().int().describe('open dossiers to tell'),
  completed: z.number().int(),
  failed: z.number().int(),
  startedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
});
export type PropagationProgress = z.infer<typeof propagationProgressSchema>;

/**
 * Tells every open dossier (of some agencies, or all) that the calendar changed, with Temporal's
 * batch operation: the server walks the visibility query and signals each workflow, so an edit
 * reaches thousands of dossiers without the admin's request waiting for it. Progress is the
 * batch job's own counters.
 */
export function createCalendarPropagation(client: Client) {
  const namespace = client.options.namespace;

  async function start(changeId: number, cause: string, agencyCodes: string[] | null): Promise<{ id: string }> {
    const id = `calendar-change-${changeId}`;
    const scope = agencyCodes ? ` AND AgencyCode IN (${agencyCodes.map((a) => `'${a.replace(/'/g, '')}'`).join(', ')})` : '';
    await client.workflowService.startBatchOperation({
      namespace,
      jobId: id,
      reason: cause,
      visibilityQuery: `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'${scope}`,
      signalOperation: {
        signal: 'calendarChanged',
        // Through the client's codec, like every other payload the service sends.
        input: { payloads: await encodeToPayloads(client.options.loadedDataConverter, { cause }) },
        identity: 'gplx-api/calendar',
      },
    });
    return { id };
  }

  async function progress(id: string): Promise<PropagationProgress> {
    try {
      const job = await client.workflowService.describeBatchOperation({ namespace, jobId: id });
      const state = BATCH_STATES[job.state ?? 0] ?? 'unspecified';
      return {
        id,
        state,
        reason: job.reason ?? '',
        total: Number(job.totalOperationCount ?? 0),
        completed: Number(job.completeOperationCount ?? 0),
        failed: Number(job.failureOperationCount ?? 0),
        startedAt: job.startTime?.seconds ? new Date(Number(job.startTime.seconds) * 1000).toISOString() : null,
        closedAt: job.closeTime?.seconds ? new Date(Number(job.closeTime.seconds) * 1000).toISOString() : null,
      };
    } catch (err) {
      if ((err as { code?: number }).code === 5) throw notFound(`propagation ${id}`);
      throw err;
    }
  }

  return { start, progress };
}

export type CalendarPropagation = ReturnType<typeof createCalendarPropagation>;
