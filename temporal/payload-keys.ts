import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The keys that encrypt what this service stores in Temporal (temporal/encryption-codec.ts).
 * One key encrypts; every key listed decrypts, so a key is rotated by adding the new one
 * everywhere, then making it the encrypting one, and never removing the old one while a history
 * (or an archived history) written under it must still be read.
 */
export interface PayloadKeyring {
  /** The key new payloads are encrypted with. */
  encryptingKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class PayloadKeyError extends Error {}

/** `id:base64key` pairs, separated by commas or new lines; `#` starts a comment line. */
export function parsePayloadKeys(text: string, source: string): [string, Buffer][] {
  const pairs: [string, Buffer][] = [];
  const items = text.split('\n').filter((line) => !line.trim().startsWith('#')).flatMap((line) => line.split(','));
  for (const raw of items) {
    const item = raw.trim();
    if (!item) continue;
    const colon = item.indexOf(':');
    const id = item.slice(0, colon);
    if (colon < 0 || !KEY_ID.test(id)) throw new PayloadKeyError(`${source}: each key is id:base64key, with an id of letters, digits, . _ or -`);
    const key = Buffer.from(item.slice(colon + 1), 'base64');
    if (key.length !== 32) throw new PayloadKeyError(`${source}: key ${id} is ${key.length} bytes; AES-256 needs 32 (base64 of 32 random bytes)`);
    pairs.push([id, key]);
  }
  return pairs;
}

export function keyringOf(pairs: [string, Buffer][], encryptingKeyId?: string): PayloadKeyring {
  const keys = new Map<string, Buffer>();
  for (const [id, key] of pairs) {
    const known = keys.get(id);
    if (known && !known.equals(key)) throw new PayloadKeyError(`payload key ${id} is given twice with different values`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new PayloadKeyError('no payload key');
  // The last one listed: appending a line to the key file is how a new key takes over.
  const encrypting = encryptingKeyId ?? pairs.at(-1)![0];
  if (!keys.has(encrypting)) throw new PayloadKeyError(`PAYLOAD_KEY_ID ${encrypting} is not among the payload keys`);
  return { encryptingKeyId: encrypting, keys };
}

/** A new random key, as a line of a key file. */
export const newKeyLine = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

/**
 * The embedded default's key file: created on first start with one random key and kept, so a
 * restart still reads every dossier. Readable by the service's user alone.
 */
export function ensureKeyFile(file: string): void {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `# Payload encryption keys (id:base64), the last one encrypts. Keep every key a history was written with.\n${newKeyLine('k1')}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  chmodSync(file, 0o600);
}

/**
 * The keyring from the configuration: PAYLOAD_KEYS and/or the file PAYLOAD_KEY_FILE, PAYLOAD_KEY_ID
 * the encrypting one. Outside production, with neither set, the key file under the data directory
 * (created if missing); in production, no key is an error: the service must not start and write
 * personal data to Temporal in the clear.
 */
export function loadPayloadKeyring(config: {
  NODE_ENV: string;
  DATA_DIR: string;
  PAYLOAD_KEYS?: string;
  PAYLOAD_KEY_FILE?: string;
  PAYLOAD_KEY_ID?: string;
}): PayloadKeyring {
  const pairs: [string, Buffer][] = [];
  let file = config.PAYLOAD_KEY_FILE;
  if (!config.PAYLOAD_KEYS && !file) {
    if (config.NODE_ENV === 'production') {
      throw new PayloadKeyError('PAYLOAD_KEYS or PAYLOAD_KEY_FILE is required when NODE_ENV=production: without a key, personal data would reach Temporal unencrypted');
    }
    file = path.resolve(config.DATA_DIR, 'payload-keys');
    ensureKeyFile(file);
  }
  if (file) pairs.push(...parsePayloadKeys(readFileSync(file, 'utf8'), file));
  if (config.PAYLOAD_KEYS) pairs.push(...parsePayloadKeys(config.PAYLOAD_KEYS, 'PAYLOAD_KEYS'));
  return keyringOf(pairs, config.PAYLOAD_KEY_ID);
}
