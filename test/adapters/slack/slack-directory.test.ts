import { WebClient, type WebClientOptions } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../src/domain/errors.js';
import { SlackDirectory } from '../../../src/slack/delivery/slack-directory.js';
import { type SlackStub, silentSlackLogger, startSlackStub } from '../../support/slack-stub.js';

let stub: SlackStub;

beforeEach(async () => {
  stub = await startSlackStub();
  stub.users.register({ id: 'U0ADA', name: 'Ada Lovelace', email: 'ada.lovelace@example.com' });
  stub.users.register({ id: 'U0BOB', name: 'Bob Noemail' });
  stub.users.register({ id: 'U0GONE', name: 'Gone Person', email: 'gone@example.com', deleted: true });
  stub.groups.setGroup('S0DBA', ['U0ADA', 'U0BOB']);
  stub.groups.setGroup('S0SRE', ['U0ADA']);
  stub.groups.setGroup('S0EMPTY', []);
});

afterEach(async () => {
  await stub.close();
});

/** Retries without backoff pauses (a 429 still waits its Retry-After): fast tests, same code path. */
const FAST_RETRY: NonNullable<WebClientOptions['retryConfig']> = { retries: 2, minTimeout: 0, maxTimeout: 0 };

function client(options: WebClientOptions = {}): WebClient {
  return new WebClient('xoxb-test-token', {
    slackApiUrl: stub.url,
    logger: silentSlackLogger(),
    retryConfig: FAST_RETRY,
    ...options,
  });
}

describe('SlackDirectory.lookup', () => {
  it('maps users.info to id, e-mail and real name', async () => {
    const directory = new SlackDirectory(client());
    await expect(directory.lookup('U0ADA')).resolves.toEqual({
      id: 'U0ADA',
      email: 'ada.lovelace@example.com',
      name: 'Ada Lovelace',
      guest: false,
      external: false,
    });
    expect(stub.callsTo('users.info')).toMatchObject([
      { args: { user: 'U0ADA' }, token: 'xoxb-test-token', status: 200 },
    ]);
  });

  it('leaves out the e-mail of a user who has none', async () => {
    const user = await new SlackDirectory(client()).lookup('U0BOB');
    expect(user).toEqual({ id: 'U0BOB', name: 'Bob Noemail', guest: false, external: false });
    expect(user).not.toHaveProperty('email');
  });

  it('marks guests and users of other workspaces, asking Slack for this workspace once', async () => {
    stub.users.register({ id: 'U0MULTI', name: 'Multi Guest', email: 'm@example.com', guest: 'multi' });
    stub.users.register({ id: 'U0SINGLE', name: 'Single Guest', email: 's@example.com', guest: 'single' });
    stub.users.register({
      id: 'W0CONNECT',
      name: 'Partner',
      email: 'p@partner.example',
      teamId: 'T0PARTNER',
    });
    const directory = new SlackDirectory(client());
    await expect(directory.lookup('U0MULTI')).resolves.toMatchObject({ guest: true, external: false });
    await expect(directory.lookup('U0SINGLE')).resolves.toMatchObject({ guest: true, external: false });
    await expect(directory.lookup('W0CONNECT')).resolves.toMatchObject({ guest: false, external: true });
    await expect(directory.lookup('U0ADA')).resolves.toMatchObject({ guest: false, external: false });
    expect(stub.callsTo('auth.test')).toHaveLength(1);
  });

  it('treats deleted and unknown users as absent', async () => {
    const directory = new SlackDirectory(client());
    await expect(directory.lookup('U0GONE')).resolves.toBeUndefined();
    await expect(directory.lookup('U0NOBODY')).resolves.toBeUndefined();
    expect(stub.callsTo('users.info').map((c) => c.error)).toEqual([undefined, 'user_not_found']);
  });

  it('throws a DependencyError for any other Slack error', async () => {
    stub.failNext('users.info', { ok: false, error: 'missing_scope' });
    const failure = new SlackDirectory(client()).lookup('U0ADA');
    await expect(failure).rejects.toBeInstanceOf(DependencyError);
    await expect(failure).rejects.toMatchObject({
      step: 'slack.users.info',
      message: expect.stringContaining('missing_scope'),
    });
  });

  it('asks Slack once for two lookups of the same user within the cache time', async () => {
    const directory = new SlackDirectory(client());
    const first = await directory.lookup('U0ADA');
    const second = await directory.lookup('U0ADA');
    expect(second).toEqual(first);
    expect(stub.callsTo('users.info')).toHaveLength(1);
  });

  it('asks again once the cache time has passed', async () => {
    let now = 1_000_000;
    const directory = new SlackDirectory(client(), { cacheSeconds: 60, now: () => now });
    await directory.lookup('U0ADA');
    now += 59_999;
    await directory.lookup('U0ADA');
    expect(stub.callsTo('users.info')).toHaveLength(1);
    now += 1;
    await directory.lookup('U0ADA');
    expect(stub.callsTo('users.info')).toHaveLength(2);
  });

  it('does not remember a user it could not find, nor a failure', async () => {
    const directory = new SlackDirectory(client());
    await expect(directory.lookup('U0NEW')).resolves.toBeUndefined();
    stub.users.register({ id: 'U0NEW', name: 'New Hire', email: 'new@example.com' });
    await expect(directory.lookup('U0NEW')).resolves.toMatchObject({ id: 'U0NEW' });

    stub.failNext('users.info', { ok: false, error: 'fatal_error' });
    await expect(directory.lookup('U0BOB')).rejects.toBeInstanceOf(DependencyError);
    await expect(directory.lookup('U0BOB')).resolves.toMatchObject({ id: 'U0BOB' });
  });
});

