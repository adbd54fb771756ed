import { loadKeyring, type Keyring } from './keyring';

/**
 * The keys that encrypt what this service stores in Temporal (temporal/encryption-codec.ts): the
 * active one encrypts, every one decrypts. Rotate by adding the new key everywhere, then making it
 * the active one, and never removing an old one while a history (or an archived history) written
 * under it must still be read.
 */
export type PayloadKeyring = Keyring;

export function loadPayloadKeyring(config: {
  NODE_ENV: string;
  DATA_DIR: string;
  PAYLOAD_KEYS?: string;
  PAYLOAD_KEY_FILE?: string;
  PAYLOAD_KEY_ID?: string;
}): PayloadKeyring {
  return loadKeyring(config, {
    pairs: config.PAYLOAD_KEYS,
    pairsName: 'PAYLOAD_KEYS',
    file: config.PAYLOAD_KEY_FILE,
    activeKeyId: config.PAYLOAD_KEY_ID,
    defaultFile: 'payload-keys',
    comment: 'Payload encryption keys (id:base64), the last one encrypts. Keep every key a history was written with.',
    what: 'payload key',
    bytes: { exactly: 32 },
  });
}
