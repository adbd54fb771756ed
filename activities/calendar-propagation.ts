import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { PROPAGATION_PAGE_SIZE } from '../domain/calendar-propagation';
import { SEARCH_ATTRIBUTES } from '../temporal.config';
import { WORKFLOW_TYPE, calendarChangedSignal } from '../workflows/definitions';

/** Signals sent at once within a page: enough to finish a page in seconds, few enough not to flood the frontend. */
const SIGNAL_CONCURRENCY = 10;

function openDossiersQuery(agencyCodes: string[] | null): string {
  // Agency codes are checked by the API's schema; quotes are dropped all the same, since this is a query text.
  const scope = agencyCodes ? ` AND ${SEARCH_ATTRIBUTES.agencyCode.name} IN (${agencyCodes.map((a) => `'${a.replace(/'/g, '')}'`).join(', ')})` : '';
  return `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'${scope}`;
}

/**
 * What the calendar propagation workflow does outside itself: count the open dossiers, and tell a
 * page of them that the calendar changed. A page told twice (the activity retried) is harmless: a
 * dossier reloads the calendar and finds its deadlines unchanged.
 */
export function calendarPropagationActivities(client: Client) {
  return {
    async countOpenDossiers(input: { agencyCodes: string[] | null }): Promise<number> {
      return (await client.workflow.count(openDossiersQuery(input.agencyCodes))).count;
    },

    async signalOpenDossiers(input: { agencyCodes: string[] | null; cause: string; pageToken: string | null }): Promise<{ signalled: number; skipped: number; nextPageToken: string | null }> {
      const page = await client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        query: openDossiersQuery(input.agencyCodes),
        pageSize: PROPAGATION_PAGE_SIZE,
        ...(input.pageToken ? { nextPageToken: Buffer.from(input.pageToken, 'base64') } : {}),
      });
      const ids = (page.executions ?? []).map((e) => e.execution?.workflowId).filter((id): id is string => Boolean(id));
      let signalled = 0;
      let skipped = 0;
      for (let i = 0; i < ids.length; i += SIGNAL_CONCURRENCY) {
        await Promise.all(
          ids.slice(i, i + SIGNAL_CONCURRENCY).map(async (id) => {
            try {
              // Through the client's codec: the cause is encrypted like every payload the service sends.
              await client.workflow.getHandle(id).signal(calendarChangedSignal, { cause: input.cause });
              signalled++;
            } catch (err) {
              // Closed since the list was read: it has no deadline left to move.
              if (err instanceof WorkflowNotFoundError) skipped++;
              else throw err;
            }
          }),
        );
        Context.current().heartbeat(i);
      }
      const token = page.nextPageToken?.length ? Buffer.from(page.nextPageToken).toString('base64') : null;
      return { signalled, skipped, nextPageToken: token };
    },
  };
}
