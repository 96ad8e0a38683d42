import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startLongTimer } from '../../../src/adapters/local/long-timer.js';

describe('startLongTimer', () => {
  it('chains delays longer than one chunk and fires exactly once', async () => {
    let fired = 0;
    await new Promise<void>((resolve) => {
      startLongTimer(
        35,
        () => {
          fired += 1;
          resolve();
        },
        10,
      );
    });
    await sleep(30);
    expect(fired).toBe(1);
  });

  it('cancelling in the middle of a chain stops it', async () => {
    let fired = 0;
    const timer = startLongTimer(60, () => fired++, 10);
    await sleep(25);
    timer.cancel();
    await sleep(80);
    expect(fired).toBe(0);
  });

  it('a negative or invalid delay fires at once, asynchronously', async () => {
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      startLongTimer(Number.NaN, () => {
        order.push('fired');
        resolve();
      });
    });
    order.push('returned');
    await done;
    expect(order).toEqual(['returned', 'fired']);
  });
});
