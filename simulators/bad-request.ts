import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** Parses with zod or answers 400 naming the field; returns undefined when it answered. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, reply: FastifyReply): z.output<T> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  void reply.status(400).send({ error: { code: 'BAD_REQUEST', message: issue.message, field: issue.path.join('.') } });
  return undefined;
}

export const fixtureCase = (citizenId: string) => citizenId.slice(-4);
