import { randomInt } from 'node:crypto';
import { ConfigError } from '../../domain/errors.js';

/** Addresses a bastion must never take: the account pinned to it would open from ordinary loopback use. */
const ALWAYS_EXCLUDED = ['127.0.0.1'];

/**
 * The loopback source addresses local bastions connect from, one per live bastion.
 *
 * Allocation rotates through the whole pool (a cursor that only moves forward, from a random start) rather
 * than taking the lowest free address: an account left behind by a failed drop is pinned to its bastion's
 * address, so handing that address straight to the next bastion would re-open the forgotten account.
 */
export class SourceAddressPool {
  private readonly base: number;
  private readonly total: number;
  private readonly excluded: Set<number>;
  private readonly held = new Set<number>();
  private cursor: number;

  /** @param cidr a network inside 127.0.0.0/8, e.g. `127.77.0.0/16`; throws ConfigError otherwise. */
  constructor(
    readonly cidr: string,
    options: { exclude?: readonly string[] } = {},
  ) {
    const { base, prefix } = parseLoopbackCidr(cidr);
    this.base = base;
    this.total = 2 ** (32 - prefix);
    this.excluded = new Set([...ALWAYS_EXCLUDED, ...(options.exclude ?? [])].filter(isIpv4).map(ipToNumber));
    this.cursor = randomInt(this.total);
    if (!this.hasUsableAddress()) throw new ConfigError(`source network ${cidr} has no usable address`);
  }

  /** A free address, or undefined when every usable address is held. */
  allocate(): string | undefined {
    for (let i = 0; i < this.total; i++) {
      const offset = (this.cursor + i) % this.total;
      const address = this.base + offset;
      if (this.usable(offset) && !this.held.has(address)) {
        this.cursor = (offset + 1) % this.total;
        this.held.add(address);
        return numberToIp(address);
      }
    }
    return undefined;
  }

  /** Whether `ip` lies inside this network (held or not). */
  contains(ip: string): boolean {
    if (!isIpv4(ip)) return false;
    const offset = ipToNumber(ip) - this.base;
    return offset >= 0 && offset < this.total;
  }

  release(ip: string): void {
    this.held.delete(ipToNumber(ip));
  }

  /** Not the network or broadcast address, no `.0`/`.255` last octet, not excluded. */
  private usable(offset: number): boolean {
    if (offset === 0 || offset === this.total - 1) return false;
    const address = this.base + offset;
    const lastOctet = address % 256;
    return lastOctet !== 0 && lastOctet !== 255 && !this.excluded.has(address);
  }

  private hasUsableAddress(): boolean {
    for (let offset = 0; offset < this.total; offset++) if (this.usable(offset)) return true;
    return false;
  }
}

/** Parses `a.b.c.d/n` and checks it lies inside 127.0.0.0/8 with no host bits set. */
export function parseLoopbackCidr(cidr: string): { base: number; prefix: number } {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr.trim());
  const prefix = match ? Number(match[2]) : Number.NaN;
  if (!match || !isIpv4(match[1]!) || prefix > 32) {
    throw new ConfigError(`source network ${JSON.stringify(cidr)} is not an IPv4 CIDR such as 127.77.0.0/16`);
  }
  const base = ipToNumber(match[1]!);
  if (prefix < 8 || Math.floor(base / 2 ** 24) !== 127) {
    throw new ConfigError(`source network ${cidr} must lie inside the loopback network 127.0.0.0/8`);
  }
  if (base % 2 ** (32 - prefix) !== 0) {
    throw new ConfigError(`source network ${cidr} has host bits set`);
  }
  return { base, prefix };
}

function isIpv4(ip: string): boolean {
  const parts = ip.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
