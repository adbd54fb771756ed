import { z } from 'zod';
import { DEFAULT_TIMEOUT_MS, callJson, joinUrl, type ClientOptions } from './http';

/** The SMS gateway and the e-mail relay: `POST {baseUrl}/messages`. */
const accepted = z.object({ id: z.string() });

export function createSmsGatewayClient(baseUrl: string, opts: ClientOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async send(to: string, text: string): Promise<{ id: string }> {
      return callJson(joinUrl(baseUrl, '/messages'), { service: 'SMS gateway', method: 'POST', body: { to, text }, schema: accepted, timeoutMs });
    },
  };
}

export function createEmailGatewayClient(baseUrl: string, opts: ClientOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async send(to: string, subject: string, text: string): Promise<{ id: string }> {
      return callJson(joinUrl(baseUrl, '/messages'), { service: 'e-mail relay', method: 'POST', body: { to, subject, text }, schema: accepted, timeoutMs });
    },
  };
}
