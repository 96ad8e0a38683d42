/**
 * Listener routing in the style of bolt-js's own tests: payloads go straight into `app.processEvent` through
 * a receiver that does nothing else — no HTTP, no signing — so each routing rule (which listener answers,
 * what it acks, which use case it drives) is checked in milliseconds. The Web API calls the listeners make
 * go to the loopback Slack stub; the use cases run on the in-memory harness. The e2e world
 * (test/slack/e2e*.test.ts) covers the same listeners over signed HTTP.
 */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindUseCases } from '../../src/app/use-cases.js';
import { createSlackApp } from '../../src/slack/app.js';
import { ACTION } from '../../src/slack/ids.js';
import { APPROVER_1, harness, REQUESTER, submitted } from '../fakes/harness.js';
import { InMemorySeenKeys } from '../fakes/in-memory-seen-keys.js';
import { buttonActionPayload, slashCommandBody } from '../support/slack-payloads.js';
import { type SlackStub, startSlackStub } from '../support/slack-stub.js';

/** A receiver that only hands the app to the test: events arrive through `app.processEvent`. */
class DirectReceiver implements Receiver {
  init(_app: App): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

let stub: SlackStub;
beforeAll(async () => {
  stub = await startSlackStub();
});
afterAll(async () => {
  await stub.close();
});

async function appOn(h: ReturnType<typeof harness>) {
  return createSlackApp({
    signingSecret: 'not-checked-by-this-receiver',
    botToken: 'xoxb-routing-test',
    receiver: new DirectReceiver(),
    slackApiUrl: stub.url,
    useCases: bindUseCases(h.deps),
    targets: [
      {
        name: 'prod',
        description: 'production',
        tiers: [{ tier: 'READ', maxDurationSeconds: 14_400, requireTicket: false, requireReason: true }],
        breakGlass: false,
      },
    ],
    command: '/bastion',
    logger: { info() {}, warn() {}, error() {} },
    seen: new InMemorySeenKeys(),
    clock: h.deps.clock,
  });
}

/** Delivers one payload and returns what the listener acked with. */
async function deliver(
  app: App,
  body: Record<string, unknown>,
): Promise<{ acked: boolean; ackedWith: unknown }> {
  const seen = { acked: false, ackedWith: undefined as unknown };
  const event: ReceiverEvent = {
    body,
    ack: async (response?: unknown) => {
      seen.acked = true;
      seen.ackedWith = response;
    },
  };
  await app.processEvent(event);
  return seen;
}

/** An Approve click by APPROVER_1 on a button whose value is `value`. */
const approveClick = (value: string, responseId: string) =>
  buttonActionPayload({
    userId: APPROVER_1,
    actionId: ACTION.approve,
    value,
    responseUrl: stub.responseUrl(responseId),
  });

const slash = (userId: string, text: string, responseUrl: string) =>
  Object.fromEntries(new URLSearchParams(slashCommandBody({ userId, text, responseUrl })));

describe('listener routing', () => {
  it('/bastion help is answered in the ack itself, touching nothing', async () => {
    const h = harness();
    const app = await appOn(h);
    const { acked, ackedWith } = await deliver(app, slash(REQUESTER, 'help', stub.responseUrl('help')));
    expect(acked).toBe(true);
    expect(ackedWith).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/bastion request'),
    });
    expect(h.store.items.size).toBe(0);
  });

  it('/bastion with words it does not know is refused in the ack, with the usage', async () => {
    const app = await appOn(harness());
    const { ackedWith } = await deliver(app, slash(REQUESTER, 'frobnicate', stub.responseUrl('bad')));
    expect(ackedWith).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/frobnicate/),
    });
  });

  it('/bastion list acks, then answers at the response URL with the requester’s requests', async () => {
    const h = harness();
    const id = await submitted(h);
    const app = await appOn(h);
    const { acked } = await deliver(app, slash(REQUESTER, 'list', stub.responseUrl('list')));
    expect(acked).toBe(true);
    const answer = await stub.waitForResponse('list');
    expect(JSON.stringify(answer.body)).toContain(id);
  });

  it('the Approve button drives the decision use case for the clicking user', async () => {
    const h = harness();
    const id = await submitted(h);
    const app = await appOn(h);
    const { acked } = await deliver(app, approveClick(id, 'approve'));
    expect(acked).toBe(true);
    const request = await h.store.get(id);
    expect(request?.approvals.map((a) => a.by)).toEqual([APPROVER_1]);
  });

  it('a button whose value is not a request id is acked and changes nothing', async () => {
    const h = harness();
    const id = await submitted(h);
    const app = await appOn(h);
    const { acked } = await deliver(app, approveClick('../../etc/passwd', 'forged'));
    expect(acked).toBe(true);
    expect((await h.store.get(id))?.approvals).toEqual([]);
  });
});
