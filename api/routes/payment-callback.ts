import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dossierByFeeOrder } from '../../db/callback-targets';
import type { Database } from '../../db/client';
import { workflowActor } from '../../domain/roles';
import { verifyVnpaySignature } from '../../integrations/vnpay-signature';
import type { CallbackThrottle } from '../callback-throttle';
import type { DossierGateway } from '../dossier-gateway';
import { HttpError } from '../errors';

/**
 * The payment gateway's notification (IPN, VNPay's contract): the gateway calls this once a citizen
 * has paid, and again until it is answered `00` or `02`. Its signature is its authentication,
 * checked before anything else (a GET carries no body). It is always answered 200 with
 * `{RspCode, Message}`, the codes the gateway acts on; nothing changes on a refused call, and the
 * same notification twice records one payment.
 */
export const IPN_CODES = {
  confirmed: { RspCode: '00', Message: 'Confirm Success' },
  alreadyConfirmed: { RspCode: '02', Message: 'Order already confirmed' },
  unknownOrder: { RspCode: '01', Message: 'Order not found' },
  wrongAmount: { RspCode: '04', Message: 'Invalid amount' },
  badSignature: { RspCode: '97', Message: 'Invalid signature' },
  other: { RspCode: '99', Message: 'Unknown error' },
} as const;

const ipnAnswer = z.object({
  RspCode: z.enum(['00', '01', '02', '04', '97', '99']).describe('00 confirmed, 01 unknown order, 02 already confirmed, 04 wrong amount, 97 bad signature, 99 other (the gateway retries)'),
  Message: z.string(),
});

const vnp = (what: string) => z.string().optional().describe(what);
const ipnQuery = z
  .object({
    vnp_TmnCode: vnp('the merchant code'),
    vnp_TxnRef: vnp("the fee notice's orderId"),
    vnp_Amount: vnp('the amount paid × 100'),
    vnp_ResponseCode: vnp('00: paid'),
    vnp_TransactionStatus: vnp('00: paid'),
    vnp_TransactionNo: vnp("the gateway's transaction number, recorded with the payment"),
    vnp_BankCode: vnp('the bank'),
    vnp_PayDate: vnp('yyyyMMddHHmmss'),
    vnp_OrderInfo: vnp('free text'),
    vnp_SecureHashType: vnp('HmacSHA512'),
    vnp_SecureHash: vnp('hex HMAC-SHA512 of the other vnp_* parameters, sorted, form-encoded, with PAYMENT_GATEWAY_SECRET'),
  })
  .catchall(z.unknown());

/** Who the dossier's history says recorded an online payment notified by the gateway. */
const GATEWAY = 'payment-gateway';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made an inbound callback, for its access-log entry (a callback has no login). */
    accessCaller?: string;
  }
}

export const paymentCallbackRoutes: FastifyPluginAsyncZod<{ db: Database; gateway: DossierGateway; secret: string; throttle: CallbackThrottle }> = async (
  app,
  { db, gateway, secret, throttle },
) => {
  app.get(
    '/callbacks/payment',
    {
      // The signature is the caller's authentication: checked here, before the handler, and bad ones counted per address.
      onRequest: async (request, reply) => {
        const blocked = throttle.blocked(request.ip);
        if (blocked) {
          request.accessNote = 'refused: too many bad signatures from this address';
          void reply.header('retry-after', String(blocked.retryAfterS));
          return reply.status(200).send(IPN_CODES.badSignature);
        }
        const params = Object.fromEntries(Object.entries(request.query as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
        if (!verifyVnpaySignature(params, secret)) {
          throttle.failed(request.ip);
          request.accessNote = 'signature invalid; RspCode 97';
          return reply.status(200).send(IPN_CODES.badSignature);
        }
        request.accessCaller = GATEWAY;
      },
      schema: {
        tags: ['callbacks'],
        summary: "The payment gateway's notification of a payment (IPN, VNPay-style; signed with PAYMENT_GATEWAY_SECRET)",
        querystring: ipnQuery,
        response: { 200: ipnAnswer.describe('always 200: the RspCode says what happened') },
      },
    },
    async (request) => {
      const q = request.query;
      const answer = await handle(q).catch((err: unknown) => {
        request.log.error({ err }, 'payment notification could not be processed');
        return IPN_CODES.other;
      });
      request.accessNote = `signature valid; order ${q.vnp_TxnRef ?? '-'}; RspCode ${answer.RspCode}`;
      return answer;
    },
  );

  async function handle(q: z.infer<typeof ipnQuery>): Promise<(typeof IPN_CODES)[keyof typeof IPN_CODES]> {
    if (!q.vnp_TxnRef) return IPN_CODES.unknownOrder;
    const target = await dossierByFeeOrder(db, q.vnp_TxnRef);
    const notice = target?.state?.feeNotice;
    if (!target || !notice) return IPN_CODES.unknownOrder;
    if (!/^\d+$/.test(q.vnp_Amount ?? '') || Number(q.vnp_Amount) !== notice.amount * 100) return IPN_CODES.wrongAmount;
    if (target.state?.payment || target.status !== 'AWAITING_PAYMENT') return IPN_CODES.alreadyConfirmed;
    // A failed or cancelled payment is acknowledged (so the gateway stops) and changes nothing: the fee is still owed.
    if (q.vnp_ResponseCode !== '00' || q.vnp_TransactionStatus !== '00') return IPN_CODES.confirmed;
    const actor = workflowActor({ username: GATEWAY, roles: ['integrator'], agencyCode: target.agencyCode });
    const key = `ipn-${q.vnp_TxnRef}`.slice(0, 128);
    try {
      await gateway.act(
        target.reference,
        'record-payment',
        { actor, body: { amount: notice.amount, method: 'online', transactionRef: (q.vnp_TransactionNo || q.vnp_TxnRef).slice(0, 100) }, idempotencyKey: key },
        `record-payment:${key}`,
      );
      return IPN_CODES.confirmed;
    } catch (err) {
      // Moved on meanwhile (another notification of the same order, a counter payment): it is paid.
      if (err instanceof HttpError && (err.code === 'ACTION_NOT_ALLOWED' || err.code === 'DOSSIER_CLOSED')) return IPN_CODES.alreadyConfirmed;
      throw err;
    }
  }
};
