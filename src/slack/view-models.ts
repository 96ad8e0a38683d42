import type { Tier } from '../domain/types.js';

/** What the request modal needs to know about a target (from the config). */
export interface TargetChoice {
  name: string;
  description: string;
  /** Offered tiers with their maximum duration in seconds and whether a ticket is required. */
  tiers: { tier: Tier; maxDurationSeconds: number; requireTicket: boolean; requireReason: boolean }[];
  breakGlass: boolean;
}
