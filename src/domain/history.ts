import { createHash } from 'node:crypto';
import type { RequestEvent } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Canonical JSON: keys sorted at every level, so the hash does not depend on property order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function hashEvent(previousHash: string, event: Omit<RequestEvent, 'hash'>): string {
  return createHash('sha256').update(previousHash).update(canonical(event)).digest('hex');
}

/** Seal an event onto a history: its hash chains to the last event's. */
export function sealEvent(history: readonly RequestEvent[], event: Omit<RequestEvent, 'hash'>): RequestEvent {
  const previous = history.at(-1)?.hash ?? GENESIS_HASH;
  return { ...event, hash: hashEvent(previous, event) };
}

export type ChainCheck = { intact: true } | { intact: false; brokenAt: number };

/** Recompute the chain; the first event whose hash does not match marks where the history was altered. */
export function verifyHistory(history: readonly RequestEvent[]): ChainCheck {
  let previous = GENESIS_HASH;
  for (const [index, event] of history.entries()) {
    const { hash, ...rest } = event;
    if (hashEvent(previous, rest) !== hash) return { intact: false, brokenAt: index };
    previous = hash;
  }
  return { intact: true };
}
