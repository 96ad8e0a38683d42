/**
 * AWS mode's history signer: an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that the functions may only
 * use to sign. The seal records the id of the key KMS signed with (its key id, the last part of the ARN KMS
 * answers with); a reviewer verifies with the public key (kms:GetPublicKey), trusting only the key the
 * config names.
 */
import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { DependencyError } from '../../domain/errors.js';
import type { HistorySigner, SealKey } from '../../domain/seal.js';

export class KmsHistorySigner implements HistorySigner {
  readonly algorithm = 'ECDSA_SHA_256' as const;

  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  async sign(payload: Uint8Array) {
    const out = await this.client
      .send(
        new SignCommand({
          KeyId: this.keyId,
          Message: payload,
          MessageType: 'RAW',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      )
      .catch((e: unknown) => {
        throw new DependencyError('kms.sign', `cannot sign the history with ${this.keyId}`, { cause: e });
      });
    if (!out.Signature || !out.KeyId)
      throw new DependencyError('kms.sign', `KMS answered without a signature for ${this.keyId}`);
    return { signature: out.Signature, keyId: kmsKeyIdOf(out.KeyId) };
  }
}

/** `arn:aws:kms:eu-west-1:123456789012:key/1234abcd-…` → `1234abcd-…`; a bare key id as it is. */
export function kmsKeyIdOf(answer: string): string {
  const at = answer.lastIndexOf(':key/');
  return at < 0 ? answer : answer.slice(at + ':key/'.length);
}

/** The configured key's public half, under the key id its seals carry. */
export async function kmsSealKey(client: KMSClient, keyId: string): Promise<SealKey> {
  const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId })).catch((e: unknown) => {
    throw new DependencyError('kms.get-public-key', `cannot read the public key of ${keyId}`, { cause: e });
  });
  if (!out.PublicKey || !out.KeyId)
    throw new DependencyError('kms.get-public-key', `KMS answered without a public key for ${keyId}`);
  if (!out.SigningAlgorithms?.includes('ECDSA_SHA_256'))
    throw new DependencyError(
      'kms.get-public-key',
      `${keyId} does not sign with ECDSA_SHA_256 (needs ECC_NIST_P256)`,
    );
  return {
    keyId: kmsKeyIdOf(out.KeyId),
    algorithm: 'ECDSA_SHA_256',
    publicKey: createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }),
  };
}
