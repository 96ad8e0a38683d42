import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalScheduler } from '../../../src/adapters/local/local-scheduler.js';
import { DependencyError } from '../../../src/domain/errors.js';
import type { Job } from '../../../src/domain/ports.js';

const inMs = (ms: number): Date => new Date(Date.now() + ms);

/** A scheduler that records firings. */
function recording(onFire?: (job: Job) => Promise<void>) {
  const fired: Job[] = [];
  const errors: Array<{ error: unknown; job: Job }> = [];
  const scheduler = new LocalScheduler(
    async (job) => {
      fired.push(job);
      await onFire?.(job);
    },
    { onError: (error, job) => errors.push({ error, job }) },
  );
  return { scheduler, fired, errors };
}

/** Moves the fake clock: every timer due by then fires, and what its handler awaits settles. */
const elapse = (ms: number) => vi.advanceTimersByTimeAsync(ms);

let open: LocalScheduler[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2030-01-01T09:00:00.000Z') });
});
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
  vi.useRealTimers();
});
function track<T extends { scheduler: LocalScheduler }>(r: T): T {
  open.push(r.scheduler);
  return r;
}

const HOUR = 3_600_000;

/**
 * On Vitest's fake timers: a job due in 20 s has not fired at 19.999 s and has fired, once, at 20 s; "never
 * fires" is checked hours later on the fake clock, so it cannot pass merely because the wait was short.
 */
describe('LocalScheduler', () => {
  it('fires a job once, at its time, and forgets it', async () => {
    const { scheduler, fired } = track(recording());
    const at = inMs(20_000);
    await scheduler.schedule({ requestId: 'r1', kind: 'teardown', at });
    expect(scheduler.pending()).toEqual([{ requestId: 'r1', kind: 'teardown', at }]);
    await elapse(19_999);
    expect(fired).toEqual([]);
    await elapse(1);
    expect(fired).toEqual([{ requestId: 'r1', kind: 'teardown', at }]);
    await elapse(24 * HOUR);
    expect(fired).toHaveLength(1);
    expect(scheduler.pending()).toEqual([]);
  });

  it('moving a job earlier keeps one timer: it fires at the new time only', async () => {
    const { scheduler, fired } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: inMs(HOUR) });
    const moved = inMs(20_000);
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: moved });
    await elapse(20_000);
    expect(fired).toEqual([{ requestId: 'r1', kind: 'warn', at: moved }]);
    await elapse(2 * HOUR);
    expect(fired).toEqual([{ requestId: 'r1', kind: 'warn', at: moved }]);
  });

  it('moving a job later stops the earlier timer', async () => {
    const { scheduler, fired } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: inMs(20_000) });
    const later = inMs(HOUR);
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: later });
    await elapse(HOUR - 1);
    expect(fired).toEqual([]);
    expect(scheduler.pending()).toEqual([{ requestId: 'r1', kind: 'warn', at: later }]);
    await elapse(1);
    expect(fired).toEqual([{ requestId: 'r1', kind: 'warn', at: later }]);
  });

  it('keys jobs by request and kind', async () => {
    const { scheduler } = track(recording());
    const late = inMs(2 * HOUR);
    const early = inMs(HOUR);
    await scheduler.schedule({ requestId: 'r1', kind: 'teardown', at: late });
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: early });
    await scheduler.schedule({ requestId: 'r2', kind: 'teardown', at: late });
    expect(scheduler.pending()).toEqual([
      { requestId: 'r1', kind: 'warn', at: early },
      { requestId: 'r1', kind: 'teardown', at: late },
      { requestId: 'r2', kind: 'teardown', at: late },
    ]);
  });

  it('a cancelled job never fires; cancelling an unknown job is fine', async () => {
    const { scheduler, fired } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'teardown', at: inMs(20_000) });
    await scheduler.cancel('r1', 'teardown');
    await scheduler.cancel('nope', 'warn');
    await elapse(24 * HOUR);
    expect(fired).toEqual([]);
    expect(scheduler.pending()).toEqual([]);
  });

  it('a job in the past fires at once, but not inside schedule()', async () => {
    const { scheduler, fired } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'approval-timeout', at: inMs(-60_000) });
    expect(fired).toEqual([]);
    await elapse(0);
    expect(fired.map((j) => j.requestId)).toEqual(['r1']);
  });

  it('a job further out than one timer can wait (over 24.8 days) still fires at its time', async () => {
    const { scheduler, fired } = track(recording());
    const at = inMs(30 * 24 * HOUR);
    await scheduler.schedule({ requestId: 'r1', kind: 'teardown', at });
    await elapse(30 * 24 * HOUR - 1);
    expect(fired).toEqual([]);
    await elapse(1);
    expect(fired).toEqual([{ requestId: 'r1', kind: 'teardown', at }]);
  });

  it('removes a firing job before onFire, so onFire may schedule the same key again', async () => {
    let seenPending: Job[] | undefined;
    const r = track(
      recording(async (job) => {
        if (seenPending) return;
        seenPending = r.scheduler.pending();
        await r.scheduler.schedule({ ...job, at: inMs(10_000) });
      }),
    );
    await r.scheduler.schedule({ requestId: 'r1', kind: 'teardown', at: inMs(5_000) });
    await elapse(5_000);
    expect(seenPending).toEqual([]);
    expect(r.fired).toHaveLength(1);
    await elapse(10_000);
    expect(r.fired).toHaveLength(2);
  });

  it('reports onFire errors, rejected or thrown, to onError', async () => {
    const errors: Array<{ error: unknown; job: Job }> = [];
    const scheduler = new LocalScheduler(
      (job) => {
        if (job.requestId === 'sync') throw new Error('thrown');
        return Promise.reject(new Error('rejected'));
      },
      { onError: (error, job) => errors.push({ error, job }) },
    );
    open.push(scheduler);
    await scheduler.schedule({ requestId: 'sync', kind: 'warn', at: inMs(0) });
    await scheduler.schedule({ requestId: 'async', kind: 'warn', at: inMs(0) });
    await elapse(0);
    const byRequest = Object.fromEntries(errors.map((e) => [e.job.requestId, (e.error as Error).message]));
    expect(byRequest).toEqual({ sync: 'thrown', async: 'rejected' });
  });

  it('close() prevents every pending firing and later schedules reject', async () => {
    const { scheduler, fired } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'teardown', at: inMs(20_000) });
    await scheduler.schedule({ requestId: 'r2', kind: 'teardown', at: inMs(0) });
    await scheduler.close();
    await elapse(24 * HOUR);
    expect(fired).toEqual([]);
    expect(scheduler.pending()).toEqual([]);
    await expect(scheduler.schedule({ requestId: 'r3', kind: 'warn', at: inMs(10) })).rejects.toBeInstanceOf(
      DependencyError,
    );
  });

  it('a pending job does not keep the process alive (timers are unref’d)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drawbridge-sched-'));
    try {
      const source = fileURLToPath(
        new URL('../../../src/adapters/local/local-scheduler.ts', import.meta.url),
      );
      const script = join(dir, 'holds-open.mts');
      await writeFile(
        script,
        `import { LocalScheduler } from ${JSON.stringify(source)};
const s = new LocalScheduler(async () => {});
await s.schedule({ requestId: 'r', kind: 'teardown', at: new Date(Date.now() + 3_600_000) });
console.log('armed', s.pending().length);\n`,
      );
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        timeout: 20_000,
      });
      expect(stdout.trim()).toBe('armed 1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
