import { DEFAULT_TIMEOUT_MS, callJson, trimSlash } from './http';

export interface LicenceRecord {
  number: string;
  citizenId: string;
  class: string;
  status: 'valid' | 'revoked' | 'suspended';
  points: number;
}

export interface ViolationDecisionRecord {
  decisionNumber: string;
  decidedOn: string;
  description: string;
  resolved: boolean;
}

/** Traffic police: licence database and violation decisions. */
export function createPoliceRegistryClient(baseUrl: string, opts: { timeoutMs?: number } = {}) {
  const base = trimSlash(baseUrl);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async licence(number: string, citizenId: string): Promise<LicenceRecord | null> {
      const res = await callJson<LicenceRecord>(
        `${base}/licences/${encodeURIComponent(number)}?citizenId=${encodeURIComponent(citizenId)}`,
        { timeoutMs },
      );
      return res ?? null;
    },
    async violations(citizenId: string): Promise<ViolationDecisionRecord[]> {
      const res = await callJson<{ decisions: ViolationDecisionRecord[] }>(
        `${base}/violations?citizenId=${encodeURIComponent(citizenId)}`,
        { timeoutMs },
      );
      return res?.decisions ?? [];
    },
  };
}
