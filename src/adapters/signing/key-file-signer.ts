/**
 * Local mode's history signer: an Ed25519 private key in a PEM file, created on first use with mode 0600
 * in a directory of mode 0700. Whoever can read the file can sign: keep it off the store's disk.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HistorySigner, SealKey } from '../../domain/seal.js';

/** `ed25519:` and the first 16 hex digits of the sha256 of the public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

function createKeyFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

export class KeyFileSigner implements HistorySigner {
  readonly algorithm = 'ed25519' as const;
  readonly keyId: string;
  private readonly privateKey: KeyObject;

  /** Loads the key at `path`, creating it on first use. */
  constructor(path: string) {
    if (!exists(path)) createKeyFile(path);
    this.privateKey = createPrivateKey(readFileSync(path, 'utf8'));
    if (this.privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(
        `${path} holds a ${this.privateKey.asymmetricKeyType} key; history signing needs Ed25519`,
      );
    this.keyId = keyIdOf(createPublicKey(this.privateKey));
  }

  async sign(payload: Uint8Array) {
    return { signature: sign(null, payload, this.privateKey), keyId: this.keyId };
  }
}

/** The public half of the key file, to verify with; undefined when there is no file (nothing is created). */
export function keyFileSealKey(path: string): SealKey | undefined {
  if (!exists(path)) return undefined;
  const publicKey = createPublicKey(createPrivateKey(readFileSync(path, 'utf8')));
  return { keyId: keyIdOf(publicKey), algorithm: 'ed25519', publicKey };
}

/** A PEM public key (Ed25519, or the P-256 key KMS gives out), as `audit --public-key` takes it. */
export function publicKeyFileSealKey(path: string): SealKey {
  const publicKey = createPublicKey(readFileSync(path, 'utf8'));
  if (publicKey.asymmetricKeyType === 'ed25519')
    return { keyId: keyIdOf(publicKey), algorithm: 'ed25519', publicKey };
  if (publicKey.asymmetricKeyType === 'ec') return { keyId: '*', algorithm: 'ECDSA_SHA_256', publicKey };
  throw new Error(`${path} holds a ${publicKey.asymmetricKeyType} key; expected Ed25519 or ECC P-256`);
}

/** The key file's permission bits, for doctor: anything beyond the owner's is a finding. */
export function keyFileMode(path: string): number | undefined {
  return exists(path) ? statSync(path).mode & 0o777 : undefined;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
