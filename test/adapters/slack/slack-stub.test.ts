import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackStub, silentSlackLogger, startSlackStub } from '../../support/slack-stub.js';

let stub: SlackStub;
let client: WebClient;

beforeEach(async () => {
  stub = await startSlackStub();
  client = new WebClient('xoxb-test', {
    slackApiUrl: stub.url,
    logger: silentSlackLogger(),
    retryConfig: { retries: 0 },
  });
});

afterEach(async () => {
  await stub.close();
});

const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Approve?*' } }];
const modal = {
  type: 'modal',
  title: { type: 'plain_text', text: 'Request' },
  blocks: [],
  callback_id: 'cb',
};

describe('slack stub: recording', () => {
  it('records method, token and arguments, with JSON form fields parsed back into objects', async () => {
    await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'hello', blocks, unfurl_links: false });
    const [call] = stub.callsTo('chat.postMessage');
    expect(call).toMatchObject({
      method: 'chat.postMessage',
      token: 'xoxb-test',
      status: 200,
      args: { channel: 'C0APPROVAL', text: 'hello', blocks, unfurl_links: 'false' },
    });
    expect(call?.args).not.toHaveProperty('token');
    expect(typeof call?.at).toBe('number');
  });

  it('accepts JSON bodies and a token in the body', async () => {
    const response = await fetch(`${stub.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C1', text: 'json', blocks }),
    });
    await expect(response.json()).resolves.toMatchObject({ ok: true, channel: 'C1' });
    const form = await fetch(`${stub.url}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=xoxb-form',
    });
    await expect(form.json()).resolves.toMatchObject({ ok: true });
    expect(stub.calls.map((c) => [c.method, c.token, c.args.blocks])).toEqual([
      ['chat.postMessage', 'xoxb-json', blocks],
      ['auth.test', 'xoxb-form', undefined],
    ]);
  });

  it('answers not_authed without a token and invalid_auth for a token it was not given', async () => {
    const guarded = await startSlackStub({ token: 'xoxb-right' });
    try {
      const bare = await fetch(`${guarded.url}auth.test`, { method: 'POST' });
      await expect(bare.json()).resolves.toEqual({ ok: false, error: 'not_authed' });
      const wrong = new WebClient('xoxb-wrong', { slackApiUrl: guarded.url, logger: silentSlackLogger() });
      await expect(wrong.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    } finally {
      await guarded.close();
    }
  });

  it('waitFor resolves with a call already made or still to come, and rejects after its timeout', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'first' });
    await expect(stub.waitFor('chat.postMessage')).resolves.toMatchObject({ args: { text: 'first' } });
    const later = stub.waitFor('chat.postMessage', (c) => c.args.text === 'second');
    await client.chat.postMessage({ channel: 'C1', text: 'second' });
    await expect(later).resolves.toMatchObject({ args: { text: 'second' } });
    await expect(stub.waitFor('views.open', undefined, 20)).rejects.toThrow(/no matching views.open call/);
  });

  it('records posts to a response URL', async () => {
    await fetch(stub.responseUrl('cmd-1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', response_type: 'ephemeral' }),
    });
    await expect(stub.waitForResponse('cmd-1')).resolves.toMatchObject({
      id: 'cmd-1',
      body: { text: 'done', response_type: 'ephemeral' },
    });
    expect(stub.responses).toHaveLength(1);
  });
});

describe('slack stub: failures on demand', () => {
  it('fails the next N calls of a method with ok:false, then answers normally', async () => {
    stub.failNext('chat.postMessage', { ok: false, error: 'channel_not_found' }, 2);
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'b' })).rejects.toThrow(/channel_not_found/);
    await expect(client.chat.postMessage({ channel: 'C1', text: 'c' })).resolves.toMatchObject({ ok: true });
    expect(stub.callsTo('chat.postMessage').map((c) => c.error)).toEqual([
      'channel_not_found',
      'channel_not_found',
      undefined,
    ]);
  });

  it('answers 429 with a Retry-After header, and 500', async () => {
    stub.failNext('auth.test', { status: 429, retryAfterSeconds: 7 });
    stub.failNext('auth.test', { status: 500 });
    const limited = await fetch(`${stub.url}auth.test`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    const broken = await fetch(`${stub.url}auth.test`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
    });
    expect(broken.status).toBe(500);
    expect(stub.callsTo('auth.test').map((c) => c.status)).toEqual([429, 500]);
  });

  it('answers unknown_method for methods it does not implement', async () => {
    await expect(client.apiCall('admin.teams.create', {})).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
  });
});

