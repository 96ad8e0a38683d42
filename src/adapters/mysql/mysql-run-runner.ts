/**
 * The RunRunner port on mysql2: a source address per run (the caller's: a loopback address locally, the
 * worker subnets' pattern on AWS), the run executed by MysqlRunExecutor, exports written to a private scratch
 * directory and removed once delivered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunFile, RunRunner } from '../../domain/ports.js';
import { MysqlRunExecutor, type RunConnection } from './run-executor.js';

/** Where a run connects from, and the account host that pins it there. */
export interface RunSource {
  reserve(requestId: string): Promise<{ accountHost: string; localAddress?: string }>;
  release(requestId: string): void;
}

export interface MysqlRunRunnerOptions {
  source: RunSource;
  /** The target's server (its host and port, TLS), without the source address. */
  server: (target: string) => Omit<RunConnection, 'localAddress'>;
}

export class MysqlRunRunner implements RunRunner {
  private readonly bound = new Map<string, string | undefined>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'drawbridge-runs-'));

  constructor(private readonly o: MysqlRunRunnerOptions) {}

  async reserve(requestId: string): Promise<string> {
    const { accountHost, localAddress } = await this.o.source.reserve(requestId);
    this.bound.set(requestId, localAddress);
    return accountHost;
  }

  release(requestId: string): void {
    this.bound.delete(requestId);
    this.o.source.release(requestId);
  }

  execute: RunRunner['execute'] = async (target, run) => {
    const localAddress = this.bound.get(run.requestId);
    const executor = new MysqlRunExecutor((t) => ({ ...this.o.server(t), localAddress }));
    return executor.execute(target, {
      requestId: run.requestId,
      account: run.account,
      password: run.password,
      run: run.spec,
      limits: run.limits,
      exportPath: join(this.dir, `${run.requestId}.${run.spec.format ?? 'csv'}`),
    });
  };

  async discard(file: RunFile): Promise<void> {
    await rm(file.path, { force: true });
  }

  /** Remove the scratch directory (on shutdown). */
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
