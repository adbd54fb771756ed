import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './client';

/** Takes or renews the lease `name` for `holder` for `seconds`; true when it is held by `holder` now. */
export async function holdLease(db: Database, name: string, holder: string, seconds: number): Promise<boolean> {
  const result = await db.execute(sql`
    insert into job_leases (name, holder, until) values (${name}, ${holder}, now() + make_interval(secs => ${seconds}))
    on conflict (name) do update set holder = excluded.holder, until = excluded.until
      where job_leases.until < now() or job_leases.holder = excluded.holder
    returning holder`);
  return rowsOf<{ holder: string }>(result).length > 0;
}

/** Gives the lease up (a clean stop), so another process need not wait for it to run out. */
export async function releaseLease(db: Database, name: string, holder: string): Promise<void> {
  await db.execute(sql`delete from job_leases where name = ${name} and holder = ${holder}`);
}
