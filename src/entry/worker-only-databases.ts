import { DrawbridgeError } from '../domain/errors.js';
import type { DatabaseAccess, DatabaseAccessByTarget } from '../domain/ports.js';

/**
 * The databases as the internet-facing `slack` Lambda sees them: by name only. That function holds no
 * database credential — every database action (provisioning, teardown, Show credentials, Refresh grants,
 * the sweep) is handed to `worker` — so reaching for one here is a wiring bug, refused loudly.
 */
export class WorkerOnlyDatabases implements DatabaseAccessByTarget {
  constructor(private readonly names: readonly string[]) {}

  targets(): string[] {
    return [...this.names];
  }

  forTarget(target: string): DatabaseAccess {
    throw new DrawbridgeError(
      'dependency_failed',
      `the database of ${target} is reached from the worker only; this function holds no database credential`,
    );
  }
}
