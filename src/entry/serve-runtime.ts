/**
 * How a running `serve` tells the other commands of the same config where it is: its pid and, in local mode
 * with dynalite, the loopback endpoint of its store (the same DynamoDB API). `audit` reads through that
 * endpoint while `serve` runs, so an on-disk store is never opened twice and an in-memory one can be read
 * at all; `sweep` asks the running server to sweep (SIGUSR2) instead of sweeping beside it. The file lives
 * in the temp directory, readable by its owner only, and is removed when `serve` stops.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const runtimeSchema = z.object({
  pid: z.number().int().positive(),
  table: z.string().min(1),
  storeEndpoint: z.url().optional(),
});

export type ServeRuntime = z.infer<typeof runtimeSchema>;

export function runtimeFilePath(configPath: string): string {
  const key = createHash('sha256').update(resolve(configPath)).digest('hex').slice(0, 16);
  return join(tmpdir(), `drawbridge-serve-${key}.json`);
}

export function writeServeRuntime(path: string, runtime: ServeRuntime): void {
  writeFileSync(path, JSON.stringify(runtime), { mode: 0o600 });
}

export function removeServeRuntime(path: string): void {
  rmSync(path, { force: true });
}

/** The runtime of a `serve` that is still alive, or undefined (no file, a bad file, a dead process). */
export function readLiveServeRuntime(path: string): ServeRuntime | undefined {
  let runtime: ServeRuntime;
  try {
    runtime = runtimeSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
  try {
    process.kill(runtime.pid, 0);
    return runtime;
  } catch {
    return undefined;
  }
}
