import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/** Every simulator answers a bad request the same way: 400 { error: { code: 'BAD_REQUEST', message, field } }. */
export function badRequest(reply: FastifyReply, message: string, field: string): FastifyReply {
  return reply.status(400).send({ error: { code: 'BAD_REQUEST', message, field } });
}

/** Parses with zod, or answers 400 naming the first bad field; undefined means the reply is sent. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, reply: FastifyReply): z.output<T> | undefined {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  void badRequest(reply, issue.message, issue.path.join('.') || 'body');
  return undefined;
}

/** The Idempotency-Key header, or a 400 naming it; undefined means the reply is sent. */
export function idempotencyKeyOr400(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const key = request.headers['idempotency-key'];
  if (typeof key === 'string' && key.length > 0 && key.length <= 200) return key;
  void badRequest(reply, 'an Idempotency-Key header of 1 to 200 characters is required', 'Idempotency-Key');
  return undefined;
}

export const citizenIdQuery = z.object({ citizenId: z.string().regex(/^\d{12}$/, 'a citizen ID of exactly 12 digits') });
