/**
 * The signed chain head. The hash chain makes an edit visible only to someone who trusts the last hash;
 * whoever can write the table can recompute every hash. So every write also signs the request as it now
 * stands — its id, version, number of events, last event hash and a digest of every other field — with a
 * key the table's writers do not hold (KMS on AWS, a local key file locally). Only the newest seal is kept:
 * an older, validly signed state cannot be restored without its seal, which was overwritten.
 */
import { createHash, type KeyObject, verify } from 'node:crypto';
import { canonical, GENESIS_HASH, verifyHistory } from './history.js';
import type { AccessRequest, RequestBase } from './types.js';

/**
 * `keyId`: a KMS key ARN, or `ed25519:<fingerprint>` of a key file; `signature`: base64, over
 * sealPayload(request).
 */
export type HistorySeal = NonNullable<RequestBase['seal']>;
export type SealAlgorithm = HistorySeal['algorithm'];

/** What signs chain heads: KMS (`kms:Sign` only) or a local Ed25519 key. */
export interface HistorySigner {
  readonly algorithm: SealAlgorithm;
  /** The signature, and the id of the key that made it (KMS answers with the key's ARN). */
  sign(payload: Uint8Array): Promise<{ signature: Uint8Array; keyId: string }>;
}

/** A public key to check seals with, and the algorithm it verifies. */
export interface SealKey {
  keyId: string;
  algorithm: SealAlgorithm;
  publicKey: KeyObject;
}

const SEAL_FORMAT = 'drawbridge-history-seal-v1';

/** The bytes a seal signs: the request's identity, its chain head, and a digest of all the rest. */
export function sealPayload(request: AccessRequest): Uint8Array {
  const { seal: _seal, events, ...rest } = request;
  const head = events.at(-1)?.hash ?? GENESIS_HASH;
  const fields = createHash('sha256').update(canonical(rest)).digest('hex');
  return new TextEncoder().encode(
    [SEAL_FORMAT, request.id, request.version, events.length, head, fields].join('\n'),
  );
}

export async function sealRequest<T extends AccessRequest>(request: T, signer: HistorySigner): Promise<T> {
  const { signature, keyId } = await signer.sign(sealPayload(request));
  return {
    ...request,
    seal: {
      keyId,
      algorithm: signer.algorithm,
      signature: Buffer.from(signature).toString('base64'),
    },
  };
}

export type HistoryCheck =
  | { ok: true }
  | {
      ok: false;
      /** `chain`: an event's hash does not follow; `unsigned`: no seal; `signature`: the seal does not match. */
      problem: 'chain' | 'unsigned' | 'signature' | 'unknown-key';
      detail: string;
    };

/** The chain, then the seal: intact only when every hash follows and the newest state carries a valid signature. */
export function checkHistory(request: AccessRequest, keys: readonly SealKey[]): HistoryCheck {
  const chain = verifyHistory(request.events);
  if (!chain.intact)
    return {
      ok: false,
      problem: 'chain',
      detail: `event ${chain.brokenAt} does not follow from the one before`,
    };
  if (!request.seal)
    return { ok: false, problem: 'unsigned', detail: 'the request carries no signed chain head' };
  const key = keys.find(
    (k) => (k.keyId === '*' || k.keyId === request.seal?.keyId) && k.algorithm === request.seal?.algorithm,
  );
  if (!key)
    return {
      ok: false,
      problem: 'unknown-key',
      detail: `signed by ${request.seal.keyId}, which is not a key this check trusts`,
    };
  const signature = Buffer.from(request.seal.signature, 'base64');
  const payload = sealPayload(request);
  const valid =
    key.algorithm === 'ed25519'
      ? verify(null, payload, key.publicKey, signature)
      : verify('sha256', payload, key.publicKey, signature);
  return valid
    ? { ok: true }
    : { ok: false, problem: 'signature', detail: 'the signature does not match the request as stored' };
}
