import cors from '@fastify/cors';
import type { Payload } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EncryptionCodec } from '../../temporal/encryption-codec';
import type { PayloadKeyring } from '../../temporal/payload-keys';
import { actorOf, adminLevelOf, authenticating } from '../auth/plugin';
import { errorResponse } from '../errors';

/** Base64, as proto3 JSON writes bytes. */
const base64 = z.string().max(8 * 1024 * 1024).regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');

const payloadJson = z
  .object({ metadata: z.record(z.string().max(256), base64).optional(), data: base64.optional() })
  .loose()
  .describe('a Temporal Payload in proto3 JSON: metadata values and data in base64');

const payloadsJson = z.object({ payloads: z.array(payloadJson).max(2000) });

/** The Web UI decodes a page of events at a time; a long history is a few megabytes. */
const CODEC_BODY_LIMIT = 16 * 1024 * 1024;

const fromJson = (p: z.infer<typeof payloadJson>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

declare module 'fastify' {
  interface FastifyRequest {
    /** Said in the access log after the method and URL: what this request did that its URL does not show. */
    accessNote?: string;
  }
}

/**
 * Temporal's remote codec protocol (`POST /codec/encode`, `POST /codec/decode`, `{payloads}` in
 * and out) for the Temporal Web UI and `temporal workflow show --codec-endpoint`: the UI shows a
 * dossier's history decoded to whoever this service lets decode, and to nobody else. Decoding is
 * reading personal data, so it is for auditors and level-1 admins (the roles that read histories
 * across agencies), and every call is in the access log. The UI calls from its own origin with the
 * auditor's session cookie ("include cross-origin credentials"); the CLI sends a bearer token.
 */
export const codecRoutes: FastifyPluginAsyncZod<{ keyring: PayloadKeyring; uiOrigins: string[] }> = async (app, { keyring, uiOrigins }) => {
  const codec = new EncryptionCodec(keyring);
  await app.register(cors, {
    origin: uiOrigins,
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    maxAge: 600,
  });

  const mayDecode = app.requireActor(['auditor', 'admin'], { cookieWithoutCsrf: true });
  /** Auditors, and admins of level 1 only: a level-2 admin reads histories of its own agency, and a payload does not say whose it is. */
  const auditorsOnly = authenticating(async (request: Parameters<typeof mayDecode>[0]) => {
    await mayDecode(request);
    const actor = actorOf(request);
    if (!actor.roles.includes('auditor')) adminLevelOf(actor, 1);
  });

  const schema = (summary: string) => ({
    tags: ['audit'],
    summary,
    security: [{ bearer: [] }, { sessionCookie: [] }] as Record<string, string[]>[],
    headers: z.object({ 'x-namespace': z.string().max(255).optional() }),
    body: payloadsJson,
    response: {
      200: payloadsJson.describe('the payloads, in the order sent'),
      400: errorResponse,
      401: errorResponse.describe('no credentials'),
      403: errorResponse.describe('neither an auditor nor a level-1 admin'),
    },
  });

  for (const direction of ['encode', 'decode'] as const) {
    app.post(
      `/${direction}`,
      {
        // Who is asking is known before a byte of the body is read.
        onRequest: auditorsOnly,
        bodyLimit: CODEC_BODY_LIMIT,
        schema: schema(
          direction === 'decode'
            ? 'Decrypt payloads for the Temporal Web UI or CLI (auditors, level-1 admins); every call is in the access log'
            : 'Encrypt payloads as the service does (auditors, level-1 admins)',
        ),
      },
      async (request, reply) => {
        const payloads = request.body.payloads.map(fromJson);
        let undecodable = 0;
        let out: Payload[];
        if (direction === 'encode') {
          out = await codec.encode(payloads);
        } else {
          // One payload under a key this process lacks (or altered) is shown as it is stored; the others still decode.
          out = await Promise.all(
            payloads.map(async (p) => {
              try {
                return (await codec.decode([p]))[0]!;
              } catch {
                undecodable++;
                return p;
              }
            }),
          );
        }
        request.accessNote = `${payloads.length} payload(s), namespace ${request.headers['x-namespace'] ?? '-'}${undecodable ? `, ${undecodable} not decodable` : ''}`;
        if (undecodable) void reply.header('x-codec-undecodable', String(undecodable));
        return { payloads: out.map(toJson) };
      },
    );
  }
};
