/**
 * Local mode's cron: `fire` once a day at a minute of the day (UTC), re-armed after each run from the
 * clock (so a slow run or a clock change never drifts it). Unref'd, like every local timer.
 */
import { nextDailyAt } from '../../domain/digest.js';
import { startLongTimer, type TimerHandle } from './long-timer.js';

export interface DailyTimer {
  /** When it fires next. */
  next(): Date;
  /** Cancel, and wait for a run in progress. */
  stop(): Promise<void>;
}

export function startDailyTimer(
  minuteOfDay: number,
  fire: () => Promise<void>,
  options: { now?: () => Date; onError?: (error: unknown) => void } = {},
): DailyTimer {
  const now = options.now ?? (() => new Date());
  let at = nextDailyAt(now(), minuteOfDay);
  let timer: TimerHandle | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const arm = () => {
    at = nextDailyAt(now(), minuteOfDay);
    timer = startLongTimer(at.getTime() - now().getTime(), () => {
      running = fire()
        .catch((e: unknown) => options.onError?.(e))
        .finally(() => {
          if (!stopped) arm();
        });
    });
  };
  arm();
  return {
    next: () => new Date(at.getTime()),
    async stop() {
      stopped = true;
      timer?.cancel();
      await running;
    },
  };
}
