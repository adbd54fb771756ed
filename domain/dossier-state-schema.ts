import { z } from 'zod';
import { ACTION_NAMES, supplementItem } from './actions';
import type { DossierState, SupplementRequest, Transition } from './dossier-state';
import { DOSSIER_STATUSES } from './dossier-status';
import { STEPS, type ProcedureVersion, type StepBudget } from './procedure';
import { ROLES } from './roles';
import type { HealthFinding, LicenceFinding, VerificationFindings } from './verification';

/**
 * The parts of a dossier's state (dossier-state.ts, procedure.ts, verification.ts) as zod schemas:
 * what the API's views are validated and documented with. Kept apart from those modules so the
 * workflow bundle (and so the worker build id) does not change with them; each schema is checked at
 * compile time to be exactly the interface it describes, so the two cannot drift apart.
 */

/** An instant as the workflow writes it (toISOString), or with an offset as an officer sent it. */
export const instant = z.iso.datetime({ offset: true });

/** Compile time only: true when A and B are the same type. */
export type Exactly<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const stepBudgetSchema = z.union([z.object({ hours: z.number() }), z.object({ days: z.number() })]);

export const procedureVersionSchema = z.object({
  code: z.string(),
  version: z.number().int(),
  name: z.string(),
  legalBasis: z.string(),
  processingWorkingDays: z.number(),
  stepBudgets: z.record(z.enum(STEPS), stepBudgetSchema),
  feeVnd: z.number().int(),
  deliveryOptions: z.array(z.enum(['post', 'counter'])),
  supplementLimitDays: z.number(),
  paymentLimitWorkingDays: z.number(),
  effectiveFrom: z.iso.date(),
});

export const healthFindingSchema = z.object({
  outcome: z.enum(['clear', 'not_required', 'problem', 'unavailable']),
  issues: z.array(z.enum(['NO_CERTIFICATE', 'CERTIFICATE_EXPIRED', 'UNFIT', 'DRUG_TEST_POSITIVE', 'CLASS_NOT_COVERED'])),
  certificate: z
    .object({
      id: z.string(),
      conclusion: z.enum(['fit', 'unfit']),
      classes: z.array(z.string()),
      signedOn: z.string(),
      validUntil: z.string(),
      drugTest: z.enum(['negative', 'positive']),
    })
    .optional(),
  error: z.string().optional().describe('why the registry could not be asked (outcome `unavailable`)'),
  checkedAt: instant,
});

export const licenceFindingSchema = z.object({
  outcome: z.enum(['clear', 'flagged', 'problem', 'unavailable']),
  issues: z.array(z.enum(['LICENCE_NOT_FOUND', 'REVOKED', 'SUSPENDED', 'UNRESOLVED_VIOLATION'])),
  flags: z.array(z.enum(['ZERO_POINTS'])),
  licence: z
    .object({ number: z.string(), class: z.string(), status: z.enum(['valid', 'revoked', 'suspended']), points: z.number() })
    .optional(),
  unresolvedViolations: z.array(z.object({ decisionNumber: z.string(), decidedOn: z.string(), description: z.string() })),
  error: z.string().optional().describe('why the registry could not be asked (outcome `unavailable`)'),
  checkedAt: instant,
});

export const verificationFindingsSchema = z.object({
  health: healthFindingSchema.optional(),
  licence: licenceFindingSchema.optional(),
  completedAt: instant.optional(),
  recheck: z
    .object({
      pending: z.boolean().describe('a registry has not answered yet: checked again in the background; approval waits for it'),
      rounds: z.number().int(),
      nextAt: instant.optional(),
      lastAt: instant.optional(),
    })
    .optional()
    .describe('present when a registry could not be asked at verification'),
});

const SYSTEM_ACTIONS = ['submit', 'verify', 'verified', 'deadline-moved', 'apology-required', 'late', 'payment-reminder', 'time-limit'] as const;

