import { sql } from 'drizzle-orm';
import type { DossierStatus } from '../domain/dossier-status';
import type { DossierSummary } from '../domain/dossier-state';
import type { Database } from './client';
import { dossiers } from './schema';

/**
 * The dossier an inbound callback is about, found by what the caller knows of it: the payment
 * gateway by its order id (the fee notice's), the post by its tracking number. Both are in the
 * record's state, indexed (migration 0010), so a callback never wakes a workflow to be routed.
 */
export interface CallbackTarget {
  reference: string;
  agencyCode: string;
  status: DossierStatus | null;
  state: DossierSummary | null;
}

async function one(db: Database, where: ReturnType<typeof sql>): Promise<CallbackTarget | undefined> {
  const [row] = await db
    .select({ reference: dossiers.reference, agencyCode: dossiers.agencyCode, status: dossiers.status, state: dossiers.state })
    .from(dossiers)
    .where(where)
    .limit(1);
  return row;
}

export const dossierByFeeOrder = (db: Database, orderId: string) => one(db, sql`(${dossiers.state}->'feeNotice'->>'orderId') = ${orderId}`);

export const dossierByTrackingNumber = (db: Database, trackingNumber: string) =>
  one(db, sql`(${dossiers.state}->'shipment'->>'trackingNumber') = ${trackingNumber}`);
