import { proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PropagationInput, PropagationProgress } from '../domain/calendar-propagation';
import type { calendarPropagationActivities } from '../activities/calendar-propagation';
import { propagationProgressQuery } from './definitions';

const { countOpenDossiers, signalOpenDossiers } = proxyActivities<ReturnType<typeof calendarPropagationActivities>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  // Temporal unavailable for a while, or a frontend rate-limiting the signals: keep trying, the edit must arrive.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * A calendar change told to every open dossier (of some agencies, or all): count them, then tell
 * them a page at a time. One workflow per change, so any number of edits propagate at once and each
 * survives an API or worker restart; its progress is a query.
 */
export async function calendarPropagation(input: PropagationInput): Promise<PropagationProgress> {
  const progress: PropagationProgress = {
    id: workflowInfo().workflowId,
    state: 'running',
    reason: input.cause,
    total: 0,
    completed: 0,
    skipped: 0,
    failed: 0,
    startedAt: new Date(workflowInfo().startTime.getTime()).toISOString(),
    closedAt: null,
  };
  setHandler(propagationProgressQuery, () => progress);

  progress.total = await countOpenDossiers({ agencyCodes: input.agencyCodes });
  let pageToken: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof signalOpenDossiers>> = await signalOpenDossiers({ agencyCodes: input.agencyCodes, cause: input.cause, pageToken });
    progress.completed += page.signalled;
    progress.skipped += page.skipped;
    pageToken = page.nextPageToken;
  } while (pageToken);
  // Dossiers that opened meanwhile were counted in neither, and read the new calendar as they start.
  progress.total = Math.max(progress.total, progress.completed + progress.skipped);
  progress.state = 'completed';
  progress.closedAt = new Date().toISOString();
  return progress;
}
