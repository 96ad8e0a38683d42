/**
 * Who may ask and how much, and replayed requests — end to end: signed HTTP into the running server, its
 * answers read from the Slack stub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../src/slack/ids.js';
import { input, slashCommandBody } from '../support/slack-payloads.js';
import {
  FORM,
  sendBlockAction,
  sendSigned,
  sendSlashCommand,
  sendViewSubmission,
} from '../support/slack-signer.js';
import {
  APPROVER_1,
  buttons,
  CHANNEL,
  OUTSIDER,
  REQUESTER,
  startWorld,
  textOf,
  type World,
} from './e2e-world.js';

const GUEST = 'U0GUEST';
const PARTNER = 'W0PARTNER';
let w: World;
let responses = 0;

beforeAll(async () => {
  w = await startWorld('req', {
    limits: { maxPending: 2, maxLive: 5, maxPerHour: 10 },
    sourceNetwork: '127.82.0.0/16',
  });
  w.stub.users.register({ id: GUEST, name: 'Gus Guest', email: 'gus@example.com', guest: 'single' });
  w.stub.users.register({
    id: PARTNER,
    name: 'Pat Partner',
    email: 'pat@partner.example',
    teamId: 'T0PARTNER',
  });
}, 60_000);
afterAll(async () => {
  await w?.close();
});

/** `/bastion <text>` as `user`: the ephemeral answer. */
async function slash(user: string, text: string): Promise<string> {
  const id = `q${++responses}`;
  const sent = await sendSlashCommand(w.app, { userId: user, text, responseUrl: w.stub.responseUrl(id) });
  expect(sent.status).toBe(200);
  return JSON.stringify((await w.stub.waitForResponse(id)).body);
}

const requestsOf = async (user: string) => (await w.server.useCases.listMine(user)).length;

describe('who may ask', () => {
  it('a guest is refused with the reason, and nothing is recorded or posted', async () => {
    const posts = w.stub.callsTo('chat.postMessage').length;
    const answer = await slash(GUEST, `request ${w.target} READ 10m look at orders`);
    expect(answer).toContain('guest accounts cannot request access');
    expect(await requestsOf(GUEST)).toBe(0);
    expect(w.stub.callsTo('chat.postMessage')).toHaveLength(posts);
  });

  it('a user of another workspace is refused', async () => {
    const answer = await slash(PARTNER, `request ${w.target} READ 10m look at orders`);
    expect(answer).toContain('users of other workspaces cannot request access');
    expect(await requestsOf(PARTNER)).toBe(0);
  });

  it('break-glass from somebody not on the list is refused in a DM, and nobody is told of an emergency', async () => {
    const sent = await sendViewSubmission(w.app, {
      userId: OUTSIDER,
      callbackId: VIEW.request,
      values: {
        target: { [ACTION.pickTarget]: input.select(w.target) },
        tier: { [ACTION.pickTier]: input.radio('READ') },
        duration: { duration: input.select('1800') },
        reason: { reason: input.text('checkout is down, INC-4711, nobody answers the pager') },
        ticket: { ticket: input.url(null) },
        break_glass: {
          break_glass: {
            type: 'checkboxes',
            selected_options: [{ value: 'break_glass', text: { type: 'plain_text', text: 'Break glass' } }],
          },
        },
      },
    });
    expect(sent.status).toBe(200);
    const dm = await w.stub.waitFor('chat.postMessage', (c) => c.args.channel === OUTSIDER);
    expect(String(dm.args.text)).toContain('you are not on the break-glass list');
    expect(await requestsOf(OUTSIDER)).toBe(0);
  });
});

describe('caps', () => {
  it('the third pending request of one requester is refused with a clear answer', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await slash(REQUESTER, `request ${w.target} READ 10m look at orders ${i}`)).toMatch(
        /r-[a-z2-9]{10}/,
      );
    }
    const third = await slash(REQUESTER, `request ${w.target} READ 10m look at orders 3`);
    expect(third).toContain('you already have 2 request(s) for READ on');
    expect(third).toContain('waiting for approval (at most 2)');
    expect(await requestsOf(REQUESTER)).toBe(2);
  });
});

describe('an acknowledged click', () => {
  it('is recorded before Slack gets the 200: a slow store delays the ack, not the record', async () => {
    w.stub.users.register({ id: 'U0ACKER', name: 'Ack Er', email: 'ack.er@example.com' });
    const answer = await slash('U0ACKER', `request ${w.target} READ 10m check the ack`);
    const id = /r-[a-z2-9]{10}/.exec(answer)?.[0] as string;
    const post = await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && !c.args.thread_ts && textOf(c).includes(id),
    );
    const approve = buttons(post).get(ACTION.approve);
    const store = w.server.local.deps.store;
    const update = store.update.bind(store);
    store.update = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return update(...args);
    };
    try {
      const sent = await sendBlockAction(w.app, {
        userId: APPROVER_1,
        actionId: ACTION.approve,
        value: approve?.value ?? '',
        blockId: approve?.blockId ?? '',
        channelId: CHANNEL,
        messageTs: String(post.response?.ts),
        responseUrl: w.stub.responseUrl('ack-click'),
      });
      expect(sent.status).toBe(200);
      const state = (await w.server.useCases.get(id))?.state;
      expect(state).not.toBe('requested');
    } finally {
      store.update = update;
    }
  });
});

describe('replayed and future-dated requests', () => {
  it('a signed slash command sent again is answered 200 and creates nothing', async () => {
    const before = await requestsOf(OUTSIDER);
    const body = slashCommandBody({
      userId: OUTSIDER,
      text: `request ${w.target} READ 10m replay me`,
      responseUrl: w.stub.responseUrl('replay'),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await sendSigned(w.app, body, FORM, { timestamp });
    await w.stub.waitForResponse('replay');
    const again = await sendSigned(w.app, body, FORM, { timestamp });
    const later = await sendSigned(w.app, body, FORM, { timestamp });
    expect([first.status, again.status, later.status]).toEqual([200, 200, 200]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await requestsOf(OUTSIDER)).toBe(before + 1);
    expect(w.stub.responses.filter((r) => r.id === 'replay')).toHaveLength(1);
    expect(w.logger.lines.some((l) => l.includes('replayed'))).toBe(true);
  });

  it('a timestamp a year ahead is refused with 401', async () => {
    const body = slashCommandBody({
      userId: OUTSIDER,
      text: `request ${w.target} READ 10m from the future`,
      responseUrl: w.stub.responseUrl('future'),
    });
    const before = await requestsOf(OUTSIDER);
    const ahead = await sendSigned(w.app, body, FORM, {
      timestamp: Math.floor(Date.now() / 1000) + 365 * 24 * 3600,
    });
    expect(ahead.status).toBe(401);
    expect(await requestsOf(OUTSIDER)).toBe(before);
  });
});
