import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/**
 * The engine's own ceiling for bench/lifecycle: a workflow of the dossier's shape (one start, the
 * same number of Updates with bodies of the same size, one completion) that does nothing else: no
 * activity, no timer, no search attribute. Whatever the full lifecycle costs beyond it is ours.
 */
export const bareStep = defineUpdate<number, [unknown]>('bareStep');

export async function bareLifecycle(input: { updates: number }): Promise<number> {
  let done = 0;
  setHandler(bareStep, () => ++done);
  await condition(() => done >= input.updates);
  return done;
}
