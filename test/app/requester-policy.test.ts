import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../../src/domain/ports.js';
import {
  APPROVER_1,
  DBA_GROUP,
  GROUP_MEMBER,
  type Harness,
  harness,
  REQUESTER,
  submit,
  submitted,
  targetPolicy,
  tierPolicy,
} from '../fakes/harness.js';

const ask = submit;

const setUser = (h: Harness, user: DirectoryUser) => h.directory.users.set(user.id, user);

describe('who may ask', () => {
  it.each([
    [
      'a single- or multi-channel guest',
      { guest: true },
      'guest_refused',
      /guest accounts cannot request access/,
    ],
    ['a user of another workspace', { external: true }, 'external_refused', /other workspaces/],
  ])(
    '%s is refused unless the target allows it, and nothing is recorded',
    async (_name, flags, code, text) => {
      const h = harness();
      setUser(h, { id: REQUESTER, email: 'ada.lovelace@example.com', ...flags });
      const refused = await ask(h);
      expect(refused).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(text) } });
      expect(h.store.all()).toEqual([]);
      expect(h.notifier.sent).toEqual([]);

      const open = harness(targetPolicy({ requesters: { allowGuests: true, allowExternal: true } }));
      setUser(open, { id: REQUESTER, email: 'ada.lovelace@example.com', ...flags });
      expect((await ask(open)).ok).toBe(true);
    },
  );
});

describe('break-glass', () => {
  const glass = { breakGlass: { allowed: [APPROVER_1, DBA_GROUP], minJustification: 20 } };
  const justification = { justification: 'checkout is down, INC-7, pager silent' };

  it('is refused to anybody not on the list, however good the justification', async () => {
    const h = harness(targetPolicy(glass));
    const refused = await ask(h, { breakGlass: justification });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'break_glass_not_allowed',
        message: expect.stringContaining('break-glass list of prod'),
      },
    });
    expect(h.store.all()).toEqual([]);
  });

  it('is allowed to a listed user and to a member of a listed group', async () => {
    const h = harness(targetPolicy(glass));
    for (const who of [APPROVER_1, GROUP_MEMBER]) {
      const result = await ask(h, { requesterId: who, breakGlass: justification });
      expect(result).toMatchObject({ ok: true, value: { state: 'approved' } });
    }
  });

  it('needs the configured justification length', async () => {
    const h = harness(targetPolicy(glass));
    const short = await ask(h, { requesterId: APPROVER_1, breakGlass: { justification: 'db on fire!' } });
    expect(short).toMatchObject({
      ok: false,
      error: { code: 'justification_required', message: expect.stringContaining('20 characters or more') },
    });
  });
});

describe('caps per requester, target and tier', () => {
  const capped = (limits: { maxPending: number; maxLive: number; maxPerHour: number }) =>
    harness(targetPolicy({ tiers: { READ: tierPolicy({ limits }), DML: tierPolicy({ limits }) } }));

  it('pending requests: the next one is refused with a clear answer; another tier is counted apart', async () => {
    const h = capped({ maxPending: 2, maxLive: 5, maxPerHour: 50 });
    await submitted(h);
    await submitted(h);
    const third = await ask(h);
    expect(third).toMatchObject({
      ok: false,
      error: {
        code: 'too_many_pending',
        message:
          'you already have 2 request(s) for READ on prod waiting for approval (at most 2); wait for a decision or cancel one',
      },
    });
    expect(h.store.all()).toHaveLength(2);
    expect(h.notifier.kinds().filter((k) => k === 'approval-requested')).toHaveLength(2);
    expect((await ask(h, { tier: 'DML' })).ok).toBe(true);
    // Another person is not affected by Ada's requests.
    expect((await ask(h, { requesterId: GROUP_MEMBER })).ok).toBe(true);
  });

  it('live accesses on an auto-approved tier: no bastion beyond the cap', async () => {
    const limits = { maxPending: 5, maxLive: 2, maxPerHour: 50 };
    const h = harness(targetPolicy({ tiers: { READ: tierPolicy({ autoApprove: true, limits }) } }));
    for (let i = 0; i < 2; i++) await submitted(h);
    await h.queue.drain();
    const third = await ask(h);
    expect(third).toMatchObject({ ok: false, error: { code: 'too_many_live' } });
    if (!third.ok) expect(third.error.message).toMatch(/already have 2 live access\(es\) to READ on prod/);
    await h.queue.drain();
    expect(h.bastions.launches).toBe(2);
  });

  it('submissions per hour count ended and denied requests too, and free up after an hour', async () => {
    const limits = { maxPending: 50, maxLive: 50, maxPerHour: 3 };
    const h = harness(targetPolicy({ tiers: { READ: tierPolicy({ autoApprove: true, limits }) } }));
    for (let i = 0; i < 3; i++) {
      await submitted(h);
      h.clock.advance(60);
    }
    expect(await ask(h)).toMatchObject({ ok: false, error: { code: 'too_many_submissions' } });
    h.clock.advance(3600);
    expect((await ask(h)).ok).toBe(true);
  });
});
