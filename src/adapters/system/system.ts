import { randomBytes } from 'node:crypto';
import type { Clock, Random } from '../../domain/ports.js';

export const systemClock: Clock = { now: () => new Date() };
export const cryptoRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };
