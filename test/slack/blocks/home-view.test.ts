import { describe, expect, it } from 'vitest';
import { homeView } from '../../../src/slack/blocks/home-view.js';
import { helpText, listText } from '../../../src/slack/blocks/replies.js';
import { ACTION } from '../../../src/slack/ids.js';
import { slashUsage } from '../../../src/slack/slash-grammar.js';
import { aRequest, isoAfter } from '../../support/request-builder.js';
import { allMrkdwn, buttons, expectEscaped, expectViewWithinLimits } from './inspect.js';

describe('homeView', () => {
  it('shows an empty state that says how to ask', () => {
    const view = homeView({ userId: 'U123REQ', mine: [], waitingOnMe: [] });
    expect(view.type).toBe('home');
    expect(allMrkdwn(view.blocks)).toContain('`/bastion`');
    expect(buttons(view.blocks)).toEqual([]);
  });

  it('lists active and pending requests, with Show credentials and End now only where active', () => {
    const live = aRequest({ id: 'r-aaaaaaaaaa', state: 'active', expiresAt: isoAfter(3600) });
    const pending = aRequest({ id: 'r-bbbbbbbbbb', state: 'requested' });
    const old = aRequest({ id: 'r-cccccccccc', state: 'ended' });
    const view = homeView({ userId: 'U123REQ', mine: [live, pending, old], waitingOnMe: [] });
    const text = allMrkdwn(view.blocks);
    expect(text).toContain('r-aaaaaaaaaa');
    expect(text).toContain('r-bbbbbbbbbb');
    expect(text).toContain('waiting for approval');
    expect(text).not.toContain('r-cccccccccc');
    expect(buttons(view.blocks).map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.showCredentials, 'r-aaaaaaaaaa'],
      [ACTION.endNow, 'r-aaaaaaaaaa'],
    ]);
  });

  it('shows approvers the queue waiting on them with Approve and Deny, never their own request', () => {
    const theirs = aRequest({
      id: 'r-dddddddddd',
      requester: { slackUserId: 'U777OTHER', email: 'bo@example.com', dbUser: 'bo' },
    });
    const own = aRequest({ id: 'r-eeeeeeeeee' });
    const view = homeView({ userId: 'U123REQ', mine: [], waitingOnMe: [theirs, own] });
    expect(buttons(view.blocks).map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.approve, 'r-dddddddddd'],
      [ACTION.deny, 'r-dddddddddd'],
    ]);
    expect(allMrkdwn(view.blocks)).toContain('<@U777OTHER>');
  });

  it('stays within 100 blocks with long lists, and unique block ids', () => {
    const many = Array.from({ length: 80 }, (_, i) =>
      aRequest({ id: `r-${String(i).padStart(10, 'a')}`, state: 'active', expiresAt: isoAfter(3600) }),
    );
    const queue = many.map((r) => ({
      ...r,
      state: 'requested' as const,
      requester: { ...r.requester, slackUserId: 'U9OTHER9' },
    }));
    const view = homeView({ userId: 'U123REQ', mine: many, waitingOnMe: queue });
    expectViewWithinLimits(view);
    const ids = (view.blocks as { block_id?: string }[]).flatMap((b) => (b.block_id ? [b.block_id] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(allMrkdwn(view.blocks)).toContain('… and 60 more');
  });
});

describe('listText and helpText', () => {
  it('lists requests with id, target, tier, duration and state', () => {
    const text = listText([
      aRequest({ id: 'r-aaaaaaaaaa', state: 'denied' }),
      aRequest({ id: 'r-bbbbbbbbbb', state: 'active', expiresAt: isoAfter(60) }),
    ]);
    expect(text).toContain('• `r-aaaaaaaaaa` *orders-prod · READ · 1h* — denied');
    expect(text).toContain('• `r-bbbbbbbbbb` *orders-prod · READ · 1h* — active until <!date^');
    expectEscaped(text);
  });

  it('says how to ask when there is nothing to list, and caps long lists', () => {
    expect(listText([])).toContain('`/bastion`');
    const many = Array.from({ length: 30 }, () => aRequest());
    expect(listText(many)).toContain('… and 10 older ones.');
  });

  it('help ends with the usage of the configured command', () => {
    expect(helpText('/db').endsWith(slashUsage('/db'))).toBe(true);
  });
});
