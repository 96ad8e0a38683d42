/**
 * DynamoDB on this machine, in-process: dynalite serves the DynamoDB API over loopback HTTP on a random
 * port. In memory by default; with `path`, on disk in LevelDB (classic-level ships prebuilt binaries,
 * so this needs no install script or compiler).
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DependencyError } from '../../domain/errors.js';

export interface LocalDynaliteOptions {
  /** Directory of the LevelDB store; absent → in memory, gone when closed. */
  path?: string;
  /** How long a new table stays CREATING; 0 (the default here) makes tests fast. */
  createTableMs?: number;
}

export interface LocalDynalite {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Region `local`, dummy credentials: dynalite checks neither. */
  client: DynamoDBClient;
  /** Stop the client and the server, flushing the on-disk store. Idempotent. */
  close(): Promise<void>;
}

export async function startDynalite(options: LocalDynaliteOptions = {}): Promise<LocalDynalite> {
  const server = dynalite({
    createTableMs: options.createTableMs ?? 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    throw new DependencyError('dynalite.start', 'cannot start dynalite', { cause: e });
  }
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      client.destroy();
      server.close((e) => (e ? reject(e) : resolve()));
    });
    return closing;
  };
  return { endpoint, client, close };
}
