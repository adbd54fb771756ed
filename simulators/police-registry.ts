import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { daysFromToday, fixtureCaseOf } from './fixtures';
import { citizenIdQuery, parseOr400 } from './validation';

/**
 * Traffic police (Cục CSGT): the national licence database and administrative violation decisions.
 *   GET /police-registry/licences/:number?citizenId=<12 digits>
 *     → 200 { number, citizenId, class, status: 'valid'|'revoked'|'suspended', points }
 *     → 404 { error: { code: 'LICENCE_NOT_FOUND', message } }   (no such licence for that citizen)
 *   GET /police-registry/violations?citizenId=<12 digits>
 *     → 200 { decisions: [{ decisionNumber, decidedOn: 'YYYY-MM-DD', description, resolved: boolean }] }
 *   Bad input → 400 { error: { code: 'BAD_REQUEST', message, field } }
 * The licence-not-found 404 carries its own code so a client can tell it from a wrong URL's 404.
 * Fixtures (last four digits): 9004 an unresolved violation (beside an older resolved one),
 * 9005 revoked, 9006 zero points, 9007 licence not found. Otherwise valid, 12 points, no violations.
 */

const licenceParams = z.object({ number: z.string().regex(/^[0-9A-Z]{6,15}$/, '6 to 15 digits or capital letters') });

export const policeRegistry: FastifyPluginAsync = async (app) => {
  app.get('/licences/:number', async (request, reply) => {
    const params = parseOr400(licenceParams, request.params, reply);
    if (!params) return reply;
    const query = parseOr400(citizenIdQuery, request.query, reply);
    if (!query) return reply;
    const kase = fixtureCaseOf(query.citizenId);
    if (kase === 'licenceNotFound') {
      return reply.status(404).send({ error: { code: 'LICENCE_NOT_FOUND', message: 'licence not found' } });
    }
    return {
      number: params.number,
      citizenId: query.citizenId,
      class: 'B',
      status: kase === 'revoked' ? 'revoked' : 'valid',
      points: kase === 'zeroPoints' ? 0 : 12,
    };
  });

  app.get('/violations', async (request, reply) => {
    const query = parseOr400(citizenIdQuery, request.query, reply);
    if (!query) return reply;
    if (fixtureCaseOf(query.citizenId) !== 'unresolvedViolation') return { decisions: [] };
    const serial = query.citizenId.slice(-6);
    return {
      // The resolved decision is there so clients are seen to filter, not just count.
      decisions: [
        { decisionNumber: `${serial}-1/QĐ-XPVPHC`, decidedOn: daysFromToday(-540), description: 'Không chấp hành hiệu lệnh của đèn tín hiệu giao thông', resolved: true },
        { decisionNumber: `${serial}-2/QĐ-XPVPHC`, decidedOn: daysFromToday(-45), description: 'Điều khiển xe chạy quá tốc độ quy định', resolved: false },
      ],
    };
  });
};
