import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLoopbackCidr, SourceAddressPool } from '../../../src/adapters/local/source-address-pool.js';
import { ConfigError } from '../../../src/domain/errors.js';

const octet = fc.integer({ min: 0, max: 255 });

describe('parseLoopbackCidr', () => {
  it.each([
    ['127.77.0.0/16', 16],
    ['127.0.0.0/8', 8],
    ['127.77.5.0/29', 29],
  ])('accepts %s', (cidr, prefix) => {
    expect(parseLoopbackCidr(cidr).prefix).toBe(prefix);
  });

  it.each([
    '10.0.0.0/8', // not loopback
    '0.0.0.0/0', // wider than loopback
    '126.0.0.0/7', // contains loopback but is wider
    '127.77.1.0/16', // host bits set
    '127.77.0.0', // no prefix
    '127.77.0.0/33',
    '127.256.0.0/16',
    'localhost/16',
    '',
  ])('rejects %j with a ConfigError', (cidr) => {
    expect(() => parseLoopbackCidr(cidr)).toThrow(ConfigError);
  });

  it('accepts exactly the aligned networks inside 127.0.0.0/8 (property)', () => {
    fc.assert(
      fc.property(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 }), (a, b, c, d, prefix) => {
        const cidr = `${a}.${b}.${c}.${d}/${prefix}`;
        const host = ((b * 256 + c) * 256 + d) % 2 ** (32 - prefix);
        const valid = a === 127 && prefix >= 8 && host === 0;
        if (valid) expect(parseLoopbackCidr(cidr).prefix).toBe(prefix);
        else expect(() => parseLoopbackCidr(cidr)).toThrow(ConfigError);
      }),
    );
  });

  it('never throws anything but ConfigError on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseLoopbackCidr(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
        }
      }),
    );
  });
});

describe('SourceAddressPool', () => {
  it('hands out distinct addresses inside the network, never .0, .255 or 127.0.0.1 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 }), (third, count) => {
        const pool = new SourceAddressPool(`127.${third}.0.0/16`);
        const seen = new Set<string>();
        for (let i = 0; i < count; i++) {
          const ip = pool.allocate()!;
          const [a, b, , d] = ip.split('.').map(Number);
          expect([a, b]).toEqual([127, third]);
          expect(d).not.toBe(0);
          expect(d).not.toBe(255);
          expect(ip).not.toBe('127.0.0.1');
          seen.add(ip);
        }
        expect(seen.size).toBe(count);
      }),
      { numRuns: 30 },
    );
  });

  it('rotates: a released address is not handed out again before the rest of the pool', () => {
    // /29: .0 is the network and .7 the broadcast address, so .1 to .6 remain.
    const pool = new SourceAddressPool('127.77.5.0/29');
    const first = pool.allocate()!;
    pool.release(first);
    const next: string[] = [];
    for (let i = 0; i < 5; i++) next.push(pool.allocate()!);
    expect(next).not.toContain(first);
    expect(pool.allocate()).toBe(first);
    expect(pool.allocate()).toBeUndefined();
  });

  it('skips excluded addresses such as the listen host', () => {
    const pool = new SourceAddressPool('127.77.6.0/30', { exclude: ['127.77.6.1'] });
    expect(pool.allocate()).toBe('127.77.6.2');
    expect(pool.allocate()).toBeUndefined();
  });

  it('never uses 127.0.0.1 even when the network is all of loopback', () => {
    expect(() => new SourceAddressPool('127.0.0.0/30')).not.toThrow();
    const pool = new SourceAddressPool('127.0.0.0/30');
    expect(pool.allocate()).toBe('127.0.0.2');
    expect(pool.allocate()).toBeUndefined();
  });

  it('rejects a network with no usable address', () => {
    expect(() => new SourceAddressPool('127.77.0.0/31')).toThrow(ConfigError);
    expect(() => new SourceAddressPool('127.77.0.4/30', { exclude: ['127.77.0.5', '127.77.0.6'] })).toThrow(
      ConfigError,
    );
  });
});

describe('SourceAddressPool.contains', () => {
  it('is true exactly inside the network, whether the address is held or not', () => {
    const pool = new SourceAddressPool('127.77.3.0/24');
    expect(pool.contains('127.77.3.1')).toBe(true);
    expect(pool.contains('127.77.3.254')).toBe(true);
    expect(pool.contains('127.77.4.1')).toBe(false);
    expect(pool.contains('127.77.2.255')).toBe(false);
    expect(pool.contains('10.0.0.1')).toBe(false);
    expect(pool.contains('not-an-ip')).toBe(false);
  });
});
