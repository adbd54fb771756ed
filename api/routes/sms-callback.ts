import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDossierCode } from '../../domain/dossier-code';
import { STATUS_LABELS } from '../../domain/labels-vi';
import { mask } from '../../domain/masking';
import { withoutDiacritics } from '../../domain/notifications';
import { localIso } from '../../domain/working-time';
import { SIGNATURE_HEADER } from '../../integrations/body-signature';
import type { CallbackThrottle } from '../callback-throttle';
import type { DossierGateway } from '../dossier-gateway';
import { HttpError, errorResponse } from '../errors';
import { keepRawJsonBodies, signedBodyHooks } from '../signed-callback';

/**
 * Looking a dossier up by SMS (seed 001 art. 10.2, "tra cứu qua tổng đài tin nhắn SMS"): the SMS
 * gateway forwards a citizen's message `GPLX <dossier code>` and sends back the reply this answers
 * with: the status and the appointment, nothing personal (anyone holding the code may learn as
 * much on the public lookup page). Signed like the post's callbacks; a phone number asks at most
 * LIMIT times in WINDOW, so the short code cannot be used to walk the codes.
 */
const LIMIT = 5;
const WINDOW_MS = 10 * 60_000;
const BODY_LIMIT = 4 * 1024;

const inbound = z
  .object({
    from: z.string().regex(/^(0|\+84)\d{9,10}$/, 'a Vietnamese phone number such as 0912345678'),
    text: z.string().max(640),
  })
  .strict();

export const smsCallbackRoutes: FastifyPluginAsyncZod<{ gateway: DossierGateway; secret: string; throttle: CallbackThrottle }> = async (app, { gateway, secret, throttle }) => {
  keepRawJsonBodies(app, BODY_LIMIT);
  const asked = new Map<string, number[]>();

  app.post(
    '/callbacks/sms',
    {
      bodyLimit: BODY_LIMIT,
      ...signedBodyHooks({ secret, throttle, caller: 'sms-gateway', whose: "the SMS gateway's" }),
      schema: {
        tags: ['callbacks'],
        summary: "A citizen's SMS to the short code (GPLX <dossier code>), forwarded by the SMS gateway; answered with the reply to send back",
        headers: z.object({ [SIGNATURE_HEADER]: z.string().describe('sha256=<hex HMAC-SHA256 of the raw body> with SMS_CALLBACK_SECRET') }),
        body: inbound,
        response: {
          200: z.object({ reply: z.string().describe('the SMS to send back to the citizen (without diacritics)') }),
          401: errorResponse.describe('the signature is missing or wrong'),
          429: errorResponse.describe('this phone number asked too often, or this address sent too many bad signatures'),
        },
      },
    },
    async (request) => {
      const { from, text } = request.body;
      const now = Date.now();
      const recent = (asked.get(from) ?? []).filter((t) => now - t < WINDOW_MS);
      if (recent.length >= LIMIT) {
        request.accessNote = `signature valid; from ${mask.phone(from)}; refused: ${LIMIT} look-ups in ${WINDOW_MS / 60_000} min`;
        throw new HttpError(429, 'TOO_MANY_LOOKUPS', `quá ${LIMIT} lần tra cứu trong ${WINDOW_MS / 60_000} phút từ số này; vui lòng thử lại sau`, undefined, undefined, Math.ceil((recent[0]! + WINDOW_MS - now) / 1000));
      }
      recent.push(now);
      asked.set(from, recent);
      if (asked.size > 100_000) asked.delete(asked.keys().next().value!);

      const m = /^\s*GPLX\s+(\S+)\s*$/i.exec(text);
      const code = m?.[1]?.toUpperCase();
      let reply: string;
      if (!code || !isDossierCode(code)) {
        reply = 'Cú pháp tra cứu: GPLX <mã hồ sơ>, ví dụ GPLX 000.00.01.H22-261201-0001';
      } else {
        const state = await gateway.lookup(code).catch((err: unknown) => {
          if (err instanceof HttpError && err.status === 404) return undefined;
          throw err;
        });
        reply = state
          ? `Hồ sơ ${code}: ${STATUS_LABELS[state.status]}.${state.dueAt ? ` Hẹn trả kết quả: ${localIso(Date.parse(state.dueAt)).slice(0, 16).replace('T', ' ')}.` : ''}`
          : `Không tìm thấy hồ sơ ${code}.`;
      }
      request.accessNote = `signature valid; from ${mask.phone(from)}; ${code ?? 'no code'}`;
      return { reply: withoutDiacritics(reply) };
    },
  );
};
