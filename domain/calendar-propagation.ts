import { z } from 'zod';

/**
 * How a calendar change reaches the open dossiers: one propagation per change, run as a workflow
 * (workflows/calendar-propagation.ts) that lists the open dossiers page by page and signals each.
 * No batch-operation slot is involved, so edits made one right after another each run at once.
 */
export const PROPAGATION_STATES = ['running', 'completed', 'failed'] as const;

export const propagationProgressSchema = z.object({
  id: z.string(),
  state: z.enum(PROPAGATION_STATES),
  reason: z.string().describe('the change that is being told'),
  total: z.number().int().describe('open dossiers when the propagation began'),
  completed: z.number().int().describe('dossiers told'),
  skipped: z.number().int().describe('dossiers that closed before they were told (they need no calendar any more)'),
  failed: z.number().int(),
  startedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
});
export type PropagationProgress = z.infer<typeof propagationProgressSchema>;

export interface PropagationInput {
  changeId: number;
  cause: string;
  /** Only the dossiers of these agencies (their office hours changed); null: every open dossier. */
  agencyCodes: string[] | null;
}

/** Dossiers signalled per activity call: small enough for a page to finish well inside its timeout. */
export const PROPAGATION_PAGE_SIZE = 100;

export const propagationWorkflowId = (changeId: number) => `calendar-change-${changeId}`;
