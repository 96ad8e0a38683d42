import { BlockList, isIPv4 } from 'node:net';
import { ConfigError } from '../../domain/errors.js';

const CIDR = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;

/**
 * A set of IPv4 networks (`10.0.1.0/24`, …) answering "is this host literal inside one of them".
 * Anything that is not a plain IPv4 literal (a name, `%`, an IPv6 address) is outside.
 */
export class Ipv4Networks {
  private readonly list = new BlockList();

  /** @throws ConfigError on a malformed CIDR. */
  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const match = CIDR.exec(cidr.trim());
      const prefix = Number(match?.[2]);
      if (!match || !isIPv4(match[1] as string) || prefix > 32) {
        throw new ConfigError(`"${cidr}" is not an IPv4 CIDR such as 10.0.1.0/24`);
      }
      this.list.addSubnet(match[1] as string, prefix, 'ipv4');
    }
  }

  contains(host: string): boolean {
    return isIPv4(host) && this.list.check(host, 'ipv4');
  }
}
