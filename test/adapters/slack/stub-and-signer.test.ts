/**
 * The test tools against a real Bolt app over HTTP: signed requests built by slack-signer.ts reach the
 * listeners with the payload shapes of slack-payloads.ts, and the app's Web API calls and respond() posts
 * land in the stub.
 */
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appHomeOpenedEvent, dmChannelOf, input, WORKSPACE } from '../../support/slack-payloads.js';
import {
  FORM,
  type SlackTarget,
  sendBlockAction,
  sendEvent,
  sendSelectAction,
  sendSigned,
  sendSlashCommand,
  sendUrlVerification,
  sendViewSubmission,
  slackSignature,
} from '../../support/slack-signer.js';
import { type SlackStub, silentSlackLogger, startSlackStub } from '../../support/slack-stub.js';

const SIGNING_SECRET = 'test-signing-secret';

let stub: SlackStub;
let app: App;
let target: SlackTarget;
/** What the listeners saw, by listener. */
const seen = new Map<string, unknown[]>();
const see = (key: string, value: unknown) => seen.set(key, [...(seen.get(key) ?? []), value]);

beforeAll(async () => {
  stub = await startSlackStub();
  app = new App({
    signingSecret: SIGNING_SECRET,
    token: 'xoxb-test',
    clientOptions: { slackApiUrl: stub.url, retryConfig: { retries: 0 } },
    logger: silentSlackLogger(),
    // auth.test runs in init(), awaited, instead of as a floating promise in the constructor.
    deferInitialization: true,
  });
  await app.init();

  app.command('/bastion', async ({ command, ack, client, respond }) => {
    await ack();
    see('command', command);
    await client.chat.postMessage({ channel: command.user_id, text: `you asked: ${command.text}` });
    if (command.text === 'respond') await respond({ response_type: 'ephemeral', text: 'only you see this' });
  });
  app.action('stub_button', async ({ ack, body, action, respond }) => {
    await ack();
    see('button', { body, action });
    if (respond) await respond({ replace_original: true, text: 'clicked' });
  });
  app.action('stub_select', async ({ ack, body, action }) => {
    await ack();
    see('select', { body, action });
  });
  app.view('stub_modal', async ({ ack, view }) => {
    const reason = view.state.values.reason?.reason_input?.value;
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: 'Say why' } });
      return;
    }
    await ack();
    see('view', view);
  });
  app.event('app_home_opened', async ({ event, context, client }) => {
    see('home', { retryNum: context.retryNum, retryReason: context.retryReason });
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [] } });
  });

  const server = await app.start({ port: 0, host: '127.0.0.1' });
  target = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    signingSecret: SIGNING_SECRET,
  };
});

afterAll(async () => {
  await app?.stop();
  await stub?.close();
});

beforeEach(() => {
  seen.clear();
});

