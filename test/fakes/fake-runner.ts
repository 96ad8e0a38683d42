import type { ExportDelivery, RunFile, RunRunner } from '../../src/domain/ports.js';
import type { AccessRequest, RunResult } from '../../src/domain/types.js';
import type { FakeDatabases } from './fake-databases.js';
import { Faults } from './faults.js';

/**
 * Runs "execute" against the fake databases: it checks the run's account exists with the password it was
 * given (so a run can only execute as its own account), records what ran, and answers `next`.
 */
export class FakeRunner implements RunRunner {
  readonly faults = new Faults();
  readonly executed: { requestId: string; account: string; statements: string[] }[] = [];
  readonly discarded: string[] = [];
  reserved = new Map<string, string>();
  private counter = 0;
  next: { result: Omit<RunResult, 'export'>; file?: RunFile } = {
    result: { outcome: 'committed', message: 'committed: 1 row(s) changed, as expected', statements: [] },
  };

  constructor(private readonly databases: FakeDatabases) {}

  async reserve(requestId: string): Promise<string> {
    this.faults.check('reserve');
    const host = `127.88.0.${++this.counter}`;
    this.reserved.set(requestId, host);
    return host;
  }

  release(requestId: string): void {
    this.reserved.delete(requestId);
  }

  execute: RunRunner['execute'] = async (target, run) => {
    const account = this.databases.forTarget(target).accounts.get(`${run.account.user}@${run.account.host}`);
    if (!account || account.password !== run.password)
      throw new Error('the run could not log in as its account');
    this.faults.check('execute');
    this.executed.push({
      requestId: run.requestId,
      account: `${run.account.user}@${run.account.host}`,
      statements: run.spec.statements.map((s) => s.text),
    });
    return this.next;
  };

  async discard(file: RunFile): Promise<void> {
    this.discarded.push(file.path);
  }
}

export class RecordingExports implements ExportDelivery {
  readonly faults = new Faults();
  readonly delivered: { requestId: string; file: RunFile }[] = [];
  async deliver(request: AccessRequest, file: RunFile) {
    this.faults.check('deliver');
    this.delivered.push({ requestId: request.id, file });
    return { deliveredTo: 'slack' as const };
  }
}
