import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, DependencyError } from '../../domain/errors.js';
import type { BastionInfo, Bastions, LaunchSpec, Logger } from '../../domain/ports.js';
import type { BastionRef } from '../../domain/types.js';
import { startLongTimer, type TimerHandle } from './long-timer.js';
import { SourceAddressPool } from './source-address-pool.js';
import { type Forwarder, startForwarder } from './tcp-forwarder.js';

export interface LocalBastionsOptions {
  /** Where each target database listens. */
  targets: Record<string, { host: string; port: number }>;
  /** Loopback network the bastions' source addresses come from, e.g. `127.77.0.0/16` (inside 127.0.0.0/8). */
  sourceNetwork: string;
  /** Where bastions listen for the requester's client; default `127.0.0.1`. */
  listenHost?: string;
  /** Hard limit for `waitReachable`; default 5 s. */
  reachTimeoutMs?: number;
  logger?: Logger;
}

interface Bastion {
  id: string;
  requestId: string;
  target: string;
  sourceIp: string;
  started: Promise<Forwarder>;
  deadMan: TimerHandle;
}

const PROBE_TIMEOUT_MS = 1_000;

/**
 * Local-mode bastions: one TCP forwarder per request on `listenHost:<port>`, connecting to the target from
 * its own loopback address (`127.x.y.z`), so an account pinned to that address is usable only through it.
 * Linux routes all of 127.0.0.0/8 to `lo`; macOS needs an alias per address (`ifconfig lo0 alias …`).
 *
 * Like EC2 with a ClientToken, a request has one bastion for the life of the process: launching again
 * returns it, and once it is terminated (by teardown or by its dead-man switch) it stays terminated.
 */
export class LocalBastions implements Bastions {
  private readonly live = new Map<string, Bastion>();
  private readonly closing = new Map<string, Promise<void>>();
  private readonly terminated = new Set<string>();
  /**
   * Targets a probe has reached. A TCP connect that never logs in is an aborted connection to the server
   * (`Aborted_connects` grows by one each), so a target is probed until it first answers; later bastions only
   * check that their source address can be bound.
   */
  private readonly reached = new Set<string>();
  private readonly pool: SourceAddressPool;
  private readonly listenHost: string;
  private readonly reachTimeoutMs: number;

  constructor(private readonly options: LocalBastionsOptions) {
    this.listenHost = options.listenHost ?? '127.0.0.1';
    this.reachTimeoutMs = options.reachTimeoutMs ?? 5_000;
    this.pool = new SourceAddressPool(options.sourceNetwork, { exclude: [this.listenHost] });
  }

  async launch(spec: LaunchSpec): Promise<{ id: string }> {
    const id = `local-${spec.requestId}`;
    const existing = this.live.get(id);
    if (existing) {
      await existing.started;
      return { id };
    }
    if (this.terminated.has(id)) return { id };

    const target = this.options.targets[spec.target];
    if (!target) throw new ConfigError(`no local target named ${spec.target}`);
    const sourceIp = this.pool.allocate();
    if (!sourceIp) {
      throw new DependencyError('launch', `no free source address left in ${this.options.sourceNetwork}`);
    }
    const bastion: Bastion = {
      id,
      requestId: spec.requestId,
      target: spec.target,
      sourceIp,
      started: startForwarder({
        listenHost: this.listenHost,
        target,
        sourceIp,
        onError: (error) => this.options.logger?.warn('local bastion error', { id, error: error.message }),
      }),
      // Armed before anything else can fail: whatever happens next, the bastion ends by itself.
      deadMan: startLongTimer(spec.shutdownAfterSeconds * 1000, () => {
        this.options.logger?.warn('local bastion dead-man switch fired', { id, requestId: spec.requestId });
        void this.terminate(id);
      }),
    };
    this.live.set(id, bastion);
    try {
      await bastion.started;
    } catch (error) {
      this.live.delete(id);
      bastion.deadMan.cancel();
      this.pool.release(sourceIp);
      throw error;
    }
    return { id };
  }

