import { describe, expect, it } from 'vitest';
import { checkSubmission, extensionWithinCaps, isApprover } from '../../src/domain/policy.js';
import { DBA_GROUP, targetPolicy, tierPolicy } from '../fakes/harness.js';

const base = { tier: 'READ' as const, durationSeconds: 3600, reason: 'investigate' };

describe('checkSubmission', () => {
  it.each([
    [{ ...base }, targetPolicy(), 'ok'],
    [{ ...base, durationSeconds: 5 * 3600 }, targetPolicy(), 'duration_too_long'],
    [{ ...base, reason: '  ' }, targetPolicy(), 'reason_required'],
    [{ ...base }, targetPolicy({ tiers: { READ: tierPolicy({ requireTicket: true }) } }), 'ticket_required'],
    [
      { ...base, ticket: 'https://jira/X-1' },
      targetPolicy({ tiers: { READ: tierPolicy({ requireTicket: true }) } }),
      'ok',
    ],
    [{ ...base }, targetPolicy({ tiers: { DML: tierPolicy() } }), 'unknown_tier'],
    [{ ...base, breakGlass: { justification: 'database on fire' } }, targetPolicy(), 'break_glass_disabled'],
    [
      { ...base, breakGlass: { justification: 'short' } },
      targetPolicy({ breakGlass: { allowed: ['U0REQ'], minJustification: 10 } }),
      'justification_required',
    ],
    [
      { ...base, breakGlass: { justification: 'database on fire' } },
      targetPolicy({ breakGlass: { allowed: ['U0REQ'], minJustification: 10 } }),
      'ok',
    ],
  ])('%o on %o → %s', (input, target, expected) => {
    const result = checkSubmission(target, input);
    expect(result.ok ? 'ok' : result.error.code).toBe(expected);
    if (!result.ok) expect(result.error.message.length).toBeGreaterThan(10);
  });

  it('names the limit when the duration is too long', () => {
    const result = checkSubmission(targetPolicy(), { ...base, durationSeconds: 5 * 3600 });
    expect(!result.ok && result.error.message).toContain('4h');
  });
});

describe('approvers and caps', () => {
  it('accepts listed users and members of listed groups only', () => {
    const policy = tierPolicy({ approvers: ['U1', DBA_GROUP] });
    expect(isApprover(policy, 'U1', [])).toBe(true);
    expect(isApprover(policy, 'U2', [DBA_GROUP])).toBe(true);
    expect(isApprover(policy, 'U2', ['S0OTHER'])).toBe(false);
  });

  it('caps extensions by count and by total', () => {
    const policy = tierPolicy({ extension: { maxCount: 2, maxTotalSeconds: 3600, autoApprove: false } });
    expect(extensionWithinCaps(policy, { extensions: { count: 1, totalSeconds: 1800 } }, 1800)).toBe(true);
    expect(extensionWithinCaps(policy, { extensions: { count: 1, totalSeconds: 1800 } }, 1801)).toBe(false);
    expect(extensionWithinCaps(policy, { extensions: { count: 2, totalSeconds: 0 } }, 60)).toBe(false);
  });
});
