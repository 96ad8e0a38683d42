/**
 * A Slack outage end to end: the Web API stub answers 500 for a while right after an approval, and at
 * expiry. Access is not revoked, and every notice arrives once Slack answers again (the outbox).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleJob } from '../../src/app/dispatch.js';
import { ACTION } from '../../src/slack/ids.js';
import { sendBlockAction, sendSlashCommand } from '../support/slack-signer.js';
import { APPROVER_1, buttons, CHANNEL, REQUESTER, startWorld, textOf, type World } from './e2e-world.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('outage', { sourceNetwork: '127.85.0.0/16' });
}, 60_000);
afterAll(async () => {
  await w?.close();
});

async function requestAndApprove(): Promise<string> {
  await sendSlashCommand(w.app, {
    userId: REQUESTER,
    text: `request ${w.target} READ 30m during an outage`,
    responseUrl: w.stub.responseUrl('outage-submit'),
  });
  const id = /r-[a-z2-9]{10}/.exec(JSON.stringify((await w.stub.waitForResponse('outage-submit')).body))?.[0];
  if (!id) throw new Error('no request id');
  const post = await w.stub.waitFor(
    'chat.postMessage',
    (c) => c.args.channel === CHANNEL && !c.args.thread_ts && textOf(c).includes(id),
  );
  // Slack fails every chat.postMessage for a while: more than the Web API client's own retries.
  w.stub.failNext('chat.postMessage', { status: 500 }, 6);
  const approve = buttons(post).get(ACTION.approve);
  await sendBlockAction(w.app, {
    userId: APPROVER_1,
    actionId: ACTION.approve,
    value: approve?.value ?? id,
    blockId: approve?.blockId ?? '',
    channelId: CHANNEL,
    messageTs: String(post.response?.ts),
    responseUrl: w.stub.responseUrl('outage-approve'),
  });
  return id;
}

describe('Slack answering 500 after approval and at expiry', () => {
  it('access stays active, and the DM and the ended notices all arrive after recovery', async () => {
    const id = await requestAndApprove();
    const dm = await w.stub.waitFor(
      'chat.postMessage',
      (c) =>
        c.status === 200 &&
        String(c.args.channel) === REQUESTER &&
        buttons(c).get(ACTION.showCredentials)?.value === id,
      20_000,
    );
    expect(dm).toBeDefined();
    expect((await w.server.useCases.get(id))?.state).toBe('active');
    expect(w.stub.callsTo('chat.postMessage').filter((c) => c.status === 500).length).toBeGreaterThanOrEqual(
      6,
    );

    w.stub.failNext('chat.postMessage', { status: 500 }, 6);
    await handleJob(w.server.local.deps, { requestId: id, kind: 'teardown' });
    expect((await w.server.useCases.get(id))?.state).toBe('ended');
    const endedDm = await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.status === 200 && String(c.args.channel) === REQUESTER && textOf(c).includes('has ended'),
      20_000,
    );
    const endedThread = await w.stub.waitFor(
      'chat.postMessage',
      (c) =>
        c.status === 200 &&
        c.args.channel === CHANNEL &&
        Boolean(c.args.thread_ts) &&
        textOf(c).includes('Access ended'),
      20_000,
    );
    expect([endedDm, endedThread].every(Boolean)).toBe(true);
  }, 60_000);
});
