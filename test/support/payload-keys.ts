import { readFileSync } from 'node:fs';
import path from 'node:path';
import { keyringOf, newKeyLine, parseKeyLines } from '../../temporal/keyring';
import type { SigningKeyring } from '../../temporal/action-signing';
import type { PayloadKeyring } from '../../temporal/payload-keys';

/** The committed test key the golden histories are encrypted with (test/histories/payload-test-key). */
export const GOLDEN_KEY_FILE = path.join(__dirname, '..', 'histories', 'payload-test-key');
export const TEST_KEYRING: PayloadKeyring = keyringOf(parseKeyLines(readFileSync(GOLDEN_KEY_FILE, 'utf8'), GOLDEN_KEY_FILE));

/** A keyring of fresh random keys, the last one encrypting. */
export function randomKeyring(...ids: string[]): PayloadKeyring {
  return keyringOf(ids.flatMap((id) => parseKeyLines(newKeyLine(id), id)));
}

/** The key the tests' API signs action requests with and their workers check (any fixed key will do). */
export const TEST_SIGNING_KEYRING: SigningKeyring = keyringOf(parseKeyLines(`tests:${Buffer.alloc(32, 7).toString('base64')}`, 'tests', { atLeast: 32 }));
