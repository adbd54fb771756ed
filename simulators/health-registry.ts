import type { FastifyPluginAsync } from 'fastify';
import { LICENCE_CLASSES } from '../domain/application';
import { daysFromToday, fixtureCaseOf } from './fixtures';
import { citizenIdQuery, parseOr400 } from './validation';

/**
 * Ministry of Health e-health records: driver health certificates (giấy khám sức khỏe lái xe).
 *   GET /health-registry/certificates?citizenId=<12 digits>
 *     → 200 { certificates: [{ id, citizenId, conclusion: 'fit'|'unfit', classes: string[],
 *                               signedOn: 'YYYY-MM-DD', validUntil: 'YYYY-MM-DD', drugTest: 'negative'|'positive' }] }
 *     → 400 { error: { code: 'BAD_REQUEST', message, field: 'citizenId' } }
 * Fixtures (last four digits): 9001 no certificate (empty list), 9002 expired, 9003 unfit.
 * Otherwise one certificate `GKSK-<citizenId>`, fit, signed ~3 months ago, valid 12 months from
 * signing, drug test negative, covering every class.
 */

export interface SimulatedCertificate {
  id: string;
  citizenId: string;
  conclusion: 'fit' | 'unfit';
  classes: string[];
  signedOn: string;
  validUntil: string;
  drugTest: 'negative' | 'positive';
}

export function certificatesFor(citizenId: string, now: Date = new Date()): SimulatedCertificate[] {
  const kase = fixtureCaseOf(citizenId);
  if (kase === 'noCertificate') return [];
  // 12 months of validity: signed 90 days ago → valid 275 more days; the expired one lapsed 35 days ago.
  const [signedAgo, validFor] = kase === 'certificateExpired' ? [400, -35] : [90, 275];
  return [
    {
      id: `GKSK-${citizenId}`,
      citizenId,
      conclusion: kase === 'unfit' ? 'unfit' : 'fit',
      classes: [...LICENCE_CLASSES],
      signedOn: daysFromToday(-signedAgo, now),
      validUntil: daysFromToday(validFor, now),
      drugTest: 'negative',
    },
  ];
}

export const healthRegistry: FastifyPluginAsync = async (app) => {
  app.get('/certificates', async (request, reply) => {
    const query = parseOr400(citizenIdQuery, request.query, reply);
    if (!query) return reply;
    return { certificates: certificatesFor(query.citizenId) };
  });
};
