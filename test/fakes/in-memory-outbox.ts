import type { Outbox, OutboxEntry } from '../../src/domain/ports.js';

/** The outbox in memory; `down` makes every call fail as if the store were unreachable. */
export class InMemoryOutbox implements Outbox {
  readonly entries = new Map<string, OutboxEntry>();
  down = false;
  async put(entry: OutboxEntry): Promise<void> {
    if (this.down) throw new Error('outbox unreachable');
    this.entries.set(entry.id, structuredClone(entry));
  }
  async due(now: Date): Promise<OutboxEntry[]> {
    return [...this.entries.values()]
      .filter((e) => e.nextAttemptAt <= now.toISOString())
      .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt))
      .map((e) => structuredClone(e));
  }
  async remove(id: string): Promise<void> {
    this.entries.delete(id);
  }
}
