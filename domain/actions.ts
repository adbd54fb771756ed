import { z } from 'zod';

/**
 * The actions officers and integrators take on a dossier, and the body each one carries.
 * The same schemas validate HTTP bodies, document the API and guard the workflow's Updates.
 */

const note = z.string().trim().min(1).max(2000).optional();
const text = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(2000);

export const supplementItem = z.object({ name: text('name'), reason: text('reason') });

export const ACTION_BODIES = {
  receive: z
    .object({
      note,
      /** A receipt first recorded on paper while the system was down (seed 003 art. 12), entered afterwards. */
      receivedAt: z.iso.datetime({ offset: true }).optional(),
    })
    .strict(),
  'request-supplement': z.object({ items: z.array(supplementItem).min(1).max(50) }).strict(),
  supplement: z
    .object({ documents: z.array(z.object({ name: text('name'), reference: text('reference') })).min(1).max(50) })
    .strict(),
  refuse: z.object({ reasons: z.array(text('reason')).min(1).max(20) }).strict(),
  assign: z.object({ appraiser: z.string().trim().min(1).max(64) }).strict(),
  appraise: z
    .object({
      outcome: z.enum(['pass', 'supplement', 'refuse']),
      note,
      items: z.array(supplementItem).min(1).max(50).optional(),
      reasons: z.array(text('reason')).min(1).max(20).optional(),
    })
    .strict()
    .refine((b) => b.outcome !== 'supplement' || b.items !== undefined, {
      message: 'required when outcome is supplement',
      path: ['items'],
    })
    .refine((b) => b.outcome !== 'refuse' || b.reasons !== undefined, {
      message: 'required when outcome is refuse',
      path: ['reasons'],
    }),
  approve: z.object({ note }).strict(),
  'send-back': z.object({ reason: text('reason') }).strict(),
  'record-payment': z
    .object({
      amount: z.number().int().positive(),
      method: z.enum(['online', 'counter']),
      transactionRef: z.string().trim().min(1).max(100),
    })
    .strict(),
  ship: z.object({}).strict(),
  'hand-over': z.object({ note }).strict(),
  'confirm-delivery': z
    .object({
      trackingNumber: z.string().trim().min(1).max(64),
      /** The postal service reports failed deliveries too; the result then goes back to the counter. */
      outcome: z.enum(['delivered', 'failed']).default('delivered'),
      note,
    })
    .strict(),
  withdraw: z.object({ reason: text('reason') }).strict(),
  /** Asks the registries that could not be reached again, now rather than at the next background re-check. */
  'recheck-verification': z.object({}).strict(),
  reschedule: z
    .object({ reason: text('reason'), newDueAt: z.iso.datetime({ offset: true }) })
    .strict(),
} as const;

export type ActionName = keyof typeof ACTION_BODIES;
export const ACTION_NAMES = Object.keys(ACTION_BODIES) as ActionName[];
export type ActionBody<A extends ActionName> = z.output<(typeof ACTION_BODIES)[A]>;

export function isActionName(value: string): value is ActionName {
  return Object.prototype.hasOwnProperty.call(ACTION_BODIES, value);
}
