import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMEOUT_MS, startLongTimer } from '../../../src/adapters/local/long-timer.js';

/** On fake timers: a firing is checked at the exact millisecond, and "never" a long time after. */
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startLongTimer', () => {
  it('chains delays longer than one chunk and fires exactly once, at the end of the last chunk', async () => {
    let fired = 0;
    startLongTimer(35, () => fired++, 10);
    await vi.advanceTimersByTimeAsync(34);
    expect(fired).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fired).toBe(1);
  });

  it('waits past the setTimeout limit (~24.8 days) instead of firing at once', async () => {
    let fired = 0;
    startLongTimer(MAX_TIMEOUT_MS + 1_000, () => fired++);
    await vi.advanceTimersByTimeAsync(MAX_TIMEOUT_MS);
    expect(fired).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fired).toBe(1);
  });

  it('cancelling in the middle of a chain stops it for good', async () => {
    let fired = 0;
    const timer = startLongTimer(60, () => fired++, 10);
    await vi.advanceTimersByTimeAsync(25);
    timer.cancel();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(fired).toBe(0);
  });

  it('a negative or invalid delay fires at once, asynchronously', async () => {
    const order: string[] = [];
    startLongTimer(Number.NaN, () => order.push('fired'));
    startLongTimer(-5, () => order.push('fired'));
    order.push('returned');
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['returned', 'fired', 'fired']);
  });
});
