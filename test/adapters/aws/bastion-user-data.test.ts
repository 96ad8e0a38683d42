import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bastionUserData, shutdownMinutes } from '../../../src/adapters/aws/bastion-user-data.js';

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
  it('is a bash script whose first command is the dead-man switch and which holds no credentials', () => {
    const script = bastionUserData(600);
    const commands = script.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(commands).toEqual([
      'shutdown -h +10',
      'id ssm-user >/dev/null 2>&1 || useradd --create-home ssm-user',
      'rm -f /etc/sudoers.d/ssm-agent-users',
      'dnf install -y mariadb105',
    ]);
    expect(script).not.toMatch(/password|secret|token|key/i);
  });
});
