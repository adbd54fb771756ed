/**
 * A procedure version (SPEC 3): a dossier pins the one in force at its receipt, so a later
 * version never changes a running dossier. Stored in PostgreSQL; this is the seeded renewal.
 */

/** A per-step budget, in working hours or working days of the agency's office hours. */
export type StepBudget = { hours: number } | { days: number };

export const STEPS = ['receive', 'assign', 'appraise', 'approve', 'result'] as const;
export type Step = (typeof STEPS)[number];

export interface ProcedureVersion {
  code: string;
  version: number;
  name: string;
  legalBasis: string;
  processingWorkingDays: number;
  stepBudgets: Record<Step, StepBudget>;
  feeVnd: number;
  deliveryOptions: ('post' | 'counter')[];
  /** Calendar days the citizen has to complete a supplement (SPEC 2). */
  supplementLimitDays: number;
  /** Working days to pay the fee before a reminder and then a stop. */
  paymentLimitWorkingDays: number;
  effectiveFrom: string;
}

export const RENEWAL_PROCEDURE: ProcedureVersion = {
  code: 'GPLX-DOI',
  version: 1,
  name: 'Đổi giấy phép lái xe',
  legalBasis: 'Thông tư 35/2024/TT-BGTVT; Thông tư 12/2025/TT-BCA; Thông tư 37/2023/TT-BTC',
  processingWorkingDays: 5,
  stepBudgets: { receive: { hours: 4 }, assign: { hours: 4 }, appraise: { days: 2 }, approve: { days: 1 }, result: { days: 0.5 } },
  feeVnd: 135_000,
  deliveryOptions: ['post', 'counter'],
  supplementLimitDays: 30,
  paymentLimitWorkingDays: 5,
  effectiveFrom: '2025-01-01',
};
