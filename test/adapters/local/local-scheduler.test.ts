import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalScheduler } from '../../../src/adapters/local/local-scheduler.js';
import { DependencyError } from '../../../src/domain/errors.js';
import type { Job } from '../../../src/domain/ports.js';

const inMs = (ms: number): Date => new Date(Date.now() + ms);

/** A scheduler that records firings and lets a test wait for the n-th one. */
function recording(onFire?: (job: Job) => Promise<void>) {
  const fired: Job[] = [];
  const errors: Array<{ error: unknown; job: Job }> = [];
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  const scheduler = new LocalScheduler(
    async (job) => {
      fired.push(job);
      for (const w of waiters.filter((w) => fired.length >= w.n)) w.resolve();
      waiters = waiters.filter((w) => fired.length < w.n);
      await onFire?.(job);
    },
    { onError: (error, job) => errors.push({ error, job }) },
  );
  const firings = (n: number) =>
    fired.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
  return { scheduler, fired, errors, firings };
}

let open: LocalScheduler[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});
function track<T extends { scheduler: LocalScheduler }>(r: T): T {
  open.push(r.scheduler);
  return r;
}

describe('LocalScheduler', () => {
  it('fires a job once, at its time, and forgets it', async () => {
    const { scheduler, fired, firings } = track(recording());
    const at = inMs(20);
    await scheduler.schedule({ requestId: 'r1', kind: 'teardown', at });
    expect(scheduler.pending()).toEqual([{ requestId: 'r1', kind: 'teardown', at }]);
    await firings(1);
    await sleep(50);
    expect(fired).toEqual([{ requestId: 'r1', kind: 'teardown', at }]);
    expect(scheduler.pending()).toEqual([]);
  });

  it('moving a job keeps one timer: it fires at the new time only', async () => {
    const { scheduler, fired, firings } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: inMs(3_600_000) });
    const moved = inMs(20);
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: moved });
    await firings(1);
    await sleep(50);
    expect(fired).toEqual([{ requestId: 'r1', kind: 'warn', at: moved }]);
  });

  it('moving a job later stops the earlier timer', async () => {
    const { scheduler, fired } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: inMs(20) });
    const later = inMs(3_600_000);
    await scheduler.schedule({ requestId: 'r1', kind: 'warn', at: later });
    await sleep(80);
    expect(fired).toEqual([]);
    expect(scheduler.pending()).toEqual([{ requestId: 'r1', kind: 'warn', at: later }]);
  });

  it('keys jobs by request and kind', async () => {
    const { scheduler } = track(recording());
    const late = inMs(7_200_000);
    const early = inMs(3_600_000);
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
    await scheduler.schedule({ requestId: 'r1', kind: 'teardown', at: inMs(20) });
    await scheduler.cancel('r1', 'teardown');
    await scheduler.cancel('nope', 'warn');
    await sleep(80);
    expect(fired).toEqual([]);
    expect(scheduler.pending()).toEqual([]);
  });

  it('a job in the past fires at once, but not inside schedule()', async () => {
    const { scheduler, fired, firings } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'approval-timeout', at: inMs(-60_000) });
    expect(fired).toEqual([]);
    await firings(1);
    expect(fired.map((j) => j.requestId)).toEqual(['r1']);
  });

  it('removes a firing job before onFire, so onFire may schedule the same key again', async () => {
    let seenPending: Job[] | undefined;
    const r = track(
      recording(async (job) => {
        if (seenPending) return;
        seenPending = r.scheduler.pending();
        await r.scheduler.schedule({ ...job, at: inMs(10) });
      }),
    );
    await r.scheduler.schedule({ requestId: 'r1', kind: 'teardown', at: inMs(5) });
    await r.firings(2);
    expect(seenPending).toEqual([]);
    expect(r.fired).toHaveLength(2);
  });

  it('reports onFire errors, rejected or thrown, to onError', async () => {
    const errors: Array<{ error: unknown; job: Job }> = [];
    let reported: () => void = () => {};
    const twoReported = new Promise<void>((resolve) => {
      reported = () => errors.length === 2 && resolve();
    });
    const scheduler = new LocalScheduler(
      (job) => {
        if (job.requestId === 'sync') throw new Error('thrown');
        return Promise.reject(new Error('rejected'));
      },
      {
        onError: (error, job) => {
          errors.push({ error, job });
          reported();
        },
      },
    );
    open.push(scheduler);
    await scheduler.schedule({ requestId: 'sync', kind: 'warn', at: inMs(0) });
    await scheduler.schedule({ requestId: 'async', kind: 'warn', at: inMs(0) });
    await twoReported;
    const byRequest = Object.fromEntries(errors.map((e) => [e.job.requestId, (e.error as Error).message]));
    expect(byRequest).toEqual({ sync: 'thrown', async: 'rejected' });
  });

  it('close() prevents every pending firing and later schedules reject', async () => {
    const { scheduler, fired } = track(recording());
    await scheduler.schedule({ requestId: 'r1', kind: 'teardown', at: inMs(20) });
    await scheduler.schedule({ requestId: 'r2', kind: 'teardown', at: inMs(0) });
    await scheduler.close();
    await sleep(80);
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
