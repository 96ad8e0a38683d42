import type { BastionInfo, Bastions, LaunchSpec } from '../../src/domain/ports.js';
import type { BastionRef } from '../../src/domain/types.js';
import { Faults } from './faults.js';

/** Bastions that exist only in memory, each with its own fake IP; idempotent like the real ones. */
export class FakeBastions implements Bastions {
  readonly live = new Map<string, { requestId: string; ip: string }>();
  readonly faults = new Faults();
  launches = 0;
  private next = 1;

  async launch(spec: LaunchSpec): Promise<{ id: string }> {
    this.faults.check('launch');
    const id = `b-${spec.requestId}`;
    if (!this.live.has(id)) {
      this.launches++;
      this.live.set(id, { requestId: spec.requestId, ip: `10.0.0.${this.next++}` });
    }
    this.faults.check('launch-after-effect');
    return { id };
  }

  async waitReachable(id: string): Promise<BastionRef> {
    this.faults.check('wait-reachable');
    const bastion = this.live.get(id);
    if (!bastion) throw new Error(`bastion ${id} does not exist`);
    return { id, sourceIp: bastion.ip, connect: { kind: 'local', host: '127.0.0.1', port: 40000 } };
  }

  async terminate(id: string): Promise<void> {
    this.faults.check('terminate');
    this.live.delete(id);
  }

  async list(): Promise<BastionInfo[]> {
    return [...this.live.entries()].map(([id, b]) => ({ id, requestId: b.requestId }));
  }
}