describe('SlackDirectory.groupsOf', () => {
  it('returns the ids of the groups that contain the user', async () => {
    const directory = new SlackDirectory(client());
    await expect(directory.groupsOf('U0ADA')).resolves.toEqual(['S0DBA', 'S0SRE']);
    await expect(directory.groupsOf('U0BOB')).resolves.toEqual(['S0DBA']);
    await expect(directory.groupsOf('U0NOBODY')).resolves.toEqual([]);
    expect(stub.callsTo('usergroups.list')).toMatchObject([{ args: { include_users: 'true' } }]);
  });

  it('shares one usergroups.list between concurrent callers and reuses it within the cache time', async () => {
    let now = 0;
    const directory = new SlackDirectory(client(), { cacheSeconds: 30, now: () => now });
    await Promise.all([directory.groupsOf('U0ADA'), directory.groupsOf('U0BOB')]);
    expect(stub.callsTo('usergroups.list')).toHaveLength(1);
    stub.groups.setGroup('S0SRE', ['U0ADA', 'U0BOB']);
    now = 29_999;
    await expect(directory.groupsOf('U0BOB')).resolves.toEqual(['S0DBA']);
    now = 30_000;
    await expect(directory.groupsOf('U0BOB')).resolves.toEqual(['S0DBA', 'S0SRE']);
    expect(stub.callsTo('usergroups.list')).toHaveLength(2);
  });

  it('throws a DependencyError on failure and does not cache it', async () => {
    stub.failNext('usergroups.list', { ok: false, error: 'missing_scope' });
    const directory = new SlackDirectory(client());
    await expect(directory.groupsOf('U0ADA')).rejects.toMatchObject({
      code: 'dependency_failed',
      step: 'slack.usergroups.list',
    });
    await expect(directory.groupsOf('U0ADA')).resolves.toEqual(['S0DBA', 'S0SRE']);
  });
});

describe('SlackDirectory over WebClient retries', () => {
  it('gets the answer after a 429 with Retry-After 1, which the WebClient waits out and retries', async () => {
    stub.failNext('users.info', { status: 429, retryAfterSeconds: 1 });
    const user = await new SlackDirectory(client()).lookup('U0ADA');
    expect(user).toMatchObject({ id: 'U0ADA', email: 'ada.lovelace@example.com' });
    const calls = stub.callsTo('users.info');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    // The retry came no earlier than the Retry-After said.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries a 5xx too, within the retry budget', async () => {
    stub.failNext('usergroups.list', { status: 500 }, 2);
    await expect(new SlackDirectory(client()).groupsOf('U0ADA')).resolves.toEqual(['S0DBA', 'S0SRE']);
    expect(stub.callsTo('usergroups.list').map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('gives up with a DependencyError when the retries are spent', async () => {
    stub.failNext('usergroups.list', { status: 500 }, 3);
    await expect(new SlackDirectory(client()).groupsOf('U0ADA')).rejects.toMatchObject({
      step: 'slack.usergroups.list',
      message: expect.stringContaining('slack_webapi_http_error'),
    });
    expect(stub.callsTo('usergroups.list')).toHaveLength(3);
  });

  it('fails at once on a 429 when the client rejects rate-limited calls', async () => {
    stub.failNext('users.info', { status: 429, retryAfterSeconds: 30 });
    const directory = new SlackDirectory(client({ rejectRateLimitedCalls: true }));
    await expect(directory.lookup('U0ADA')).rejects.toMatchObject({
      step: 'slack.users.info',
      message: expect.stringContaining('slack_webapi_rate_limited_error'),
    });
    expect(stub.callsTo('users.info')).toHaveLength(1);
  });

  it('gives up on a Slack that does not answer when the client has a timeout', async () => {
    stub.failNext('users.info', { delayMs: 5_000 });
    const directory = new SlackDirectory(client({ timeout: 100, retryConfig: { retries: 0 } }));
    await expect(directory.lookup('U0ADA')).rejects.toMatchObject({
      step: 'slack.users.info',
      message: expect.stringContaining('slack_webapi_request_error'),
    });
  });

  it('stops retrying rate-limited calls once maxRetryTime has passed', async () => {
    stub.failNext('users.info', { status: 429, retryAfterSeconds: 1 }, 5);
    const bounded = client({ retryConfig: { retries: 10, minTimeout: 0, maxTimeout: 0, maxRetryTime: 500 } });
    await expect(new SlackDirectory(bounded).lookup('U0ADA')).rejects.toMatchObject({
      step: 'slack.users.info',
      message: expect.stringContaining('rate limit'),
    });
    expect(stub.callsTo('users.info')).toHaveLength(1);
  });
});
