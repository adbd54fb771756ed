import type { Drill } from './drill';
import { apiKill } from './api-kill';
import { duplicateStorm } from './duplicate-storm';
import { paymentDown } from './payment-down';
import { postalDown } from './postal-down';
import { postgresStop } from './postgres-stop';
import { registry503 } from './registry-503';
import { registryTimeout } from './registry-timeout';
import { temporalKill } from './temporal-kill';
import { workerKill } from './worker-kill';
import { workerStall } from './worker-stall';

/** Every drill, in the order a full run takes them: the processes first, then the dependencies, then the storm. */
export const DRILLS: readonly Drill[] = [
  workerKill,
  workerStall,
  temporalKill,
  apiKill,
  postgresStop,
  registry503,
  registryTimeout,
  paymentDown,
  postalDown,
  duplicateStorm,
];
