import { Client, type ConnectionLike } from '@temporalio/client';
import { serviceDataConverter } from './data-converter';
import type { PayloadKeyring } from './payload-keys';

/** A Temporal client of this service: every payload it sends is encrypted, every one it reads decrypted. */
export function serviceClient(connection: ConnectionLike, namespace: string, keyring: PayloadKeyring): Client {
  return new Client({ connection, namespace, dataConverter: serviceDataConverter(keyring) });
}
