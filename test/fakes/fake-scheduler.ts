import type { Job, JobKind, Scheduler } from '../../src/domain/ports.js';
import { Faults } from './faults.js';

/** Jobs kept in a map; tests fire them by hand with `fire`. */
export class FakeScheduler implements Scheduler {
  readonly jobs = new Map<string, Job>();
  readonly faults = new Faults();

  async schedule(job: Job): Promise<void> {
    this.faults.check(`schedule-${job.kind}`);
    this.jobs.set(`${job.requestId}:${job.kind}`, job);
  }

  async cancel(requestId: string, kind: JobKind): Promise<void> {
    this.faults.check('cancel');
    this.jobs.delete(`${requestId}:${kind}`);
  }

  get(requestId: string, kind: JobKind): Job | undefined {
    return this.jobs.get(`${requestId}:${kind}`);
  }

  forRequest(requestId: string): Job[] {
    return [...this.jobs.values()].filter((j) => j.requestId === requestId);
  }
}
