/**
 * What signs the history (the running app) and what verifies it (`drawbridge audit --verify`), from the
 * config's `history.signing`. Verifying never creates a key: a missing key file means nothing can be verified.
 */
import { awsClientSettings } from '../adapters/aws/client-settings.js';
import { KeyFileSigner, keyFileSealKey, publicKeyFileSealKey } from '../adapters/signing/key-file-signer.js';
import type { DrawbridgeConfig } from '../config/config-types.js';
import type { HistorySigner, SealKey } from '../domain/seal.js';
import { lazyPort } from './lazy-port.js';

async function kmsClient(config: DrawbridgeConfig, signing: { region?: string; endpoint?: string }) {
  const { KMSClient } = await import('@aws-sdk/client-kms');
  return new KMSClient(
    awsClientSettings(signing.region ?? config.aws?.region, 'interactive', { endpoint: signing.endpoint }),
  );
}

export function historySigner(config: DrawbridgeConfig): HistorySigner {
  const { signing } = config.history;
  if (signing.kind === 'key-file') return new KeyFileSigner(signing.path);
  return lazyPort<HistorySigner>(
    async () => {
      const { KmsHistorySigner } = await import('../adapters/aws/kms-signer.js');
      return new KmsHistorySigner(await kmsClient(config, signing), signing.keyId);
    },
    { algorithm: 'ECDSA_SHA_256' },
  );
}

/** The keys a reviewer trusts: `--public-key` when given, else the configured key's public half. */
export async function historySealKeys(config: DrawbridgeConfig, publicKeyFile?: string): Promise<SealKey[]> {
  if (publicKeyFile) return [publicKeyFileSealKey(publicKeyFile)];
  const { signing } = config.history;
  if (signing.kind === 'key-file') {
    const key = keyFileSealKey(signing.path);
    return key ? [key] : [];
  }
  const { kmsSealKey } = await import('../adapters/aws/kms-signer.js');
  const client = await kmsClient(config, signing);
  try {
    return [await kmsSealKey(client, signing.keyId)];
  } finally {
    client.destroy();
  }
}
