import { faultDrill } from './fault-drill';

/**
 * The worker frozen (SIGSTOP) while an action is being worked on, for longer than a workflow
 * task's 10 s timeout, then thawed (SIGCONT) with its memory intact: the server has meanwhile given
 * the task to a new attempt, and the worker must not carry the timed-out attempt's state (and the
 * times it wrote to the record) into it. What a kill -9 cannot show: a new worker process starts
 * from the history, a thawed one from its cache.
 */
export const workerStall = faultDrill({
  name: 'worker-stall',
  summary: 'the worker frozen (SIGSTOP) past the workflow-task timeout mid-action, then thawed',
  probe: 'reassign',
  trigger: 'mid',
  begin: async ({ stack }) => stack.freezeWorker(),
  holdMs: (t) => t.frozenMs,
  end: async ({ stack }) => stack.thawWorker(),
});
