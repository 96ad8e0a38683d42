/**
 * DynamoDB on this machine, in-process: dynalite serves the DynamoDB API over loopback HTTP on a random
 * port. In memory by default; with `path`, on disk in LevelDB (classic-level ships prebuilt binaries,
 * so this needs no install script or compiler).
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DependencyError } from '../../domain/errors.js';
import { installDynaliteIteratorClose } from './dynalite-iterator-close.js';

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

/**
 * Start dynalite on 127.0.0.1 and a free port. With `path`, fails with a DependencyError when another
 * process (or another dynalite here) has that store open: dynalite itself would start and then crash the
 * process on its first request.
 */
export async function startDynalite(options: LocalDynaliteOptions = {}): Promise<LocalDynalite> {
  installDynaliteIteratorClose();
  if (options.path) await assertStoreFree(options.path);
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

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Open and close the LevelDB store once, with the `level` module dynalite itself loads. LevelDB's lock
 * is held by the kernel for the owning process, so a crashed owner never leaves the store blocked.
 * Another opener can still slip in between this check and dynalite's open; this catches the usual
 * mistake (two Drawbridge processes on one path), not a deliberate race.
 */
async function assertStoreFree(path: string): Promise<void> {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as { Level: new (location: string) => LevelDb };
  const probe = new Level(path);
  try {
    await probe.open();
  } catch (e) {
    throw new DependencyError(
      'dynalite.start',
      `the store at ${path} cannot be opened (in use by another process?)`,
      {
        cause: e,
      },
    );
  }
  await probe.close();
}