  /** Resolves once the forwarder listens and a test connection from its source address reaches the target. */
  async waitReachable(id: string, target: string): Promise<BastionRef> {
    const bastion = this.live.get(id);
    if (!bastion) {
      const why = this.terminated.has(id) ? 'is terminated' : 'does not exist';
      throw new DependencyError('wait-reachable', `bastion ${id} ${why}`);
    }
    if (bastion.target !== target) {
      throw new DependencyError(
        'wait-reachable',
        `bastion ${id} forwards to ${bastion.target}, not ${target}`,
      );
    }
    const forwarder = await bastion.started;
    const address = this.options.targets[target]!;
    const deadline = performance.now() + this.reachTimeoutMs;
    let pause = 25;
    for (;;) {
      const remaining = deadline - performance.now();
      try {
        if (this.reached.has(target)) await bindable(bastion.sourceIp);
        else {
          await probe(address, bastion.sourceIp, Math.max(1, Math.min(PROBE_TIMEOUT_MS, remaining)));
          this.reached.add(target);
        }
        break;
      } catch (cause) {
        if (errorCode(cause) === 'EADDRNOTAVAIL') {
          throw new DependencyError(
            'wait-reachable',
            `source address ${bastion.sourceIp} is not on this host`,
            {
              cause,
            },
          );
        }
        if (remaining - pause <= 0 || !this.live.has(id)) {
          throw new DependencyError(
            'wait-reachable',
            `${target} at ${address.host}:${address.port} not reachable from ${bastion.sourceIp} within ${this.reachTimeoutMs} ms`,
            { cause },
          );
        }
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 500);
    }
    if (!this.live.has(id))
      throw new DependencyError('wait-reachable', `bastion ${id} was terminated meanwhile`);
    return {
      id,
      sourceIp: bastion.sourceIp,
      connect: { kind: 'local', host: this.listenHost, port: forwarder.port },
    };
  }

  /** Stops the forwarder and cuts every connection through it. Idempotent: an unknown id is fine. */
  async terminate(id: string): Promise<void> {
    const pending = this.closing.get(id);
    if (pending) return pending;
    const bastion = this.live.get(id);
    if (!bastion) return;
    this.live.delete(id);
    this.terminated.add(id);
    bastion.deadMan.cancel();
    const done = (async () => {
      const forwarder = await bastion.started.catch(() => undefined);
      await forwarder?.close();
      // Only now: no socket from this address is left when the pool may hand it out again.
      this.pool.release(bastion.sourceIp);
    })().finally(() => this.closing.delete(id));
    this.closing.set(id, done);
    return done;
  }

  async list(): Promise<BastionInfo[]> {
    return [...this.live.values()].map(({ id, requestId }) => ({ id, requestId }));
  }

  private readonly runAddresses = new Map<string, string>();

  /**
   * A source address of the pool for a run the worker executes itself (no bastion): its account is pinned
   * to it, and the worker binds its connection to it. Held until released, never shared with a bastion.
   */
  reserveRunAddress(requestId: string): string {
    const held = this.runAddresses.get(requestId);
    if (held) return held;
    const address = this.pool.allocate();
    if (!address)
      throw new DependencyError(
        'reserve-source',
        `no free source address left in ${this.options.sourceNetwork}`,
      );
    this.runAddresses.set(requestId, address);
    return address;
  }

  releaseRunAddress(requestId: string): void {
    const address = this.runAddresses.get(requestId);
    if (address) this.pool.release(address);
    this.runAddresses.delete(requestId);
  }

  /** Terminates every bastion (process shutdown, tests). */
  async close(): Promise<void> {
    await Promise.all([...this.live.keys(), ...this.closing.keys()].map((id) => this.terminate(id)));
  }
}

/**
 * One TCP connection from `sourceIp` to the target, destroyed as soon as it is established: ending it
 * politely would leave the socket waiting for a greeting nobody reads, one descriptor per bastion.
 */
function probe(target: { host: string; port: number }, sourceIp: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port, localAddress: sourceIp });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`connect timed out after ${timeoutMs} ms`)));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

/** Whether this host has `ip` (EADDRNOTAVAIL otherwise), without touching the target. */
function bindable(ip: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, ip, () => server.close(() => resolve()));
  });
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
