import { describe, expect, it } from 'vitest';
import { InProcessWorkQueue } from '../../../src/adapters/local/in-process-work-queue.js';
import type { WorkItem } from '../../../src/domain/ports.js';

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('InProcessWorkQueue', () => {
  it('enqueue returns before the handler runs; drain waits for it', async () => {
    const events: string[] = [];
    const release = gate();
    const queue = new InProcessWorkQueue(async (item) => {
      events.push(`start ${item.kind}`);
      await release.opened;
      events.push(`end ${item.kind}`);
    });
    await queue.enqueue({ kind: 'sweep' });
    events.push('enqueued');
    const drained = queue.drain().then(() => events.push('drained'));
    await new Promise((resolve) => setImmediate(resolve));
    release.open();
    await drained;
    expect(events).toEqual(['enqueued', 'start sweep', 'end sweep', 'drained']);
  });

  it('runs items concurrently', async () => {
    const started: string[] = [];
    const release = gate();
    const bothStarted = gate();
    const queue = new InProcessWorkQueue(async (item) => {
      started.push(item.kind === 'provision' ? item.requestId : item.kind);
      if (started.length === 2) bothStarted.open();
      await release.opened;
    });
    await queue.enqueue({ kind: 'provision', requestId: 'a' });
    await queue.enqueue({ kind: 'provision', requestId: 'b' });
    await bothStarted.opened;
    expect(started.sort()).toEqual(['a', 'b']);
    release.open();
    await queue.drain();
  });

  it('drain waits for items that handlers enqueue while draining', async () => {
    const handled: WorkItem[] = [];
    const queue: InProcessWorkQueue = new InProcessWorkQueue(async (item) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (item.kind === 'provision')
        await queue.enqueue({ kind: 'teardown', requestId: item.requestId, reason: 'x' });
      if (item.kind === 'teardown') await queue.enqueue({ kind: 'sweep' });
      handled.push(item);
    });
    await queue.enqueue({ kind: 'provision', requestId: 'r1' });
    await queue.drain();
    expect(handled.map((i) => i.kind)).toEqual(['provision', 'teardown', 'sweep']);
  });

  it('drain resolves at once when idle', async () => {
    const queue = new InProcessWorkQueue(async () => {});
    await expect(queue.drain()).resolves.toBeUndefined();
  });

  it('reports handler failures to onError instead of throwing', async () => {
    const reported: Array<{ message: string; item: WorkItem }> = [];
    const queue = new InProcessWorkQueue(
      async (item) => {
        if (item.kind === 'sweep') throw new Error('sweep broke');
      },
      { onError: (error, item) => reported.push({ message: (error as Error).message, item }) },
    );
    await expect(queue.enqueue({ kind: 'sweep' })).resolves.toBeUndefined();
    await queue.enqueue({ kind: 'provision', requestId: 'ok' });
    await queue.drain();
    expect(reported).toEqual([{ message: 'sweep broke', item: { kind: 'sweep' } }]);
  });
});
