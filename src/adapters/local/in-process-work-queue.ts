import type { WorkItem, WorkQueue } from '../../domain/ports.js';

export interface InProcessWorkQueueOptions {
  /** Where a failed handler goes; by default stderr. Never rethrown: the enqueuer has long returned. */
  onError?: (error: unknown, item: WorkItem) => void;
}

/**
 * Local stand-in for the asynchronous Lambda invoke: `enqueue` returns at once (so a Slack ack is never
 * held up) and the handler runs on a later turn of the event loop. Items run concurrently, unbounded.
 */
export class InProcessWorkQueue implements WorkQueue {
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private readonly onError: (error: unknown, item: WorkItem) => void;

  constructor(
    private readonly handler: (item: WorkItem) => Promise<void>,
    options: InProcessWorkQueueOptions = {},
  ) {
    this.onError = options.onError ?? defaultOnError;
  }

  async enqueue(item: WorkItem): Promise<void> {
    // Counted now, not when it starts: drain() must see an item that is queued but not yet running.
    this.inFlight += 1;
    setImmediate(() => {
      void this.run(item);
    });
  }

  /**
   * Resolves once nothing is queued or running, including items that handlers enqueue meanwhile
   * (a handler's enqueue counts before the handler itself finishes, so the count never touches zero early).
   */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async run(item: WorkItem): Promise<void> {
    try {
      await this.handler(item);
    } catch (error) {
      try {
        this.onError(error, item);
      } catch {
        // A throwing error handler must not become an unhandled rejection.
      }
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) {
        const waiters = this.waiters;
        this.waiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }
}

function defaultOnError(error: unknown, item: WorkItem): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`drawbridge: work item ${item.kind} failed: ${message}\n`);
}
