import type { FastifyServerOptions } from 'fastify';

/** Personal data never reaches the logs (SPEC 6): bodies and headers by path, URLs by the serializer below. */
export const LOG_REDACTION = {
  paths: [
    'req.headers.authorization',
    'req.headers["x-api-key"]',
    'req.headers.cookie',
    '*.citizenId', '*.phone', '*.address', '*.dateOfBirth', '*.email', '*.password',
    '*.currentPassword', '*.newPassword', '*.initialPassword',
  ],
  censor: '[redacted]',
};

/** Query parameters that carry personal data (a search by citizen ID): logged with all but the last 4 characters hidden. */
const PERSONAL_PARAMS = ['citizenId', 'phone', 'dateOfBirth', 'email'];

/** The URL as logs may keep it: path as is, personal query parameters masked. */
export function maskPersonalQuery(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const key of PERSONAL_PARAMS) {
    for (const v of params.getAll(key)) {
      params.delete(key, v);
      params.append(key, `${'*'.repeat(Math.max(0, v.length - 4))}${v.slice(-4)}`);
    }
  }
  // The work queue's free search (`q`): a dossier code or reference stays, a citizen ID keeps its last
  // four digits, anything else may be a name and is hidden whole (part of a name is still a name).
  for (const v of params.getAll('q')) {
    params.delete('q', v);
    const t = v.trim();
    params.append('q', /^(SUB-[\w-]*|\d{3}\.[\w.-]*)$/i.test(t) ? t : /^\d{12}$/.test(t) ? `********${t.slice(-4)}` : '[redacted]');
  }
  return `${url.slice(0, at)}?${params.toString()}`;
}

/** The API's pino options: redaction, and a request serializer that masks personal data in the URL. */
export function apiLoggerOptions(level: string): NonNullable<Exclude<FastifyServerOptions['logger'], boolean>> {
  return {
    level,
    redact: LOG_REDACTION,
    serializers: {
      req: (req: { method: string; url: string; ip?: string; headers: Record<string, unknown> }) => ({
        method: req.method,
        url: maskPersonalQuery(req.url),
        remoteAddress: req.ip,
        userAgent: req.headers['user-agent'],
      }),
    },
  };
}
