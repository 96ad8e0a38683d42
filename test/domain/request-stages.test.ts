import { describe, expect, it } from 'vitest';
import { DrawbridgeError } from '../../src/domain/errors.js';
import {
  hasAccount,
  isLaunched,
  isLive,
  isProvisioning,
  isReachable,
  isScheduled,
  reached,
} from '../../src/domain/request-stages.js';
import { aRequest } from '../support/request-builder.js';

const bastion = {
  id: 'i-0aaa',
  sourceIp: '10.0.1.5',
  connect: { kind: 'local' as const, host: '127.0.0.1', port: 40000 },
};
const account = { user: 'ada', host: '10.0.1.5' };
const provisioning = aRequest({ state: 'provisioning', provisioningDeadline: '2030-01-01T10:05:00.000Z' });

describe('request stages', () => {
  it('each stage holds what the ones before it hold, plus its own field', () => {
    const launched = { ...provisioning, bastionId: 'i-0aaa' };
    const reachable = { ...launched, bastion };
    const withAccount = { ...reachable, account };
    const scheduled = { ...withAccount, expiresAt: '2030-01-01T11:00:00.000Z' };
    const stages = [provisioning, launched, reachable, withAccount, scheduled];
    const checks = [isProvisioning, isLaunched, isReachable, hasAccount, isScheduled];
    expect(stages.map((r) => checks.map((is) => is(r)))).toEqual([
      [true, false, false, false, false],
      [true, true, false, false, false],
      [true, true, true, false, false],
      [true, true, true, true, false],
      [true, true, true, true, true],
    ]);
  });

  it('live access is active or warned with a bastion, an account and an end', () => {
    const live = { bastionId: 'i-0aaa', bastion, account, expiresAt: '2030-01-01T11:00:00.000Z' };
    expect(isLive(aRequest({ state: 'active', ...live }))).toBe(true);
    expect(isLive(aRequest({ state: 'warned', ...live }))).toBe(true);
    expect(isLive(aRequest({ state: 'ending', ...live }))).toBe(false);
    const { expiresAt: _end, ...withoutEnd } = aRequest({ state: 'active', ...live });
    expect(isLive({ ...withoutEnd, state: 'active' })).toBe(false);
  });

  it('reached() returns the narrowed request, and reports a broken invariant as such', () => {
    expect(reached(provisioning, isProvisioning, 'provisioning-started')).toBe(provisioning);
    expect(() => reached(provisioning, isLaunched, 'bastion-launched')).toThrow(DrawbridgeError);
    expect(() => reached(provisioning, isLaunched, 'bastion-launched')).toThrow(
      `request ${provisioning.id} is provisioning without what bastion-launched records`,
    );
  });
});
