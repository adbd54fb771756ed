import { z } from 'zod';
import type { PortalRecord } from '../../domain/portal-record';
import { DEFAULT_TIMEOUT_MS, callJson, joinUrl, type ClientOptions } from './http';

/**
 * The National Public Service Portal's dossier sync: `POST {baseUrl}/dossiers` with the record, as
 * the portal's own integrations send it (its field names). The portal keeps the latest; sending
 * the same record again changes nothing, so a retry needs no key.
 */
const answer = z.object({ code: z.string(), version: z.number().int() });

export function createNationalPortalClient(baseUrl: string, opts: ClientOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async syncDossier(record: PortalRecord): Promise<{ version: number }> {
      const { version } = await callJson(joinUrl(baseUrl, '/dossiers'), { service: 'national portal', method: 'POST', body: record, schema: answer, timeoutMs });
      return { version };
    },
  };
}
