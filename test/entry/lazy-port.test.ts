import { describe, expect, it } from 'vitest';
import { lazyPort } from '../../src/entry/lazy-port.js';

interface Port {
  double(n: number): Promise<number>;
  name(): string;
}

describe('lazyPort', () => {
  it('builds the adapter once, on the first async call, and forwards arguments and results', async () => {
    let builds = 0;
    const port = lazyPort<Port>(
      async () => {
        builds++;
        return { double: async (n) => n * 2, name: () => 'real' };
      },
      { name: () => 'eager' },
    );
    expect(builds).toBe(0);
    expect(port.name()).toBe('eager');
    expect(builds).toBe(0);
    expect(await Promise.all([port.double(2), port.double(5)])).toEqual([4, 10]);
    expect(builds).toBe(1);
  });

  it('retries a failed build on the next call, and is not mistaken for a promise', async () => {
    let attempt = 0;
    const port = lazyPort<Port>(async () => {
      attempt++;
      if (attempt === 1) throw new Error('ssm unreachable');
      return { double: async (n) => n * 2, name: () => 'x' };
    });
    await expect(port.double(1)).rejects.toThrow('ssm unreachable');
    expect(await port.double(3)).toBe(6);
    expect(await Promise.resolve(port)).toBe(port);
  });
});
