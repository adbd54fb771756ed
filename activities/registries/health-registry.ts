import { z } from 'zod';
import { DEFAULT_TIMEOUT_MS, callJson, joinUrl, type ClientOptions } from './http';

/** Ministry of Health e-health records: `GET {baseUrl}/certificates?citizenId=`. */

const isoDate = z.iso.date();

export const healthCertificateSchema = z.object({
  id: z.string().min(1),
  citizenId: z.string(),
  conclusion: z.enum(['fit', 'unfit']),
  classes: z.array(z.string()),
  signedOn: isoDate,
  validUntil: isoDate,
  drugTest: z.enum(['negative', 'positive']),
});
export type HealthCertificate = z.infer<typeof healthCertificateSchema>;

const answer = z.object({ certificates: z.array(healthCertificateSchema) });

export function createHealthRegistryClient(baseUrl: string, opts: ClientOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    /** Every certificate on record for the citizen; an empty list means none. */
    async certificatesFor(citizenId: string): Promise<HealthCertificate[]> {
      const url = joinUrl(baseUrl, `/certificates?citizenId=${encodeURIComponent(citizenId)}`);
      const res = await callJson(url, { service: 'health registry', schema: answer, timeoutMs });
      return res.certificates;
    },
  };
}
