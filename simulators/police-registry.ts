import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { fixtureCase, parseOr400 } from './bad-request';

/**
 * Traffic police: the national licence database and violation decisions.
 *   GET /police-registry/licences/:number?citizenId=… → 200 { number, citizenId, class, status, points } | 404
 *   GET /police-registry/violations?citizenId=…      → 200 { decisions: [{ decisionNumber, decidedOn, description, resolved }] }
 * Fixtures: 9004 an unresolved violation, 9005 revoked, 9006 zero points, 9007 licence not found.
 */

const citizen = z.object({ citizenId: z.string().regex(/^\d{12}$/) });

export const policeRegistry: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { number: string } }>('/licences/:number', async (request, reply) => {
    const query = parseOr400(citizen, request.query, reply);
    if (!query) return reply;
    const kase = fixtureCase(query.citizenId);
    if (kase === '9007') return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'licence not found' } });
    return {
      number: request.params.number,
      citizenId: query.citizenId,
      class: 'B',
      status: kase === '9005' ? 'revoked' : 'valid',
      points: kase === '9006' ? 0 : 12,
    };
  });

  app.get('/violations', async (request, reply) => {
    const query = parseOr400(citizen, request.query, reply);
    if (!query) return reply;
    const decisions = [
      { decisionNumber: `QD-2024-${query.citizenId.slice(-6)}-1`, decidedOn: '2024-06-10', description: 'Vượt đèn đỏ', resolved: true },
    ];
    if (fixtureCase(query.citizenId) === '9004') {
      decisions.push({ decisionNumber: `QD-2026-${query.citizenId.slice(-6)}-2`, decidedOn: '2026-03-02', description: 'Chạy quá tốc độ quy định', resolved: false });
    }
    return { decisions };
  });
};