export const transitionSchema = z.object({
  at: instant,
  actor: z.object({ username: z.string(), role: z.enum([...ROLES, 'system']) }),
  action: z.enum([...ACTION_NAMES, ...SYSTEM_ACTIONS]),
  from: z.enum(DOSSIER_STATUSES).nullable(),
  to: z.enum(DOSSIER_STATUSES),
  note: z.string().optional(),
  facts: z
    .object({
      appraiser: z.string().optional(),
      previousAppraiser: z.string().optional(),
      items: z.array(z.string()).optional(),
      reasons: z.array(z.string()).optional(),
      trackingNumber: z.string().optional(),
      method: z.enum(['online', 'counter']).optional(),
      transactionRef: z.string().optional(),
      from: instant.optional(),
      to: instant.optional(),
      days: z.number().int().optional(),
      cause: z.enum(['calendar', 'supplement', 'reschedule', 'receipt']).optional(),
      reason: z.string().optional(),
      onPaperAt: instant.optional(),
    })
    .optional(),
});

export const supplementRequestSchema = z.object({
  stage: z.enum(['intake', 'appraisal']),
  items: z.array(supplementItem),
  requestedAt: instant,
  requestedBy: z.string(),
  returnTo: z.enum(DOSSIER_STATUSES).describe('where the dossier goes back to once the citizen has supplied everything'),
  completedAt: instant.optional(),
  documents: z.array(z.object({ name: z.string(), reference: z.string() })).optional(),
});

export const stepRecordSchema = z.object({
  step: z.enum(STEPS),
  startedAt: instant,
  dueAt: instant,
  completedAt: instant.optional(),
  outcome: z.enum(['early', 'on_time', 'late']).optional(),
});

export const appraisalSchema = z.object({ outcome: z.enum(['pass', 'supplement', 'refuse']), note: z.string().optional(), by: z.string(), at: instant });
export const approvalSchema = z.object({ by: z.string(), at: instant, note: z.string().optional() });
export const refusalSchema = z.object({ reasons: z.array(z.string()), by: z.string(), at: instant, stage: z.enum(['intake', 'appraisal']) });
export const withdrawalSchema = z.object({ reason: z.string(), at: instant });
export const shipmentSchema = z.object({
  trackingNumber: z.string(),
  address: z.string(),
  createdAt: instant,
  deliveredAt: instant.optional(),
  failedAttempts: z.array(z.object({ at: instant, note: z.string().optional() })),
});
export const apologySchema = z.object({
  requiredAt: instant,
  reschedule: z.object({ by: z.string(), at: instant, reason: z.string(), from: instant, to: instant }).optional(),
});
export const processingEndedSchema = z.object({ at: instant, onTime: z.boolean(), workingDays: z.number().optional() });

type Part<K extends keyof DossierState> = NonNullable<DossierState[K]>;
const _matches: [
  Exactly<z.infer<typeof stepBudgetSchema>, StepBudget>,
  Exactly<z.infer<typeof procedureVersionSchema>, ProcedureVersion>,
  Exactly<z.infer<typeof healthFindingSchema>, HealthFinding>,
  Exactly<z.infer<typeof licenceFindingSchema>, LicenceFinding>,
  Exactly<z.infer<typeof verificationFindingsSchema>, VerificationFindings>,
  Exactly<z.infer<typeof transitionSchema>, Transition>,
  Exactly<z.infer<typeof supplementRequestSchema>, SupplementRequest>,
  Exactly<z.infer<typeof stepRecordSchema>, Part<'steps'>[number]>,
  Exactly<z.infer<typeof appraisalSchema>, Part<'appraisal'>>,
  Exactly<z.infer<typeof approvalSchema>, Part<'approval'>>,
  Exactly<z.infer<typeof refusalSchema>, Part<'refusal'>>,
  Exactly<z.infer<typeof withdrawalSchema>, Part<'withdrawal'>>,
  Exactly<z.infer<typeof shipmentSchema>, Part<'shipment'>>,
  Exactly<z.infer<typeof apologySchema>, Part<'apology'>>,
  Exactly<z.infer<typeof processingEndedSchema>, Part<'processingEnded'>>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
