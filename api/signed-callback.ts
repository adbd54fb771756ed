import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SIGNATURE_HEADER, verifyBodySignature } from '../integrations/body-signature';
import type { CallbackThrottle } from './callback-throttle';
import { HttpError } from './errors';

/**
 * For a plugin of callbacks signed over their raw JSON body (`x-signature: sha256=<HMAC>`): its
 * JSON parser keeps the bytes the signature was computed over, and the hooks refuse an address
 * sending bad signatures (onRequest) and any body whose signature is wrong, after parsing and
 * before validation (preValidation), so an unsigned body is never judged on its content. The body
 * is the one thing read before the caller is known, bounded by `bodyLimit`.
 */
declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

export function keepRawJsonBodies(app: FastifyInstance, bodyLimit: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new HttpError(400, 'VALIDATION_FAILED', 'the body is not valid JSON'), undefined);
    }
  });
}

export function signedBodyHooks(opts: { secret: string; throttle: CallbackThrottle; caller: string; whose: string }) {
  return {
    onRequest: async (request: FastifyRequest) => {
      const blocked = opts.throttle.blocked(request.ip);
      if (blocked) {
        request.accessNote = 'refused: too many bad signatures from this address';
        throw new HttpError(429, 'TOO_MANY_BAD_CALLBACKS', 'too many callbacks with a wrong signature from this address; retry later', undefined, undefined, blocked.retryAfterS);
      }
    },
    preValidation: async (request: FastifyRequest) => {
      if (!request.rawBody || !verifyBodySignature(request.rawBody, request.headers[SIGNATURE_HEADER] as string | undefined, opts.secret)) {
        opts.throttle.failed(request.ip);
        request.accessNote = 'signature invalid';
        throw new HttpError(401, 'INVALID_SIGNATURE', `${SIGNATURE_HEADER}: missing, or not the HMAC-SHA256 of this body with ${opts.whose} secret`, SIGNATURE_HEADER);
      }
      request.accessCaller = opts.caller;
    },
  };
}
