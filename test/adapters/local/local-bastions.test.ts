import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalBastions } from '../../../src/adapters/local/local-bastions.js';
import { ConfigError, DependencyError } from '../../../src/domain/errors.js';
import type { LaunchSpec } from '../../../src/domain/ports.js';
import { closedPort, connectError, openConnection, roundTrip, startEchoServer } from './tcp-test-helpers.js';

const spec = (requestId: string, over: Partial<LaunchSpec> = {}): LaunchSpec => ({
  requestId,
  target: 'echo',
  owner: 'U123',
  expiresAt: new Date(Date.now() + 3_600_000),
  shutdownAfterSeconds: 3_600,
  ...over,
});

let echo: Awaited<ReturnType<typeof startEchoServer>>;
let bastions: LocalBastions;

beforeEach(async () => {
  echo = await startEchoServer();
  bastions = new LocalBastions({
    targets: {
      echo: { host: '127.0.0.1', port: echo.port },
      nowhere: { host: '127.0.0.1', port: await closedPort() },
    },
    sourceNetwork: '127.77.0.0/16',
    reachTimeoutMs: 2_000,
  });
});

afterEach(async () => {
  await bastions.close();
  await echo.close();
});

describe('LocalBastions', () => {
  it('forwards traffic to the target from its own loopback source address', async () => {
    const { id } = await bastions.launch(spec('r1'));
    const ref = await bastions.waitReachable(id, 'echo');
    expect(ref).toMatchObject({ id: 'local-r1', connect: { kind: 'local', host: '127.0.0.1' } });
    expect(ref.sourceIp).toMatch(/^127\.77\.\d+\.\d+$/);
    if (ref.connect.kind !== 'local') throw new Error('expected a local bastion');

    const payload = 'x'.repeat(200_000);
    await expect(roundTrip(ref.connect.port, payload)).resolves.toBe(payload);
    // The reachability probe and the client both came from the bastion's address, never 127.0.0.1.
    expect(new Set(echo.remoteAddresses)).toEqual(new Set([ref.sourceIp]));
  });

  it('gives two bastions different source addresses and ports', async () => {
    const a = await bastions.waitReachable((await bastions.launch(spec('a'))).id, 'echo');
    const b = await bastions.waitReachable((await bastions.launch(spec('b'))).id, 'echo');
    expect(a.sourceIp).not.toBe(b.sourceIp);
    expect(a.connect).not.toEqual(b.connect);
    expect((await bastions.list()).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'local-a', requestId: 'a' },
      { id: 'local-b', requestId: 'b' },
    ]);
  });

  it('is idempotent by request id, even for concurrent launches', async () => {
    const [first, second] = await Promise.all([bastions.launch(spec('r1')), bastions.launch(spec('r1'))]);
    const third = await bastions.launch(spec('r1'));
    expect(first).toEqual({ id: 'local-r1' });
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(await bastions.list()).toEqual([{ id: 'local-r1', requestId: 'r1' }]);
  });

  it('terminate cuts an open connection and refuses new ones', async () => {
    const { id } = await bastions.launch(spec('r1'));
    const ref = await bastions.waitReachable(id, 'echo');
    if (ref.connect.kind !== 'local') throw new Error('expected a local bastion');
    const { socket, closed } = await openConnection(ref.connect.port);
    const echoed = new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
    socket.write('ping');
    await expect(echoed).resolves.toBe('ping');

    await bastions.terminate(id);
    await closed;
    expect(socket.destroyed).toBe(true);
    await expect(connectError(ref.connect.port)).resolves.toBe('ECONNREFUSED');
    expect(await bastions.list()).toEqual([]);
  });

  it('terminate is idempotent, and a terminated bastion stays terminated', async () => {
    const { id } = await bastions.launch(spec('r1'));
    await Promise.all([bastions.terminate(id), bastions.terminate(id)]);
    await bastions.terminate(id);
    await bastions.terminate('local-unknown');
    await expect(bastions.launch(spec('r1'))).resolves.toEqual({ id });
    expect(await bastions.list()).toEqual([]);
    await expect(bastions.waitReachable(id, 'echo')).rejects.toMatchObject({
      step: 'wait-reachable',
      message: expect.stringContaining('terminated'),
    });
  });

  it('the dead-man switch terminates the bastion by itself', async () => {
    const { id } = await bastions.launch(spec('r1', { shutdownAfterSeconds: 0.2 }));
    const ref = await bastions.waitReachable(id, 'echo');
    if (ref.connect.kind !== 'local') throw new Error('expected a local bastion');
    const { closed } = await openConnection(ref.connect.port);
    await closed;
    await vi.waitFor(async () => expect(await bastions.list()).toEqual([]));
    await expect(connectError(ref.connect.port)).resolves.toBe('ECONNREFUSED');
  });

  it('waitReachable rejects with a DependencyError when the target does not answer', async () => {
    await bastions.close();
    bastions = new LocalBastions({
      targets: { nowhere: { host: '127.0.0.1', port: await closedPort() } },
      sourceNetwork: '127.77.0.0/16',
      reachTimeoutMs: 300,
    });
    const { id } = await bastions.launch(spec('r1', { target: 'nowhere' }));
    const reached = bastions.waitReachable(id, 'nowhere');
    await expect(reached).rejects.toBeInstanceOf(DependencyError);
    await expect(reached).rejects.toMatchObject({ step: 'wait-reachable', cause: { code: 'ECONNREFUSED' } });
  });

  it('waitReachable rejects for an unknown bastion or the wrong target', async () => {
    await expect(bastions.waitReachable('local-nope', 'echo')).rejects.toMatchObject({
      step: 'wait-reachable',
    });
    const { id } = await bastions.launch(spec('r1'));
    await expect(bastions.waitReachable(id, 'nowhere')).rejects.toBeInstanceOf(DependencyError);
  });

  it('a connection through the bastion to a dead target is closed, not left hanging', async () => {
    const ref = await bastions.waitReachable((await bastions.launch(spec('r1'))).id, 'echo');
    if (ref.connect.kind !== 'local') throw new Error('expected a local bastion');
    await echo.close();
    await expect(roundTrip(ref.connect.port, 'hello')).resolves.toBe('');
  });

  it('rejects an unknown target at launch', async () => {
    await expect(bastions.launch(spec('r1', { target: 'mystery' }))).rejects.toBeInstanceOf(ConfigError);
    expect(await bastions.list()).toEqual([]);
  });

  it.each(['10.0.0.0/8', '127.77.0.0', '0.0.0.0/0', '127.77.0.0/31'])(
    'rejects the source network %j',
    (sourceNetwork) => {
      expect(() => new LocalBastions({ targets: {}, sourceNetwork })).toThrow(ConfigError);
    },
  );
});
