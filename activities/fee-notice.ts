import type { createPaymentGatewayClient } from './registries/payment-gateway';

export function feeNoticeActivities(gateway: ReturnType<typeof createPaymentGatewayClient>) {
  return {
    /** The fee notice issued on approval: a payment order the citizen pays online (or at the counter). */
    async createFeeNotice(input: { reference: string; agencyCode: string; code: string; amount: number }) {
      return gateway.createOrder(
        {
          reference: input.reference,
          agencyCode: input.agencyCode,
          amount: input.amount,
          description: `Lệ phí đổi GPLX, hồ sơ ${input.code}`,
        },
        // One order per dossier, however often the activity is retried.
        `fee-${input.reference}`,
      );
    },
  };
}
