import { sleep, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * The change: a one-second timer before the fee notice is created, as someone might add to pace
 * calls to the payment gateway, without `patched()`. Every dossier that had reached approval
 * recorded ActivityTaskScheduled(createFeeNotice) where this code now starts a timer: replaying
 * those histories must fail. Dossiers that never reached approval replay unchanged.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      async scheduleActivity(input, next) {
        if (input.activityType === 'createFeeNotice') await sleep('1 second');
        return next(input);
      },
    },
  ],
});