describe('Bolt over HTTP with the stub and the signer', () => {
  it('verified the token once at init with auth.test', () => {
    expect(stub.callsTo('auth.test')).toMatchObject([{ token: 'xoxb-test', status: 200 }]);
  });

  it('acks a signed slash command with 200, and the listener’s postMessage reaches the stub', async () => {
    const result = await sendSlashCommand(target, {
      userId: 'U0ADA',
      text: 'request orders READ 1h looking into 4711',
      responseUrl: stub.responseUrl('cmd-ada'),
    });
    expect(result).toMatchObject({ status: 200, body: '' });
    const post = await stub.waitFor('chat.postMessage', (c) => c.args.channel === 'U0ADA');
    expect(post.args).toMatchObject({ text: 'you asked: request orders READ 1h looking into 4711' });
    // Bolt's per-workspace client adds team_id to every call.
    expect(post).toMatchObject({ token: 'xoxb-test', args: { team_id: WORKSPACE.teamId } });
    expect(seen.get('command')).toMatchObject([
      { user_id: 'U0ADA', command: '/bastion', team_id: WORKSPACE.teamId, api_app_id: WORKSPACE.apiAppId },
    ]);
  });

  it('rejects a forged signature with 401 and runs no listener', async () => {
    const result = await sendSlashCommand(
      target,
      { userId: 'U0EVE', text: 'forged', responseUrl: stub.responseUrl('forged') },
      { badSignature: true },
    );
    expect(result.status).toBe(401);
    expect(seen.get('command')).toBeUndefined();
  });

  it('rejects a request signed more than 5 minutes ago with 401, and accepts one 4 minutes old', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = await sendSlashCommand(
      target,
      { userId: 'U0EVE', text: 'replayed', responseUrl: stub.responseUrl('stale') },
      { timestamp: now - 301 },
    );
    expect(stale.status).toBe(401);
    const recent = await sendSlashCommand(
      target,
      { userId: 'U0ADA', text: 'recent', responseUrl: stub.responseUrl('recent') },
      { timestamp: now - 240 },
    );
    expect(recent.status).toBe(200);
    expect(seen.get('command')).toMatchObject([{ text: 'recent' }]);
  });

  it('rejects a body changed after signing with 401', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = 'command=%2Fbastion&text=list&user_id=U0ADA';
    const tampered = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': FORM,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, signed),
      },
      body: signed.replace('U0ADA', 'U0EVE'),
    });
    expect(tampered.status).toBe(401);
  });

  it('answers 400 to a form with a charset suffix: Bolt compares the content type exactly', async () => {
    const body = 'command=%2Fbastion&text=x';
    const result = await sendSigned(target, body, `${FORM}; charset=utf-8`);
    expect(result.status).toBe(400);
  });

  it('lets respond() post to the stub’s response URL', async () => {
    await sendSlashCommand(target, {
      userId: 'U0ADA',
      text: 'respond',
      responseUrl: stub.responseUrl('cmd-respond'),
    });
    await expect(stub.waitForResponse('cmd-respond')).resolves.toMatchObject({
      body: { response_type: 'ephemeral', text: 'only you see this' },
    });
  });

  it('delivers a button click on a posted message with its container, message and response_url', async () => {
    await sendSlashCommand(target, {
      userId: 'U0BOB',
      text: 'hello',
      responseUrl: stub.responseUrl('cmd-bob'),
    });
    const posted = await stub.waitFor('chat.postMessage', (c) => c.args.channel === 'U0BOB');
    const { channel, ts } = posted.response as { channel: string; ts: string };
    const result = await sendBlockAction(target, {
      userId: 'U0APPROVER',
      actionId: 'stub_button',
      blockId: 'decision',
      value: 'req-000042',
      channelId: channel,
      messageTs: ts,
      message: { text: String(posted.args.text) },
      responseUrl: stub.responseUrl('button-1'),
    });
    expect(result.status).toBe(200);
    const [{ body, action }] = seen.get('button') as [{ body: Record<string, unknown>; action: unknown }];
    expect(action).toMatchObject({
      action_id: 'stub_button',
      block_id: 'decision',
      value: 'req-000042',
      type: 'button',
    });
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0APPROVER' },
      container: { type: 'message', message_ts: ts, channel_id: 'DU0BOB' },
      channel: { id: 'DU0BOB', name: 'directmessage' },
      message: { ts, text: 'you asked: hello' },
    });
    await expect(stub.waitForResponse('button-1')).resolves.toMatchObject({
      body: { replace_original: true },
    });
  });

  it('delivers a choice inside a modal with the view, its state and no response_url', async () => {
    const result = await sendSelectAction(target, {
      userId: 'U0ADA',
      actionId: 'stub_select',
      blockId: 'tier',
      kind: 'static_select',
      selected: { value: 'DML', text: 'Read and write' },
      viewId: 'V0000000042',
      callbackId: 'stub_modal',
      privateMetadata: '{"step":1}',
      values: { target: { target_input: input.select('orders') } },
    });
    expect(result.status).toBe(200);
    const [{ body, action }] = seen.get('select') as [{ body: Record<string, unknown>; action: unknown }];
    expect(action).toMatchObject({ type: 'static_select', selected_option: { value: 'DML' } });
    expect(body).toMatchObject({
      container: { type: 'view', view_id: 'V0000000042' },
      view: {
        id: 'V0000000042',
        callback_id: 'stub_modal',
        private_metadata: '{"step":1}',
        state: {
          values: {
            target: { target_input: { selected_option: { value: 'orders' } } },
            tier: { stub_select: { type: 'static_select', selected_option: { value: 'DML' } } },
          },
        },
      },
    });
    expect(body).not.toHaveProperty('response_url');
  });

  it('returns a view_submission ack body (validation errors) in the HTTP response', async () => {
    const rejected = await sendViewSubmission(target, {
      userId: 'U0ADA',
      callbackId: 'stub_modal',
      values: { reason: { reason_input: input.text(null) } },
    });
    expect(rejected).toMatchObject({
      status: 200,
      body: { response_action: 'errors', errors: { reason: 'Say why' } },
    });
    const accepted = await sendViewSubmission(target, {
      userId: 'U0ADA',
      callbackId: 'stub_modal',
      privateMetadata: 'req-7',
      values: { reason: { reason_input: input.text('incident 12') } },
    });
    expect(accepted).toMatchObject({ status: 200, body: '' });
    expect(seen.get('view')).toMatchObject([{ private_metadata: 'req-7', callback_id: 'stub_modal' }]);
  });

  it('acks an event, and shows Slack’s re-delivery in context.retryNum / retryReason', async () => {
    const first = await sendEvent(target, appHomeOpenedEvent('U0ADA'), { eventId: 'Ev0SAME' });
    expect(first.status).toBe(200);
    await expect(stub.waitFor('views.publish', (c) => c.args.user_id === 'U0ADA')).resolves.toBeDefined();
    const again = await sendEvent(target, appHomeOpenedEvent('U0ADA'), {
      eventId: 'Ev0SAME',
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    expect(again.status).toBe(200);
    await expect
      .poll(() => seen.get('home'))
      .toEqual([
        { retryNum: undefined, retryReason: undefined },
        { retryNum: 1, retryReason: 'http_timeout' },
      ]);
    expect(appHomeOpenedEvent('U0ADA').channel).toBe(dmChannelOf('U0ADA'));
  });

  it('answers Slack’s URL verification with the challenge', async () => {
    const result = await sendUrlVerification(target, 'challenge-123');
    expect(result).toMatchObject({ status: 200, body: { challenge: 'challenge-123' } });
  });
});
