import { AlreadyExistsError, ConcurrentChangeError } from '../../src/domain/errors.js';
import type { DueRange, RequestStore } from '../../src/domain/ports.js';
import type { AccessRequest, RequestState } from '../../src/domain/types.js';

/** Keeps the store's contract (conditional versioned writes, append-only events) in memory. */
export class InMemoryStore implements RequestStore {
  readonly items = new Map<string, AccessRequest>();
  readonly names = new Map<string, string>();
  /** Called before each update is applied: lets a test interleave a competing write. */
  beforeUpdate?: ((next: AccessRequest) => Promise<void>) | undefined;
  /** While set, every call fails as if the process had died: nothing more gets recorded. */
  down = false;
  /** Reads of one request (`get`), counted: a lost race is decided again from the winner, not a re-read. */
  gets = 0;

  async create(request: AccessRequest): Promise<void> {
    if (this.items.has(request.id)) throw new AlreadyExistsError(`request ${request.id}`);
    this.items.set(request.id, structuredClone(request));
  }

  async get(id: string): Promise<AccessRequest | undefined> {
    if (this.down) throw new Error('store unreachable (process crashed)');
    this.gets++;
    const item = this.items.get(id);
    return item && structuredClone(item);
  }

  async update(next: AccessRequest, appendedFrom: number): Promise<void> {
    if (this.down) throw new Error('store unreachable (process crashed)');
    await this.beforeUpdate?.(next);
    const current = this.items.get(next.id);
    // As DynamoDB with ReturnValuesOnConditionCheckFailure ALL_OLD: the loser gets the winner's item.
    if (!current || current.version !== next.version - 1) {
      throw new ConcurrentChangeError(next.id, { winner: current && structuredClone(current) });
    }
    const events = [...current.events, ...next.events.slice(appendedFrom)];
    this.items.set(next.id, structuredClone({ ...next, events }));
  }

  async listByRequester(slackUserId: string, limit = 50): Promise<AccessRequest[]> {
    return [...this.items.values()]
      .filter((r) => r.requester.slackUserId === slackUserId)
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async listByState(state: RequestState, due: DueRange = {}): Promise<AccessRequest[]> {
    const within = (at: string) =>
      (!due.before || at <= due.before.toISOString()) && (!due.after || at >= due.after.toISOString());
    return [...this.items.values()]
      .filter((r) => r.state === state && within(r.dueAt ?? r.requestedAt))
      .map((r) => structuredClone(r));
  }

  async claimDbUserName(name: string, slackUserId: string): Promise<boolean> {
    const holder = this.names.get(name);
    if (holder && holder !== slackUserId) return false;
    this.names.set(name, slackUserId);
    return true;
  }

  async listDbUserNames(): Promise<string[]> {
    return [...this.names.keys()];
  }

  all(): AccessRequest[] {
    return [...this.items.values()];
  }
}
