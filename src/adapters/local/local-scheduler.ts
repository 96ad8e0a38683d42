import { DependencyError } from '../../domain/errors.js';
import type { Job, JobKind, Scheduler } from '../../domain/ports.js';
import { startLongTimer, type TimerHandle } from './long-timer.js';

export interface LocalSchedulerOptions {
  now?: () => Date;
  /** Where a failed `onFire` goes; by default stderr. Never rethrown: a timer has nobody to throw to. */
  onError?: (error: unknown, job: Job) => void;
}

interface Armed {
  job: Job;
  timer: TimerHandle;
}

/**
 * The local-mode scheduler: one in-process timer per `requestId:kind`. Timers live only as long as the
 * process, so the caller re-arms them from the store on start; the sweeper covers anything missed.
 */
export class LocalScheduler implements Scheduler {
  private readonly armed = new Map<string, Armed>();
  private readonly now: () => Date;
  private readonly onError: (error: unknown, job: Job) => void;
  private closed = false;
  /** Jobs whose handler is running: close() waits for them, so a shutdown never cuts one in half. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly onFire: (job: Job) => Promise<void>,
    options: LocalSchedulerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.onError = options.onError ?? defaultOnError;
  }

  /** Creates or moves the job. A job already due fires at once, but never synchronously. */
  async schedule(job: Job): Promise<void> {
    if (this.closed) throw new DependencyError('schedule', 'the local scheduler is closed');
    const key = keyOf(job.requestId, job.kind);
    this.armed.get(key)?.timer.cancel();
    const copy: Job = { requestId: job.requestId, kind: job.kind, at: new Date(job.at.getTime()) };
    // An invalid date fires at once: for a teardown, late is the unsafe direction.
    const delay = copy.at.getTime() - this.now().getTime();
    const entry: Armed = { job: copy, timer: startLongTimer(delay, () => this.fire(key, entry)) };
    this.armed.set(key, entry);
  }

  async cancel(requestId: string, kind: JobKind): Promise<void> {
    const key = keyOf(requestId, kind);
    this.armed.get(key)?.timer.cancel();
    this.armed.delete(key);
  }

  /** The jobs still waiting, earliest first. */
  pending(): Job[] {
    return [...this.armed.values()]
      .map(({ job }) => ({ ...job, at: new Date(job.at.getTime()) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Clears every timer (later `schedule` calls reject) and resolves once the jobs already firing are done. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.armed.values()) timer.cancel();
    this.armed.clear();
    await Promise.all([...this.running]);
  }

  private fire(key: string, entry: Armed): void {
    // A moved or cancelled job has a new entry (or none); its old timer must not fire.
    if (this.armed.get(key) !== entry) return;
    // Removed first, so onFire may schedule the same key again (e.g. a re-armed teardown).
    this.armed.delete(key);
    const { job } = entry;
    const run: Promise<void> = Promise.resolve()
      .then(() => this.onFire(job))
      .catch((error: unknown) => {
        try {
          this.onError(error, job);
        } catch {
          // An error handler that throws must not become an unhandled rejection either.
        }
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}

function keyOf(requestId: string, kind: JobKind): string {
  return `${requestId}:${kind}`;
}

function defaultOnError(error: unknown, job: Job): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`drawbridge: scheduled ${job.kind} for ${job.requestId} failed: ${message}\n`);
}
