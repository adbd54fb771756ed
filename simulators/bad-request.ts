import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/** Parses with zod or answers 400 naming the field; returns undefined when it answered. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, reply: FastifyReply): z.output<T> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  void reply.status(400).send({ error: { code: 'BAD_REQUEST', message: issue.message, field: issue.path.join('.') } });
  return undefined;
}

/** The Idempotency-Key header, or a 400 naming it; returns undefined when it answered. */
export function idempotencyKeyOr400(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const key = request.headers['idempotency-key'];
  if (typeof key === 'string' && key.length > 0) return key;
  void reply.status(400).send({ error: { code: 'BAD_REQUEST', message: 'Idempotency-Key header is required', field: 'Idempotency-Key' } });
  return undefined;
}

export const fixtureCase = (citizenId: string) => citizenId.slice(-4);
