/**
 * What a moto test file needs: the run's moto_server endpoint (see moto-global-setup.ts), a describe that
 * skips without it, and client settings for one region. Every file uses a region of its own, so their
 * resources never meet.
 */
import { describe, inject } from 'vitest';
import { motoClientSettings } from './moto-server.js';

export const motoEndpoint = inject('motoEndpoint');

/** `describe`, skipped when moto_server is not installed (the global setup said so once). */
export const describeOnMoto = describe.skipIf(motoEndpoint === undefined);

/** SDK client settings for the run's moto in `region`. */
export function motoClientConfig(region: string) {
  return motoClientSettings(motoEndpoint as string, region);
}
