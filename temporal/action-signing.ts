import { createHmac, timingSafeEqual } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import type { ActionSignature, SignedFields } from '../domain/action-signature';
import { SIGNATURE_CHECK_FIELD, SIGNATURE_FIELD } from '../domain/action-signature';
import { loadKeyring, type Keyring } from './keyring';

/**
 * Actions reach a dossier's workflow only from the API, which knows who is acting. Anyone who can
 * reach Temporal (its Web UI, its frontend) could otherwise send an Update naming any actor. So the
 * API signs each action request (HMAC-SHA256 over the action, the dossier, the actor, the body, the
 * idempotency key and the time, with a secret only the API and the worker hold), and the worker
 * checks the signature as it decodes the request, outside the workflow sandbox where the secret
 * is; the Update validator refuses a request the worker did not vouch for (workflows/renewal-dossier.ts).
 */

export type SigningKeyring = Keyring;

export function loadSigningKeyring(config: {
  NODE_ENV: string;
  DATA_DIR: string;
  ACTION_SIGNING_KEYS?: string;
  ACTION_SIGNING_KEY_FILE?: string;
  ACTION_SIGNING_KEY_ID?: string;
}): SigningKeyring {
  return loadKeyring(config, {
    pairs: config.ACTION_SIGNING_KEYS,
    pairsName: 'ACTION_SIGNING_KEYS',
    file: config.ACTION_SIGNING_KEY_FILE,
    activeKeyId: config.ACTION_SIGNING_KEY_ID,
    defaultFile: 'action-signing-keys',
    comment: 'Keys the API signs action requests with and the worker checks them with (id:base64), the last one signs. The same on every API and worker.',
    what: 'action-signing key',
    bytes: { atLeast: 32 },
  });
}

/** JSON with every object's keys sorted and undefined left out: the same bytes on both sides, whatever order fields came in. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

const mac = (key: Buffer, fields: SignedFields) => createHmac('sha256', key).update(canonical(fields)).digest('base64url');

/** The signature the API adds to an action request. */
export function signAction(keyring: SigningKeyring, fields: SignedFields): ActionSignature {
  const key = keyring.keys.get(keyring.activeKeyId)!;
  return { keyId: keyring.activeKeyId, action: fields.action, reference: fields.reference, at: fields.at, mac: mac(key, fields) };
}

/** 'valid', or why not. */
export function checkSignature(keyring: SigningKeyring, request: Record<string, unknown>): string {
  const signature = request[SIGNATURE_FIELD] as Partial<ActionSignature> | undefined;
  if (!signature || typeof signature !== 'object') return 'the request is not signed';
  const key = typeof signature.keyId === 'string' ? keyring.keys.get(signature.keyId) : undefined;
  if (!key) return `the request is signed with an unknown key (${String(signature.keyId)})`;
  if (typeof signature.mac !== 'string' || typeof signature.action !== 'string' || typeof signature.reference !== 'string' || typeof signature.at !== 'string') {
    return 'the signature is malformed';
  }
  const expected = Buffer.from(
    mac(key, {
      action: signature.action,
      reference: signature.reference,
      at: signature.at,
      actor: request.actor as SignedFields['actor'],
      body: request.body,
      idempotencyKey: request.idempotencyKey as string | undefined,
      ifRevision: request.ifRevision as number[] | undefined,
    }),
  );
  const given = Buffer.from(signature.mac);
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'valid' : 'the signature does not match the request';
}

const json = new TextDecoder();
/**
 * Payloads worth parsing: those that spell a signature or a verdict, and any with a `\u` escape,
 * the only way JSON could spell one without these bytes (`"signatur\u0065Check"`).
 */
const REQUEST_KEYS = ['actor', 'body', SIGNATURE_FIELD, SIGNATURE_CHECK_FIELD];
const markers = [...[SIGNATURE_FIELD, SIGNATURE_CHECK_FIELD].map((f) => Buffer.from(`"${f}"`)), Buffer.from('\\u')];

/**
 * The worker's check, as a codec placed after decryption: every payload that names a signature or a
 * verdict is parsed; whatever verdict it carries is thrown away, and the worker writes its own
 * (`signatureCheck`) from the signature it finds. A sender cannot write the verdict, and a payload
 * that names neither has none, which the validator refuses. Encoding passes payloads through.
 */
export class SignatureCheckCodec implements PayloadCodec {
  constructor(private readonly keyring: SigningKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!payload.data) return payload;
      const data = Buffer.isBuffer(payload.data) ? payload.data : Buffer.from(payload.data);
      if (!markers.some((m) => data.includes(m))) return payload;
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || json.decode(encoding) !== 'json/plain') return payload;
      let value: unknown;
      try {
        value = JSON.parse(json.decode(data));
      } catch {
        return payload;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return payload;
      const request = value as Record<string, unknown>;
      // Only what could be taken for an action request; an activity's result that happens to hold a `\u` is left as it was.
      if (!REQUEST_KEYS.some((k) => k in request)) return payload;
      delete request[SIGNATURE_CHECK_FIELD];
      request[SIGNATURE_CHECK_FIELD] = checkSignature(this.keyring, request);
      return { ...payload, data: Buffer.from(JSON.stringify(request)) };
    });
  }
}
