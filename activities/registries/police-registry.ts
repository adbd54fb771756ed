import { z } from 'zod';
import { DEFAULT_TIMEOUT_MS, callJson, joinUrl, type ClientOptions } from './http';

/**
 * Traffic police: `GET {baseUrl}/licences/:number?citizenId=` (404 with error.code
 * LICENCE_NOT_FOUND when there is none) and `GET {baseUrl}/violations?citizenId=`.
 */

export const licenceRecordSchema = z.object({
  number: z.string(),
  citizenId: z.string(),
  class: z.string(),
  status: z.enum(['valid', 'revoked', 'suspended']),
  points: z.number().int(),
});
export type LicenceRecord = z.infer<typeof licenceRecordSchema>;

export const violationDecisionSchema = z.object({
  decisionNumber: z.string(),
  decidedOn: z.string(),
  description: z.string(),
  resolved: z.boolean(),
});
export type ViolationDecisionRecord = z.infer<typeof violationDecisionSchema>;

const violationsAnswer = z.object({ decisions: z.array(violationDecisionSchema) });

export function createPoliceRegistryClient(baseUrl: string, opts: ClientOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    /** The licence on record for that number and citizen, or null when the registry has none. */
    async licence(number: string, citizenId: string): Promise<LicenceRecord | null> {
      const url = joinUrl(baseUrl, `/licences/${encodeURIComponent(number)}?citizenId=${encodeURIComponent(citizenId)}`);
      return callJson(url, { service: 'police registry', schema: licenceRecordSchema, timeoutMs, notFoundCode: 'LICENCE_NOT_FOUND' });
    },
    /** Every violation decision against the citizen, resolved or not. */
    async violations(citizenId: string): Promise<ViolationDecisionRecord[]> {
      const url = joinUrl(baseUrl, `/violations?citizenId=${encodeURIComponent(citizenId)}`);
      const res = await callJson(url, { service: 'police registry', schema: violationsAnswer, timeoutMs });
      return res.decisions;
    },
  };
}
