import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A set of secret keys, one of which is in use (encrypts, signs) while every one of them is still
 * accepted (decrypts, verifies): how a key is rotated without breaking what the old one made. Used
 * for the payload encryption keys and the action-signing keys; each comes from `<NAME>S` (pairs),
 * `<NAME>_FILE` and `<NAME>_ID`.
 */
export interface Keyring {
  /** The key in use. */
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class KeyringError extends Error {}

/** `id:base64key` pairs, separated by commas or new lines; `#` starts a comment line. */
export function parseKeyLines(text: string, source: string, bytes: { exactly?: number; atLeast?: number } = { exactly: 32 }): [string, Buffer][] {
  const pairs: [string, Buffer][] = [];
  const items = text.split('\n').filter((line) => !line.trim().startsWith('#')).flatMap((line) => line.split(','));
  for (const raw of items) {
    const item = raw.trim();
    if (!item) continue;
    const colon = item.indexOf(':');
    const id = item.slice(0, colon);
    if (colon < 0 || !KEY_ID.test(id)) throw new KeyringError(`${source}: each key is id:base64key, with an id of letters, digits, . _ or -`);
    const key = Buffer.from(item.slice(colon + 1), 'base64');
    if (bytes.exactly !== undefined && key.length !== bytes.exactly) {
      throw new KeyringError(`${source}: key ${id} is ${key.length} bytes; it must be ${bytes.exactly} (base64 of ${bytes.exactly} random bytes)`);
    }
    if (bytes.atLeast !== undefined && key.length < bytes.atLeast) {
      throw new KeyringError(`${source}: key ${id} is ${key.length} bytes; it must be at least ${bytes.atLeast} (base64 of random bytes)`);
    }
    pairs.push([id, key]);
  }
  return pairs;
}

export function keyringOf(pairs: [string, Buffer][], activeKeyId?: string, what = 'key'): Keyring {
  const keys = new Map<string, Buffer>();
  for (const [id, key] of pairs) {
    const known = keys.get(id);
    if (known && !known.equals(key)) throw new KeyringError(`${what} ${id} is given twice with different values`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new KeyringError(`no ${what}`);
  // The last one listed: appending a line to the key file is how a new key takes over.
  const active = activeKeyId ?? pairs.at(-1)![0];
  if (!keys.has(active)) throw new KeyringError(`${what} ${active} is not among the keys given`);
  return { activeKeyId: active, keys };
}

/** A new random 32-byte key, as a line of a key file. */
export const newKeyLine = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

/**
 * The embedded default's key file: created on first start with one random key and kept, so a
 * restart still reads (or verifies) what was written. Readable by the service's user alone.
 */
export function ensureKeyFile(file: string, comment: string): void {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `# ${comment}\n${newKeyLine('k1')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
}

export interface KeyringSource {
  /** e.g. PAYLOAD_KEYS */
  pairs?: string;
  pairsName: string;
  /** e.g. PAYLOAD_KEY_FILE */
  file?: string;
  /** e.g. PAYLOAD_KEY_ID */
  activeKeyId?: string;
  /** The key file the embedded default creates under DATA_DIR when none is configured. */
  defaultFile: string;
  comment: string;
  what: string;
  bytes?: { exactly?: number; atLeast?: number };
}

/**
 * A keyring from the configuration: the pairs and/or the file, the active one named or the last.
 * Outside production, with neither set, the key file under the data directory (created if
 * missing); in production, no key is an error: the service must not start without its secrets.
 */
export function loadKeyring(config: { NODE_ENV: string; DATA_DIR: string }, source: KeyringSource): Keyring {
  const pairs: [string, Buffer][] = [];
  let file = source.file;
  if (!source.pairs && !file) {
    if (config.NODE_ENV === 'production') {
      throw new KeyringError(`${source.pairsName} or ${source.pairsName.replace(/S$/, '')}_FILE is required when NODE_ENV=production (${source.what})`);
    }
    file = path.resolve(config.DATA_DIR, source.defaultFile);
    ensureKeyFile(file, source.comment);
  }
  if (file) pairs.push(...parseKeyLines(readFileSync(file, 'utf8'), file, source.bytes));
  if (source.pairs) pairs.push(...parseKeyLines(source.pairs, source.pairsName, source.bytes));
  return keyringOf(pairs, source.activeKeyId, source.what);
}
