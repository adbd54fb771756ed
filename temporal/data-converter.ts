import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import { SignatureCheckCodec, type SigningKeyring } from './action-signing';
import type { PayloadKeyring } from './payload-keys';

/** The failure converter's module, for bundling into the workflow code and for the SDK to load. */
export const FAILURE_CONVERTER_PATH = path.join(__dirname, 'failure-converter.cjs');

/**
 * How every process of this service converts what it sends Temporal: the API's and the worker's
 * clients, the worker, the history archiver, the replayer and the audit CLI. One keyring, one codec.
 */
export function serviceDataConverter(keyring: PayloadKeyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * The worker's: the same, and, once a payload is decrypted, the check of action requests'
 * signatures (temporal/action-signing.ts). Codecs decode in reverse order: decryption first.
 */
export function workerDataConverter(keyring: PayloadKeyring, signing: SigningKeyring): DataConverter {
  return { payloadCodecs: [new SignatureCheckCodec(signing), new EncryptionCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
