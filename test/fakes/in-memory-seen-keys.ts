import type { Clock, SeenKeys } from '../../src/domain/ports.js';

/** SeenKeys in memory, with the same rule as the DynamoDB one: a sighting counts until its deadline. */
export class InMemorySeenKeys implements SeenKeys {
  readonly keys = new Map<string, Date>();
  constructor(private readonly clock: Clock = { now: () => new Date() }) {}
  async firstSight(key: string, until: Date): Promise<boolean> {
    const kept = this.keys.get(key);
    if (kept && kept >= this.clock.now()) return false;
    this.keys.set(key, until);
    return true;
  }
}
