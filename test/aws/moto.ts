/**
 * What a moto test file needs: the run's moto_server endpoint (see moto-global-setup.ts), a describe that
 * skips without it, and client settings for one region. Every file uses a region of its own, so their
 * resources never meet.
 */
import { describe, inject } from 'vitest';

export const motoEndpoint = inject('motoEndpoint');

/** `describe`, skipped when moto_server is not installed (the global setup said so once). */
export const describeOnMoto = describe.skipIf(motoEndpoint === undefined);

export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

/** SDK client settings for moto in `region`. */
export function motoClientConfig(region: string) {
  return { region, endpoint: motoEndpoint as string, credentials: MOTO_CREDENTIALS };
}
