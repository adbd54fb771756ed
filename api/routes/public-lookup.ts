import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { agencies } from '../../db/schema';
import { DOSSIER_CODE_PATTERN, lookupUrlOf } from '../../domain/dossier-code';
import type { DossierState } from '../../domain/dossier-state';
import { DOSSIER_STATUSES, PORTAL_STATUS } from '../../domain/dossier-status';
import { isLate } from '../../domain/lateness';
import { STATUS_LABELS } from '../../domain/labels-vi';
import { localIso } from '../../domain/working-time';
import type { DossierGateway } from '../dossier-gateway';

/**
 * What anyone holding a dossier code may learn (seed 003 art. 18): where the dossier stands and
 * when the result is due; nothing about the person. The response schema is the guard: fields not
 * listed here are dropped by the serializer even if a later change puts them in the object.
 */
const publicDossier = z.object({
  code: z.string(),
  procedure: z.object({ code: z.string(), name: z.string() }),
  agency: z.object({ code: z.string(), name: z.string().nullable() }),
  status: z.enum(DOSSIER_STATUSES),
  statusLabel: z.string(),
  portalStatus: z.number().int(),
  receivedAt: z.string().nullable(),
  appointment: z.string().nullable().describe('the appointment for the result, Vietnam local time'),
  rescheduled: z.boolean(),
  paused: z.boolean().describe('waiting for the citizen to supplement the dossier: the clock is stopped'),
  late: z.boolean(),
  closedAt: z.string().nullable(),
  lookupUrl: z.string(),
});

/** Codes are guessable (agency, date, sequence): a per-address limit keeps the page from being walked. */
const PUBLIC_RATE_LIMIT = { max: 60, timeWindow: '1 minute' };

export const publicLookupRoutes: FastifyPluginAsyncZod<{ gateway: DossierGateway; db: Database; publicBaseUrl: string }> = async (
  app,
  { gateway, db, publicBaseUrl },
) => {
  // One budget per address for the page and its QR code together: two would double how fast codes can be guessed.
  const limited = app.rateLimit(PUBLIC_RATE_LIMIT);
  const params = z.object({ code: z.string().regex(DOSSIER_CODE_PATTERN, 'a dossier code such as 000.00.01.H22-260312-0001') });
  // Never from the request: a forged Host header would otherwise end up in a printed QR code and a shared cache.
  const lookupUrl = (code: string) => lookupUrlOf(publicBaseUrl, code);

  app.get(
    '/public/dossiers/:code',
    {
      onRequest: limited,
      schema: {
        tags: ['public'],
        summary: 'Public lookup by dossier code: status and appointment, no personal data (no login)',
        params,
        response: { 200: publicDossier.describe('where the dossier stands') },
      },
    },
    async (request) => {
      const state: DossierState = await gateway.lookup(request.params.code);
      const [agency] = await db.select({ name: agencies.name }).from(agencies).where(eq(agencies.code, state.agencyCode));
      return {
        code: state.code ?? request.params.code,
        procedure: { code: state.procedure.code, name: state.procedure.name },
        agency: { code: state.agencyCode, name: agency?.name ?? null },
        status: state.status,
        statusLabel: STATUS_LABELS[state.status],
        portalStatus: PORTAL_STATUS[state.status],
        receivedAt: state.receivedAt ? localIso(Date.parse(state.receivedAt)) : null,
        appointment: state.dueAt ? localIso(Date.parse(state.dueAt)) : null,
        rescheduled: Boolean(state.apology?.reschedule),
        paused: state.paused,
        late: isLate(state, Date.now()),
        closedAt: state.closedAt ? localIso(Date.parse(state.closedAt)) : null,
        lookupUrl: lookupUrl(state.code ?? request.params.code),
      };
    },
  );

  app.get(
    '/public/dossiers/:code/qr.svg',
    {
      onRequest: limited,
      schema: {
        tags: ['public'],
        summary: "The QR code of a dossier's public lookup page, as SVG",
        params,
        response: {
          200: {
            description: 'the QR code, pointing at the public lookup page',
            content: { 'image/svg+xml': { schema: z.string().describe('an SVG document') } },
          },
        },
      },
    },
    async (request, reply) => {
      // Only for dossiers that exist: a QR for a made-up code would lead to a page saying nothing.
      await gateway.resolve(request.params.code);
      const svg = await QRCode.toString(lookupUrl(request.params.code), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(svg);
    },
  );
};
