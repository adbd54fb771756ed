import { DEFAULT_TIMEOUT_MS, callJson, trimSlash } from './http';

export interface HealthCertificate {
  id: string;
  citizenId: string;
  conclusion: 'fit' | 'unfit';
  classes: string[];
  signedOn: string;
  validUntil: string;
  drugTest: 'negative' | 'positive';
}

/** Ministry of Health e-health records. */
export function createHealthRegistryClient(baseUrl: string, opts: { timeoutMs?: number } = {}) {
  const base = trimSlash(baseUrl);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async certificatesFor(citizenId: string): Promise<HealthCertificate[]> {
      const res = await callJson<{ certificates: HealthCertificate[] }>(
        `${base}/certificates?citizenId=${encodeURIComponent(citizenId)}`,
        { timeoutMs },
      );
      return res?.certificates ?? [];
    },
  };
}
