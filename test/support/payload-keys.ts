import { readFileSync } from 'node:fs';
import path from 'node:path';
import { keyringOf, newKeyLine, parsePayloadKeys, type PayloadKeyring } from '../../temporal/payload-keys';

/** The committed test key the golden histories are encrypted with (test/histories/payload-test-key). */
export const GOLDEN_KEY_FILE = path.join(__dirname, '..', 'histories', 'payload-test-key');
export const TEST_KEYRING: PayloadKeyring = keyringOf(parsePayloadKeys(readFileSync(GOLDEN_KEY_FILE, 'utf8'), GOLDEN_KEY_FILE));

/** A keyring of fresh random keys, the last one encrypting. */
export function randomKeyring(...ids: string[]): PayloadKeyring {
  return keyringOf(ids.flatMap((id) => parsePayloadKeys(newKeyLine(id), id)));
}
