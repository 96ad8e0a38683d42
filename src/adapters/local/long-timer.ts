/** The largest delay `setTimeout` honours; anything longer fires at once (Node clamps it to 1 ms). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface TimerHandle {
  cancel(): void;
}

/**
 * Run `fire` once after `delayMs`, however long that is: delays past the `setTimeout` limit (~24.8 days)
 * are chained in chunks. Timers are unref'd: a pending job must never keep the process alive.
 * `maxChunkMs` exists for tests of the chaining.
 */
export function startLongTimer(delayMs: number, fire: () => void, maxChunkMs = MAX_TIMEOUT_MS): TimerHandle {
  let remaining = Number.isFinite(delayMs) ? Math.max(0, delayMs) : 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const chunk = Math.min(remaining, maxChunkMs);
    remaining -= chunk;
    timer = setTimeout(remaining > 0 ? arm : fire, chunk);
    timer.unref();
  };
  arm();
  return {
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