describe('slack stub: default answers', () => {
  it('auth.test names the bot and the workspace', async () => {
    await expect(client.auth.test()).resolves.toMatchObject({
      ok: true,
      user_id: 'U0DRAWBOT',
      bot_id: 'B0DRAWBOT',
      team_id: 'T0DRAWBRG',
      url: 'https://drawbridge-test.slack.com/',
    });
  });

  it('users.info and usergroups follow the registered users and groups', async () => {
    stub.users.register({ id: 'U1', name: 'Ada', email: 'ada@example.com', tz: 'UTC' });
    stub.users.register({ id: 'U2', name: 'Bob' });
    stub.groups.setGroup('S1', ['U1', 'U2'], 'dbas');
    const ada = await client.users.info({ user: 'U1' });
    expect(ada.user).toMatchObject({
      id: 'U1',
      real_name: 'Ada',
      tz: 'UTC',
      profile: { email: 'ada@example.com' },
    });
    const bob = await client.users.info({ user: 'U2' });
    expect(bob.user?.profile).not.toHaveProperty('email');
    await expect(client.users.info({ user: 'U9' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    const withUsers = await client.usergroups.list({ include_users: true });
    expect(withUsers.usergroups).toMatchObject([{ id: 'S1', handle: 'dbas', users: ['U1', 'U2'] }]);
    const without = await client.usergroups.list();
    expect(without.usergroups?.[0]).not.toHaveProperty('users');
    await expect(client.usergroups.users.list({ usergroup: 'S1' })).resolves.toMatchObject({
      users: ['U1', 'U2'],
    });
  });

  it('opens a DM as D<user id> and posts to a user id in that DM', async () => {
    await expect(client.conversations.open({ users: 'U1' })).resolves.toMatchObject({
      channel: { id: 'DU1' },
    });
    const posted = await client.chat.postMessage({ channel: 'U1', text: 'hi' });
    expect(posted.channel).toBe('DU1');
  });

  it('gives increasing message timestamps and remembers updates and deletes', async () => {
    const first = await client.chat.postMessage({ channel: 'C1', text: 'one', blocks });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'two' });
    expect(first.ts).toBe('1700000000.000100');
    expect(second.ts).toBe('1700000000.000200');
    expect(first.message).toMatchObject({ text: 'one', bot_id: 'B0DRAWBOT', blocks });

    await client.chat.update({ channel: 'C1', ts: first.ts!, text: 'one, approved' });
    expect(stub.message('C1', first.ts!)).toMatchObject({ text: 'one, approved', blocks, updates: 1 });
    await client.chat.delete({ channel: 'C1', ts: second.ts! });
    expect(stub.message('C1', second.ts!)?.deleted).toBe(true);
    await expect(
      client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'psst' }),
    ).resolves.toMatchObject({
      message_ts: '1700000000.000300',
    });
  });

  it('refuses what Slack refuses: no text, unknown messages, a user id in chat.update', async () => {
    await expect(client.chat.postMessage({ channel: 'C1' } as never)).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
    await expect(client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    const dm = await client.chat.postMessage({ channel: 'U1', text: 'hi' });
    await expect(client.chat.update({ channel: 'U1', ts: dm.ts!, text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.delete({ channel: 'C1', ts: '1.2' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });

  it('accepts unknown messages and views when not strict', async () => {
    const lenient = await startSlackStub({ strict: false });
    try {
      const c = new WebClient('xoxb', { slackApiUrl: lenient.url, logger: silentSlackLogger() });
      await expect(c.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).resolves.toMatchObject({
        ok: true,
      });
      await expect(c.views.update({ view_id: 'V9', view: modal as never })).resolves.toMatchObject({
        ok: true,
      });
    } finally {
      await lenient.close();
    }
  });

  it('opens, updates (checking the hash), pushes and publishes views', async () => {
    const opened = await client.views.open({ trigger_id: '1.2.abc', view: modal as never });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      callback_id: 'cb',
      state: { values: {} },
    });
    const { id, hash } = opened.view as { id: string; hash: string };
    const updated = await client.views.update({ view_id: id, hash, view: modal as never });
    expect(updated.view?.id).toBe(id);
    expect(updated.view?.hash).not.toBe(hash);
    await expect(client.views.update({ view_id: id, hash, view: modal as never })).rejects.toMatchObject({
      data: { error: 'hash_conflict' },
    });
    await expect(client.views.update({ view_id: 'V404', view: modal as never })).rejects.toMatchObject({
      data: { error: 'not_found' },
    });
    await expect(client.views.open({ trigger_id: '', view: modal as never })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    const pushed = await client.views.push({ trigger_id: '1.2.def', view: modal as never });
    expect(pushed.view?.id).not.toBe(id);

    const home = { type: 'home', blocks } as never;
    const published = await client.views.publish({ user_id: 'U1', view: home });
    const again = await client.views.publish({ user_id: 'U1', view: home });
    expect(again.view?.id).toBe(published.view?.id);
    expect(stub.callsTo('views.publish')[0]?.args).toMatchObject({
      user_id: 'U1',
      view: { type: 'home', blocks },
    });
  });
});
