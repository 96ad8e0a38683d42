import { DrawbridgeError } from '../../src/domain/errors.js';
import {
  type Owned,
  type OwnershipRecord,
  type OwnershipState,
  ownershipKey,
} from '../../src/domain/ownership.js';
import type { Clock, OwnershipLedger } from '../../src/domain/ports.js';

/** The ledger's contract in memory: first request to record a key holds it until it is released. */
export class InMemoryLedger implements OwnershipLedger {
  readonly records = new Map<string, OwnershipRecord>();
  /** While set, every call fails (the store is unreachable). */
  down = false;

  constructor(private readonly clock: Clock) {}

  async intend(owned: Owned, requestId: string): Promise<OwnershipRecord> {
    this.check();
    const key = ownershipKey(owned, requestId);
    const held = this.records.get(key);
    if (held && held.state !== 'released') return structuredClone(held);
    const now = this.clock.now().toISOString();
    const record: OwnershipRecord = { owned, requestId, state: 'intended', recordedAt: now, updatedAt: now };
    this.records.set(key, structuredClone(record));
    return record;
  }

  async mark(owned: Owned, requestId: string, state: OwnershipState, note?: string): Promise<void> {
    this.check();
    const key = ownershipKey(owned, requestId);
    const held = this.records.get(key);
    if (held?.requestId !== requestId) throw new DrawbridgeError('not_owner', `${key} is not ${requestId}'s`);
    held.state = state;
    held.updatedAt = this.clock.now().toISOString();
    if (note !== undefined) held.note = note;
    if (owned.kind === 'bastion' && owned.bastionId && held.owned.kind === 'bastion') {
      held.owned.bastionId = owned.bastionId;
    }
  }

  async get(owned: Owned, requestId: string): Promise<OwnershipRecord | undefined> {
    this.check();
    const held = this.records.get(ownershipKey(owned, requestId));
    return held && structuredClone(held);
  }

  async listUnreleased(): Promise<OwnershipRecord[]> {
    this.check();
    return [...this.records.values()].filter((r) => r.state !== 'released').map((r) => structuredClone(r));
  }

  /** The records of one kind in one state, as `user@host` or bastion id. */
  held(kind: Owned['kind'], state: OwnershipState = 'created'): string[] {
    return [...this.records.values()]
      .filter((r) => r.owned.kind === kind && r.state === state)
      .map((r) =>
        r.owned.kind === 'account'
          ? `${r.owned.account.user}@${r.owned.account.host}`
          : (r.owned.bastionId ?? ''),
      );
  }

  private check(): void {
    if (this.down) throw new Error('ledger unreachable');
  }
}
