import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec, PayloadDecryptionError } from '../../temporal/encryption-codec';
import { KeyringError, keyringOf, newKeyLine, parseKeyLines } from '../../temporal/keyring';
import { loadPayloadKeyring } from '../../temporal/payload-keys';
import { randomKeyring } from '../support/payload-keys';

const applicant = { fullName: 'Nguyễn Văn An', citizenId: '001088001234', phone: '0912345678' };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('the encryption codec', () => {
  it('seals a payload whole (metadata included) and opens it again', async () => {
    const codec = new EncryptionCodec(randomKeyring('a'));
    const plain = defaultPayloadConverter.toPayload(applicant);
    const [sealed] = await codec.encode([plain]);
    expect(text(sealed!.metadata!.encoding)).toBe('binary/encrypted');
    expect(text(sealed!.metadata!['encryption-key-id'])).toBe('a');
    for (const secret of [applicant.citizenId, applicant.phone, applicant.fullName, 'json/plain']) expect(text(sealed!.data)).not.toContain(secret);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(applicant);
    // A fresh IV each time: the same value never encrypts to the same bytes.
    const [again] = await codec.encode([plain]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(sealed!.data!))).toBe(false);
  });

  it('lets payloads that were never encrypted through, so older histories still decode', async () => {
    const codec = new EncryptionCodec(randomKeyring('a'));
    const plain = defaultPayloadConverter.toPayload(applicant);
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('keeps decrypting with a retired key after rotation, and encrypts with the new one', async () => {
    const [a] = parseKeyLines(newKeyLine('a'), 'a');
    const [b] = parseKeyLines(newKeyLine('b'), 'b');
    const [underA] = await new EncryptionCodec(keyringOf([a!])).encode([defaultPayloadConverter.toPayload(applicant)]);
    const rotated = new EncryptionCodec(keyringOf([a!, b!], 'b'));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([underA!]))[0]!)).toEqual(applicant);
    const [underB] = await rotated.encode([defaultPayloadConverter.toPayload(applicant)]);
    expect(text(underB!.metadata!['encryption-key-id'])).toBe('b');
    // A process that was not given key b cannot read it, and says which key it lacks.
    await expect(new EncryptionCodec(keyringOf([a!])).decode([underB!])).rejects.toThrow(/key "b"/);
  });

  it('refuses a payload that was altered or relabelled to another key', async () => {
    const keyring = randomKeyring('a', 'b');
    const codec = new EncryptionCodec(keyring);
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(applicant)]);
    const flipped = Uint8Array.from(sealed!.data!);
    flipped[20]! ^= 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toBeInstanceOf(PayloadDecryptionError);
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': new TextEncoder().encode('a') } };
    await expect(codec.decode([relabelled])).rejects.toBeInstanceOf(PayloadDecryptionError);
  });
});

describe('payload keys', () => {
  it('are read as id:base64 pairs; the last listed encrypts unless PAYLOAD_KEY_ID says otherwise', () => {
    const text = `# comment\n${newKeyLine('2025')}\n${newKeyLine('2026')}\n`;
    expect(keyringOf(parseKeyLines(text, 'f')).activeKeyId).toBe('2026');
    expect(keyringOf(parseKeyLines(text, 'f'), '2025').activeKeyId).toBe('2025');
    expect(() => keyringOf(parseKeyLines(text, 'f'), 'nope')).toThrow(KeyringError);
    expect(() => parseKeyLines('k:dG9vIHNob3J0', 'PAYLOAD_KEYS')).toThrow(/32/);
    expect(() => parseKeyLines('no colon here', 'PAYLOAD_KEYS')).toThrow(/id:base64key/);
  });

  it('are required in production, and created once (readable by the owner alone) elsewhere', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gplx-keys-'));
    expect(() => loadPayloadKeyring({ NODE_ENV: 'production', DATA_DIR: dir })).toThrow(/required when NODE_ENV=production/);
    const first = loadPayloadKeyring({ NODE_ENV: 'development', DATA_DIR: dir });
    const file = path.join(dir, 'payload-keys');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadPayloadKeyring({ NODE_ENV: 'development', DATA_DIR: dir });
    expect(second.keys.get(second.activeKeyId)!.equals(first.keys.get(first.activeKeyId)!)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^k1:/m);
    const fromEnv = loadPayloadKeyring({ NODE_ENV: 'production', DATA_DIR: dir, PAYLOAD_KEYS: newKeyLine('prod') });
    expect(fromEnv.activeKeyId).toBe('prod');
  });
});
