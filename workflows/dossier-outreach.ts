import { condition, continueAsNew, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { citizenOutreachActivities } from '../activities/citizen-outreach';

/**
 * After each change of a dossier, in order, one of two audiences is told, each by a queue of its
 * own so that neither waits for the other: the National Public Service Portal gets the dossier's
 * record (once for a run of changes: the latest record says everything the earlier ones did), the
 * citizen what concerns them. Each is retried until it goes, however long the portal or the SMS
 * gateway is down, and a worker restart loses nothing. Idle for a minute, a queue ends; the
 * dossier's next event starts it again.
 */
export type OutreachAudience = 'portal' | 'citizen';

export interface OutreachEvent {
  messageId: string;
  type: string;
  sequence: number;
}

export const outreachEventSignal = defineSignal<[OutreachEvent]>('dossierEvent');

const { syncPortal, notifyCitizen } = proxyActivities<ReturnType<typeof citizenOutreachActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function dossierOutreach(input: { reference: string; audience: OutreachAudience; pending?: OutreachEvent[]; seen?: string[] }): Promise<void> {
  const queue: OutreachEvent[] = [...(input.pending ?? [])];
  const seen = new Set(input.seen ?? []);
  setHandler(outreachEventSignal, (e) => {
    if (seen.has(e.messageId)) return;
    seen.add(e.messageId);
    queue.push(e);
    queue.sort((a, b) => a.sequence - b.sequence);
  });

  for (;;) {
    if (!queue.length && !(await condition(() => queue.length > 0, '1 minute'))) return;
    const e = queue.shift()!;
    if (input.audience === 'portal') {
      const laterChange = queue.some((q) => q.type === 'dossier.status_changed');
      if (e.type === 'dossier.status_changed' && !laterChange) await syncPortal({ reference: input.reference });
    } else {
      await notifyCitizen({ reference: input.reference, messageId: e.messageId });
    }
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof dossierOutreach>({ ...input, pending: queue, seen: [...seen].slice(-200) });
  }
}
