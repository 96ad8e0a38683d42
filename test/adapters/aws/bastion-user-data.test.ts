import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  bastionUserData,
  HARDENING_COMMAND,
  shutdownMinutes,
} from '../../../src/adapters/aws/bastion-user-data.js';

describe('shutdownMinutes', () => {
  it.each([
    [0, 1],
    [1, 1],
    [60, 1],
    [61, 2],
    [5430, 91],
  ])('%i s → shutdown -h +%i', (seconds, minutes) => {
    expect(shutdownMinutes(seconds)).toBe(minutes);
  });

  it('never halts before the time asked, and at most a minute after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 * 24 * 3600 }), (seconds) => {
        const minutes = shutdownMinutes(seconds);
        return minutes * 60 >= seconds && (minutes - 1) * 60 < seconds;
      }),
    );
  });

  it('refuses a delay that is not a number of seconds', () => {
    expect(() => shutdownMinutes(Number.NaN)).toThrow(RangeError);
  });
});

describe('bastionUserData', () => {
  const documentOf = (text: string) => parse(text) as { bootcmd: string[][]; runcmd: string[][] };

  it('is a cloud-config document that cloud-init can read, holding no credentials', () => {
    const text = bastionUserData(600);

    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(Object.keys(documentOf(text))).toEqual(['bootcmd', 'runcmd']);
    expect(text).not.toMatch(/password|secret|token|key/i);
  });

  it('hardens in bootcmd, before the SSM agent can start, and masks the agent when the hardening fails', () => {
    const { bootcmd } = documentOf(bastionUserData(600));

    expect(bootcmd).toEqual([['sh', '-c', HARDENING_COMMAND]]);
    expect(HARDENING_COMMAND).toBe(
      '(id ssm-user >/dev/null 2>&1 || useradd --create-home ssm-user) && rm -f /etc/sudoers.d/ssm-agent-users || systemctl mask --runtime --now amazon-ssm-agent',
    );
  });

  it('arms the dead-man switch first in the final stage, then installs a client', () => {
    expect(documentOf(bastionUserData(5430)).runcmd).toEqual([
      ['shutdown', '-h', '+91'],
      ['dnf', 'install', '-y', 'mariadb105'],
    ]);
  });
});
