/**
 * The KMS history signer against moto_server: an ECC_NIST_P256 SIGN_VERIFY key, the seal it makes carries
 * the key ARN, and the public key read with GetPublicKey verifies it (and refuses an edit).
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, expect, it } from 'vitest';
import { KmsHistorySigner, kmsKeyIdOf, kmsSealKey } from '../../src/adapters/aws/kms-signer.js';
import { checkHistory, sealRequest } from '../../src/domain/seal.js';
import { anEvent, aRequest } from '../support/request-builder.js';
import { describeOnMoto, motoClientConfig } from './moto.js';

describeOnMoto('the KMS history signer on moto_server', () => {
  const client = new KMSClient(motoClientConfig('eu-west-1'));
  afterAll(() => client.destroy());

  it('signs with the key, records its key id, and verifies with its public key only', async () => {
    const key = await client.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'history' }),
    );
    const keyId = key.KeyMetadata?.KeyId as string;
    const request = aRequest({ events: [anEvent()] });
    const sealed = await sealRequest(request, new KmsHistorySigner(client, keyId));
    expect(sealed.seal).toMatchObject({ algorithm: 'ECDSA_SHA_256', keyId });

    const trusted = await kmsSealKey(client, keyId);
    expect(trusted.keyId).toBe(keyId);
    expect(kmsKeyIdOf(key.KeyMetadata?.Arn as string)).toBe(keyId);
    expect(checkHistory(sealed, [trusted])).toEqual({ ok: true });
    expect(checkHistory({ ...sealed, reason: 'edited' }, [trusted])).toMatchObject({ problem: 'signature' });

    const other = await client.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    const otherKey = await kmsSealKey(client, other.KeyMetadata?.KeyId as string);
    expect(checkHistory(sealed, [otherKey])).toMatchObject({ problem: 'unknown-key' });
  });
});
