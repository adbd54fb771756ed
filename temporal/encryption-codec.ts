import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKeyring } from './payload-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ENCRYPTED = encoder.encode(ENCRYPTED_ENCODING);
const CIPHER_NAME = encoder.encode(CIPHER);

export class PayloadDecryptionError extends Error {}

/**
 * Encrypts every payload this service hands Temporal (workflow inputs, Update bodies and results,
 * activity inputs and results, failures' messages): the whole payload, its metadata included, is
 * sealed with AES-256-GCM under the encrypting key, whose id travels in the clear in the outer
 * metadata so that any key of the keyring can open it later. Payloads that were never encrypted
 * (dossiers started before this codec, the older golden histories) pass through unchanged.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: PayloadKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.activeKeyId;
    const key = this.keyring.keys.get(keyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: a payload cannot be relabelled to another key.
      cipher.setAAD(encoder.encode(keyId));
      const sealed = Buffer.concat([iv, cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: ENCRYPTED, [KEY_ID_METADATA]: encoder.encode(keyId), [CIPHER_METADATA]: CIPHER_NAME },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = keyIdBytes ? decoder.decode(keyIdBytes) : '';
      const key = this.keyring.keys.get(keyId);
      if (!key) throw new PayloadDecryptionError(`a payload is encrypted with key "${keyId}", which this process does not hold (PAYLOAD_KEYS / PAYLOAD_KEY_FILE)`);
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('an encrypted payload is too short to be one');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(keyIdBytes!);
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let inner: Buffer;
      try {
        inner = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadDecryptionError(`an encrypted payload does not open with key "${keyId}": it was altered, or the key is not the one it was written with`);
      }
      const decoded = temporal.api.common.v1.Payload.decode(inner);
      return { metadata: decoded.metadata, data: decoded.data };
    });
  }
}
