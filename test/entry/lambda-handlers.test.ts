/**
 * The Lambda entry points with injected dependencies: synthetic Function URL events (payload format 2.0)
 * with valid and invalid Slack signatures, and worker events replayed twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobEvent, workEvent } from '../../src/adapters/aws/worker-event.js';
import { decideRequest } from '../../src/app/decide-request.js';
import type { DrawbridgeConfig } from '../../src/config/config-types.js';
import { createSlackHandler } from '../../src/entry/lambda/slack-handler.js';
import { createWorkerHandler } from '../../src/entry/lambda/worker-handler.js';
import { APPROVER_1, harness, REQUESTER, submitted, targetPolicy } from '../fakes/harness.js';
import { InMemorySeenKeys } from '../fakes/in-memory-seen-keys.js';
import { slackSignature } from '../support/slack-signer.js';
import { type SlackStub, startSlackStub } from '../support/slack-stub.js';

const SECRET = 'lambda-signing-secret';

function functionUrlEvent(
  body: string,
  options: { secret?: string; ageSeconds?: number; base64?: boolean } = {},
) {
  const timestamp = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(options.secret ?? SECRET, timestamp, body),
      host: 'abcdefghij.lambda-url.eu-west-1.on.aws',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghij',
      domainName: 'abcdefghij.lambda-url.eu-west-1.on.aws',
      http: {
        method: 'POST',
        path: '/',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'Slackbot 1.0',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

describe('slack Lambda', () => {
  let stub: SlackStub;
  const h = harness(targetPolicy());
  let handler: ReturnType<typeof createSlackHandler>;

  beforeAll(async () => {
    stub = await startSlackStub();
    h.clock.current = new Date(); // signatures are checked against the real time
    const config = { slack: { command: '/bastion' }, targets: [] } as unknown as DrawbridgeConfig;
    handler = createSlackHandler(async () => ({
      deps: h.deps,
      config,
      slack: { signingSecret: SECRET, botToken: 'xoxb-lambda', slackApiUrl: stub.url },
      seen: new InMemorySeenKeys(h.clock),
    }));
  });
  afterAll(async () => {
    await stub.close();
  });

  let triggers = 0;
  const command = (text: string) =>
    new URLSearchParams({
      command: '/bastion',
      text,
      user_id: REQUESTER,
      user_name: 'ada',
      team_id: 'T0TEAM',
      channel_id: 'C0GENERAL',
      response_url: stub.responseUrl('lambda'),
      // Slack gives every command its own trigger id: two sends are two requests, not a replay.
      trigger_id: `t.${++triggers}`,
    }).toString();

  it('answers a validly signed slash command (plain and base64 bodies)', async () => {
    for (const base64 of [false, true]) {
      const response = await handler(functionUrlEvent(command('help'), { base64 }) as never, {});
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('/bastion request');
    }
  });

  it('refuses a forged signature and a stale timestamp with 401, running nothing', async () => {
    const forged = await handler(functionUrlEvent(command('list'), { secret: 'wrong' }) as never, {});
    const stale = await handler(functionUrlEvent(command('list'), { ageSeconds: 6 * 60 }) as never, {});
    expect([forged.statusCode, stale.statusCode]).toEqual([401, 401]);
    expect(stub.responses).toHaveLength(0);
  });

  it('answers a replayed signed request 200 and does nothing with it', async () => {
    const event = functionUrlEvent(command('list'));
    const before = stub.responses.length;
    const first = await handler(event as never, {});
    await stub.waitForResponse('lambda', (r) => stub.responses.indexOf(r) >= before);
    const replayed = await handler(structuredClone(event) as never, {});
    expect([first.statusCode, replayed.statusCode]).toEqual([200, 200]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stub.responses.length - before).toBe(1);
  });

  it('refuses a timestamp more than a minute in the future with 401, running nothing', async () => {
    const before = stub.responses.length;
    const ahead = await handler(
      functionUrlEvent(command('list'), { ageSeconds: -365 * 24 * 3600 }) as never,
      {},
    );
    const near = await handler(functionUrlEvent(command('help'), { ageSeconds: -30 }) as never, {});
    expect([ahead.statusCode, near.statusCode]).toEqual([401, 200]);
    expect(stub.responses.length).toBe(before);
  });

  it('hands provisioning to the worker queue instead of doing it in the request', async () => {
    const id = await submitted(h);
    const payload = {
      type: 'block_actions',
      user: { id: APPROVER_1, username: 'grace', name: 'grace', team_id: 'T0TEAM' },
      api_app_id: 'A0APP',
      token: 'legacy',
      container: { type: 'message', message_ts: '1.2', channel_id: 'C0APPROVALS', is_ephemeral: false },
      trigger_id: 't.2',
      team: { id: 'T0TEAM', domain: 'example' },
      channel: { id: 'C0APPROVALS', name: 'approvals' },
      response_url: stub.responseUrl('approve'),
      actions: [
        { action_id: 'drawbridge_approve', block_id: 'b', value: id, type: 'button', action_ts: '1.3' },
      ],
    };
    const response = await handler(
      functionUrlEvent(new URLSearchParams({ payload: JSON.stringify(payload) }).toString()) as never,
      {},
    );
    expect(response.statusCode).toBe(200);
    expect((await h.store.get(id))?.state).toBe('approved');
    expect(h.queue.items).toEqual([{ kind: 'provision', requestId: id }]);
    expect(h.bastions.launches).toBe(0);
  });
});

describe('worker Lambda', () => {
  it('runs a work item once even when it is delivered twice', async () => {
    const h = harness();
    const id = await submitted(h);
    await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
    h.queue.items.length = 0; // the worker, not the in-memory queue, runs the provisioning
    const worker = createWorkerHandler(async () => h.deps);
    const event = workEvent({ kind: 'provision', requestId: id });
    expect(await worker(event)).toEqual({ ok: true, kind: 'work' });
    expect(await worker(structuredClone(event))).toEqual({ ok: true, kind: 'work' });
    expect(h.bastions.launches).toBe(1);
    expect((await h.store.get(id))?.state).toBe('active');
  });

  it('a scheduled teardown replayed twice tears down once', async () => {
    const h = harness();
    const id = await submitted(h);
    await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
    await h.queue.drain();
    const worker = createWorkerHandler(async () => h.deps);
    const event = jobEvent({ requestId: id, kind: 'teardown' });
    await worker(event);
    await worker(event);
    expect(h.notifier.kinds().filter((k) => k === 'ended')).toHaveLength(1);
    expect((await h.store.get(id))?.events.filter((e) => e.type === 'ended')).toHaveLength(1);
  });

  it('reports a malformed event without throwing (a retry could not fix it)', async () => {
    const h = harness();
    const worker = createWorkerHandler(async () => h.deps);
    const result = await worker({ kind: 'job', job: { requestId: 'DROP TABLE', kind: 'teardown' } });
    expect(result.ok).toBe(false);
    expect(h.logger.lines.join()).toContain('invalid worker event');
  });
});
