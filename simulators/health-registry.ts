import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { fixtureCase, parseOr400 } from './bad-request';

/**
 * Ministry of Health e-health records (driver health certificates).
 *   GET /health-registry/certificates?citizenId=<12 digits>
 *     → 200 { certificates: [{ id, citizenId, conclusion, classes, signedOn, validUntil, drugTest }] }
 * Fixtures by the citizen ID's last four digits: 9001 none, 9002 expired, 9003 unfit; others fit.
 */

const ALL_CLASSES = ['A1', 'A', 'B1', 'B', 'C1', 'C', 'D1', 'D2', 'D', 'BE', 'C1E', 'CE', 'D1E', 'D2E', 'DE', 'A2', 'A3', 'A4', 'B2', 'E', 'FB2', 'FC', 'FD', 'FE'];

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export const healthRegistry: FastifyPluginAsync = async (app) => {
  app.get('/certificates', async (request, reply) => {
    const query = parseOr400(z.object({ citizenId: z.string().regex(/^\d{12}$/) }), request.query, reply);
    if (!query) return reply;
    const { citizenId } = query;
    const kase = fixtureCase(citizenId);
    if (kase === '9001') return { certificates: [] };
    const expired = kase === '9002';
    return {
      certificates: [
        {
          id: `GKSK-${citizenId}`,
          citizenId,
          conclusion: kase === '9003' ? 'unfit' : 'fit',
          classes: ALL_CLASSES,
          signedOn: expired ? day(-400) : day(-90),
          validUntil: expired ? day(-35) : day(275),
          drugTest: 'negative',
        },
      ],
    };
  });
};
