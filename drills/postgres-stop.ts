import { faultDrill } from './fault-drill';

/**
 * PostgreSQL stopped (pg_ctl stop -m fast: every connection cut) for about 25 s mid-lifecycle,
 * then started again on the same files and port. The API should answer 503 with Retry-After
 * meanwhile, the workflows keep their record writes until it is back, and no access-log entry of
 * a request answered meanwhile may be dropped.
 */
export const postgresStop = faultDrill({
  name: 'postgres-stop',
  summary: 'PostgreSQL stopped for ~25 s (short: 10 s), then started',
  probe: 'reassign',
  trigger: 'mid',
  begin: ({ stack }) => stack.postgres.stop('fast'),
  holdMs: (t) => t.postgresDownMs,
  end: ({ stack }) => stack.postgres.start(),
});
