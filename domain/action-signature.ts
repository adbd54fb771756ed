import type { Actor } from './roles';

/**
 * The signature on an action request (temporal/action-signing.ts makes and checks it; the workflow
 * refuses a request the worker did not find signed). Shared by both sides, so the names agree.
 */
export interface ActionSignature {
  keyId: string;
  /** The Update this request is for, and the dossier (workflow id): a signature is good for that action on that dossier only. */
  action: string;
  reference: string;
  /** When the API signed it (ISO instant): a captured request is good for a few minutes only. */
  at: string;
  /** HMAC-SHA256, base64url, over the canonical JSON of the signed fields. */
  mac: string;
}

/** What the signature covers. */
export interface SignedFields {
  action: string;
  reference: string;
  at: string;
  actor: Pick<Actor, 'username' | 'roles' | 'agencyCode'>;
  body: unknown;
  idempotencyKey?: string;
  ifRevision?: number[];
}

export const SIGNATURE_FIELD = 'signature';
/** Written by the worker as it decodes a request, never by a sender: `valid`, or why not. */
export const SIGNATURE_CHECK_FIELD = 'signatureCheck';

/** How far a signature's time may be from the workflow's clock when the request arrives. */
export const SIGNATURE_FRESH_MS = 5 * 60_000;
