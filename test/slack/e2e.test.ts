/**
 * The Slack app end to end: signed HTTP requests with real payload shapes into the running server;
 * its Web API calls recorded by the stub; connections to MariaDB through the local bastion named in the DM.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { connectAs } from '../../src/adapters/mysql/index.js';
import { handleJob } from '../../src/app/dispatch.js';
import { RUN_INPUT } from '../../src/slack/blocks/run-modal.js';
import { ACTION, DENY_INPUT, EXTEND_INPUT, VIEW } from '../../src/slack/ids.js';
import { input, type ViewValues } from '../support/slack-payloads.js';
import {
  sendBlockAction,
  sendEvent,
  sendSelectAction,
  sendSlashCommand,
  sendViewSubmission,
  signedRequest,
} from '../support/slack-signer.js';
import type { SlackCall } from '../support/slack-stub.js';
import {
  APPROVER_1,
  APPROVER_2,
  buttons,
  CHANNEL,
  NO_EMAIL,
  OUTSIDER,
  REQUESTER,
  startWorld,
  textOf,
  type World,
} from './e2e-world.js';

let w: World;
let responses = 0;

beforeAll(async () => {
  w = await startWorld('main');
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const responseUrl = () => w.stub.responseUrl(`r${++responses}`);

/** `/bastion <text>` as `user`; resolves with the ephemeral answer posted to the response URL (if any). */
async function slash(user: string, text: string) {
  const url = responseUrl();
  const sent = await sendSlashCommand(w.app, { userId: user, text, responseUrl: url });
  return {
    sent,
    url,
    reply: () => w.stub.waitForResponse(url.split('/').pop() as string).then((r) => JSON.stringify(r.body)),
  };
}

/** The approval message the app posted for `requestId`. */
const approvalPost = (requestId: string) =>
  w.stub.waitFor(
    'chat.postMessage',
    (c) =>
      c.status === 200 && c.args.channel === CHANNEL && !c.args.thread_ts && textOf(c).includes(requestId),
  );

async function requestAccess(tier = 'READ', duration = '10m'): Promise<string> {
  const { sent, reply } = await slash(
    REQUESTER,
    `request ${w.target} ${tier} ${duration} investigate order 42`,
  );
  expect(sent.status).toBe(200);
  const text = await reply();
  const id = /r-[a-z2-9]{10}/.exec(text)?.[0];
  if (!id) throw new Error(`no request id in ${text}`);
  return id;
}

/** Click a button of a recorded message as `user`. */
async function click(
  user: string,
  message: SlackCall,
  actionId: string,
  extra: { responseUrl?: string } = {},
) {
  const button = buttons(message).get(actionId);
  if (!button) throw new Error(`no ${actionId} button in ${textOf(message)}`);
  const url = extra.responseUrl ?? responseUrl();
  const sent = await sendBlockAction(w.app, {
    userId: user,
    actionId,
    value: button.value,
    blockId: button.blockId,
    channelId: String(message.response?.channel ?? message.args.channel),
    messageTs: String(message.response?.ts),
    responseUrl: url,
  });
  return { sent, url, id: url.split('/').pop() as string };
}

const accessDm = (requestId: string) =>
  w.stub.waitFor(
    'chat.postMessage',
    (c) =>
      String(c.args.channel) === REQUESTER && buttons(c).get(ACTION.showCredentials)?.value === requestId,
    10_000,
  );

async function activeRequest(): Promise<{ id: string; dm: SlackCall }> {
  const id = await requestAccess();
  await click(APPROVER_1, await approvalPost(id), ACTION.approve);
  return { id, dm: await accessDm(id) };
}

/** Show credentials: the password arrives only in the modal (views.update after a loading views.open). */
async function showCredentials(dm: SlackCall): Promise<{ user: string; password: string; port: number }> {
  const before = w.stub.callsTo('views.update').length;
  await click(REQUESTER, dm, ACTION.showCredentials);
  const update = await w.stub.waitFor(
    'views.update',
    (c) => w.stub.callsTo('views.update').indexOf(c) >= before && textOf(c).includes('mysql -h'),
  );
  const text = textOf(update);
  const port = Number(/-P (\d+)/.exec(text)?.[1]);
  const user = /-u ([a-z0-9_]+)/.exec(text)?.[1] ?? '';
  const blocks = (update.args.view as { blocks: { text?: { text?: string } }[] }).blocks;
  const passwordBlock = blocks.map((b) => b.text?.text ?? '').find((t) => t.startsWith('*Password*'));
  const password = /```([^`]+)```/.exec(passwordBlock ?? '')?.[1]?.trim();
  if (!password || !port) throw new Error(`no credentials in ${text}`);
  return { user, password, port };
}

/** Wait for the app to open the `callbackId` modal about `requestId`, then submit it as `user` with `values`. */
async function submitOpenedModal(user: string, callbackId: string, requestId: string, values: ViewValues) {
  const modal = await w.stub.waitFor(
    'views.open',
    (c) =>
      (c.args.view as { callback_id?: string }).callback_id === callbackId && textOf(c).includes(requestId),
  );
  const privateMetadata = (modal.args.view as { private_metadata: string }).private_metadata;
  return sendViewSubmission(w.app, { userId: user, callbackId, privateMetadata, values });
}

/** Submit the request modal as the requester: READ on this world's target unless overridden. */
function submitRequestModal(fields: { seconds: number; reason: string; breakGlass?: boolean }) {
  return sendViewSubmission(w.app, {
    userId: REQUESTER,
    callbackId: VIEW.request,
    values: {
      target: { [ACTION.pickTarget]: input.select(w.target) },
      tier: { [ACTION.pickTier]: input.radio('READ') },
      duration: { duration: input.select(String(fields.seconds)) },
      reason: { reason: input.text(fields.reason) },
      ticket: { ticket: input.url(null) },
      ...(fields.breakGlass
        ? {
            break_glass: {
              break_glass: {
                type: 'checkboxes',
                selected_options: [
                  { value: 'break_glass', text: { type: 'plain_text', text: 'Break glass' } },
                ],
              },
            },
          }
        : {}),
    },
  });
}

describe('signatures', () => {
  it('refuses a forged signature and a stale timestamp with 401', async () => {
    const body = new URLSearchParams({ command: '/bastion', text: 'help', user_id: REQUESTER }).toString();
    const forged = await signedRequest(
      w.app.url,
      w.app.signingSecret,
      body,
      'application/x-www-form-urlencoded',
      { badSignature: true },
    );
    const stale = await signedRequest(
      w.app.url,
      w.app.signingSecret,
      body,
      'application/x-www-form-urlencoded',
      {
        timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
      },
    );
    const wrongSecret = await signedRequest(
      w.app.url,
      'not-the-secret',
      body,
      'application/x-www-form-urlencoded',
    );
    expect([forged.status, stale.status, wrongSecret.status]).toEqual([401, 401, 401]);
  });
});

describe('requesting', () => {
  it('answers bad input with what was wrong and the usage, ephemerally', async () => {
    const sent = await sendSlashCommand(w.app, {
      userId: REQUESTER,
      text: `request ${w.target} WRITE 10m x`,
      responseUrl: responseUrl(),
    });
    expect(sent.status).toBe(200);
    expect(JSON.stringify(sent.body)).toMatch(/WRITE/);
    expect(JSON.stringify(sent.body)).toMatch(/\/bastion request/);
    expect(sent.body).toMatchObject({ response_type: 'ephemeral' });
  });

  it('refuses a requester whose Slack profile has no e-mail', async () => {
    const { reply } = await slash(NO_EMAIL, `request ${w.target} READ 10m look`);
    expect(await reply()).toMatch(/e-mail/);
  });

  it('/bastion opens the request modal; choosing a tier limits the durations; submitting it posts the approval message', async () => {
    const triggerId = `trig-${Date.now()}`;
    await sendSlashCommand(w.app, { userId: REQUESTER, text: '', responseUrl: responseUrl(), triggerId });
    const opened = await w.stub.waitFor('views.open', (c) => c.args.trigger_id === triggerId);
    expect((opened.args.view as { callback_id: string }).callback_id).toBe(VIEW.request);

    // Picking DDL (maximum 4h in the example config) re-renders the durations: none beyond 4h.
    const openedView = opened.response?.view as { id: string; hash: string } | undefined;
    const viewId = String(openedView?.id);
    await sendSelectAction(w.app, {
      userId: REQUESTER,
      actionId: ACTION.pickTier,
      blockId: 'tier',
      kind: 'radio_buttons',
      selected: { value: 'DDL' },
      viewId,
      hash: String(openedView?.hash),
      values: {
        target: { [ACTION.pickTarget]: input.select(w.target) },
        tier: { [ACTION.pickTier]: input.radio('DDL') },
      },
    });
    const rerendered = await w.stub.waitFor('views.update', (c) => c.args.view_id === viewId);
    const durations =
      JSON.stringify(rerendered.args.view)
        .match(/"value":"(\d+)"/g)
        ?.map((v) => Number(v.replace(/\D/g, ''))) ?? [];
    expect(durations.length).toBeGreaterThan(0);
    expect(Math.max(...durations)).toBeLessThanOrEqual(4 * 3600);

    const submitted = await submitRequestModal({ seconds: 1800, reason: 'check the refund job' });
    expect(submitted.status).toBe(200);
    const message = await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && textOf(c).includes('check the refund job'),
    );
    expect([...buttons(message).keys()].sort()).toEqual([ACTION.approve, ACTION.deny].sort());
    expect(textOf(message)).toContain(`<@${REQUESTER}>`);
  });

  it('a modal asking beyond the tier maximum gets the error on the duration field', async () => {
    const result = await submitRequestModal({ seconds: 9 * 3600, reason: 'too long' });
    expect(result.body).toMatchObject({
      response_action: 'errors',
      errors: { duration: expect.any(String) },
    });
  });
});

describe('approving', () => {
  it('refuses a non-approver and the requester with an ephemeral explanation, changing nothing', async () => {
    const id = await requestAccess();
    const message = await approvalPost(id);
    const outsider = await click(OUTSIDER, message, ACTION.approve);
    const self = await click(REQUESTER, message, ACTION.approve);
    expect(JSON.stringify((await w.stub.waitForResponse(outsider.id)).body)).toMatch(/not an approver/);
    expect(JSON.stringify((await w.stub.waitForResponse(self.id)).body)).toMatch(/own request/);
    expect((await w.server.useCases.get(id))?.state).toBe('requested');
  });

  it('deny asks for a reason, then the message loses its buttons and the requester is told', async () => {
    const id = await requestAccess();
    const message = await approvalPost(id);
    const { sent } = await click(APPROVER_2, message, ACTION.deny);
    expect(sent.status).toBe(200);
    await submitOpenedModal(APPROVER_2, VIEW.denyReason, id, {
      [DENY_INPUT.block]: { [DENY_INPUT.action]: input.text('use the staging replica') },
    });
    const updated = await w.stub.waitFor(
      'chat.update',
      (c) => c.args.ts === message.response?.ts && textOf(c).includes('staging replica'),
    );
    expect(buttons(updated).has(ACTION.approve)).toBe(false);
    await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === REQUESTER && textOf(c).includes('staging replica'),
    );
    expect((await w.server.useCases.get(id))?.state).toBe('denied');
  });

  it('quorum: DDL needs two approvals and shows "1 of 2" in between', async () => {
    const id = await requestAccess('DDL', '10m');
    const message = await approvalPost(id);
    await click(APPROVER_1, message, ACTION.approve);
    const partial = await w.stub.waitFor(
      'chat.update',
      (c) => c.args.ts === message.response?.ts && /1 of 2/.test(textOf(c)),
    );
    expect(buttons(partial).has(ACTION.approve)).toBe(true);
    await click(APPROVER_2, message, ACTION.approve);
    await accessDm(id);
    expect((await w.server.useCases.get(id))?.approvals.map((a) => a.by).sort()).toEqual([
      APPROVER_1,
      APPROVER_2,
    ]);
  });

  it('an undecided request expires and its buttons go', async () => {
    const id = await requestAccess('DML', '10m'); // DML's approval timeout is 2 s in this world
    const message = await approvalPost(id);
    const expired = await w.stub.waitFor(
      'chat.update',
      (c) => c.args.ts === message.response?.ts && /expired/i.test(textOf(c)),
      10_000,
    );
    expect(buttons(expired).size).toBe(0);
    expect((await w.server.useCases.get(id))?.state).toBe('expired');
  });

  it('a double click and a retried delivery approve once', async () => {
    const id = await requestAccess();
    const message = await approvalPost(id);
    await Promise.all([
      click(APPROVER_1, message, ACTION.approve),
      click(APPROVER_2, message, ACTION.approve),
    ]);
    await accessDm(id);
    const request = await w.server.useCases.get(id);
    expect(request?.events.filter((e) => e.type === 'approved')).toHaveLength(1);
    expect(
      w.stub.callsTo('chat.postMessage').filter((c) => buttons(c).get(ACTION.showCredentials)?.value === id),
    ).toHaveLength(1);
  });
});

describe('break-glass', () => {
  it('self-approved with a justification, approvers told at once, an approver records the review', async () => {
    await submitRequestModal({
      seconds: 1800,
      reason: 'checkout is down, INC-4711, nobody answers the pager',
      breakGlass: true,
    });
    const alert = await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && textOf(c).includes('INC-4711') && buttons(c).has(ACTION.review),
    );
    const id = buttons(alert).get(ACTION.review)?.value as string;
    expect(buttons(alert).has(ACTION.approve)).toBe(false);
    await accessDm(id);
    const self = await click(REQUESTER, alert, ACTION.review);
    expect(JSON.stringify((await w.stub.waitForResponse(self.id)).body)).toMatch(/own/);
    await click(APPROVER_1, alert, ACTION.review);
    const reviewed = await w.stub.waitFor(
      'chat.update',
      (c) => c.args.ts === alert.response?.ts && !buttons(c).has(ACTION.review) && /review/i.test(textOf(c)),
    );
    expect(textOf(reviewed)).toContain(APPROVER_1);
    expect((await w.server.useCases.get(id))?.breakGlass?.reviewedBy).toBe(APPROVER_1);
  });
});

describe('connecting, extending, ending', () => {
  it('happy path: approval → progress in place → DM → Show credentials → a real session through the bastion', async () => {
    const { id, dm } = await activeRequest();
    const message = await approvalPost(id);
    const active = await w.stub.waitFor(
      'chat.update',
      (c) => c.args.ts === message.response?.ts && /active/i.test(textOf(c)),
    );
    expect(buttons(active).has(ACTION.approve)).toBe(false);
    expect(textOf(dm)).toMatch(/mysql -h 127\.0\.0\.1 -P \d+ -u ada_lovelace -p/);

    const creds = await showCredentials(dm);
    const session = await connectAs({
      host: '127.0.0.1',
      port: creds.port,
      user: creds.user,
      password: creds.password,
      database: w.schema,
    });
    const [rows] = await session.query('SELECT COUNT(*) AS n FROM orders');
    expect((rows as { n: number }[])[0]?.n).toBe(3);
    await expect(session.query('SELECT * FROM secret_keys')).rejects.toThrow(/denied/);
    await session.end();
  });

  it('End now cuts a live connection and tells the requester and the approval thread what was removed', async () => {
    const { id, dm } = await activeRequest();
    const creds = await showCredentials(dm);
    const session = await connectAs({
      host: '127.0.0.1',
      port: creds.port,
      user: creds.user,
      password: creds.password,
      database: w.schema,
    });
    await session.query('SELECT 1');
    await click(REQUESTER, dm, ACTION.endNow);
    await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === REQUESTER && /ended/i.test(textOf(c)) && textOf(c).includes(id),
      10_000,
    );
    await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && Boolean(c.args.thread_ts) && /removed/i.test(textOf(c)),
    );
    await expect(session.query('SELECT 1')).rejects.toThrow();
    session.destroy();
    expect((await w.server.useCases.get(id))?.state).toBe('ended');
  });

  it('the warning offers Extend; the approvers are asked in the thread and their approval moves the expiry', async () => {
    const { id } = await activeRequest();
    const before = (await w.server.useCases.get(id))?.expiresAt as string;
    await handleJob(w.server.local.deps, { requestId: id, kind: 'warn' }); // what the scheduler does 10 min before expiry
    const warning = await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === REQUESTER && buttons(c).get(ACTION.extend)?.value === id,
    );
    expect(buttons(warning).has(ACTION.endNow)).toBe(true);
    await click(REQUESTER, warning, ACTION.extend);
    await submitOpenedModal(REQUESTER, VIEW.extend, id, {
      [EXTEND_INPUT.block]: { [EXTEND_INPUT.action]: input.select('1800') },
    });
    const ask = await w.stub.waitFor(
      'chat.postMessage',
      (c) => Boolean(c.args.thread_ts) && buttons(c).get(ACTION.approveExtension)?.value === id,
    );
    await click(APPROVER_2, ask, ACTION.approveExtension);
    await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === REQUESTER && /Extension of 30 minutes approved/.test(textOf(c)),
    );
    const after = (await w.server.useCases.get(id))?.expiresAt as string;
    expect(new Date(after).getTime() - new Date(before).getTime()).toBe(1800_000);
    const teardown = w.server.local.scheduler
      .pending()
      .find((j) => j.requestId === id && j.kind === 'teardown');
    expect(teardown?.at.toISOString()).toBe(after);
  });
});

describe('Slack behaviour', () => {
  it('App Home shows the requester their requests and an approver the queue waiting on them', async () => {
    const id = await requestAccess();
    await sendEvent(w.app, {
      type: 'app_home_opened',
      user: APPROVER_1,
      channel: `D${APPROVER_1}`,
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    });
    const home = await w.stub.waitFor(
      'views.publish',
      (c) => c.args.user_id === APPROVER_1 && textOf(c).includes(id),
    );
    expect(buttons(home).get(ACTION.approve)?.value).toBe(id);
    await sendEvent(w.app, {
      type: 'app_home_opened',
      user: REQUESTER,
      channel: `D${REQUESTER}`,
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    });
    await w.stub.waitFor('views.publish', (c) => c.args.user_id === REQUESTER && textOf(c).includes(id));
  });

  it('a redelivered event (X-Slack-Retry-Num) is acknowledged and not processed twice', async () => {
    const event = {
      type: 'app_home_opened',
      user: APPROVER_2,
      channel: `D${APPROVER_2}`,
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    };
    const publishesFor = (user: string) =>
      w.stub.callsTo('views.publish').filter((c) => c.args.user_id === user);
    const before = publishesFor(APPROVER_2).length;
    const first = await sendEvent(w.app, event, { eventId: 'Ev0SAME' });
    await w.stub.waitFor(
      'views.publish',
      (c) => c.args.user_id === APPROVER_2 && publishesFor(APPROVER_2).indexOf(c) >= before,
    );
    const retry = await sendEvent(w.app, event, {
      eventId: 'Ev0SAME',
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    // A barrier instead of a sleep: a fresh event sent after the redelivery was acked is fully processed (its
    // Home published) long after the redelivery's middleware decided; by then a second publish would show.
    const barrierBefore = publishesFor(APPROVER_1).length;
    await sendEvent(
      w.app,
      { ...event, user: APPROVER_1, channel: `D${APPROVER_1}` },
      { eventId: 'Ev0BARRIER' },
    );
    await w.stub.waitFor(
      'views.publish',
      (c) => c.args.user_id === APPROVER_1 && publishesFor(APPROVER_1).indexOf(c) >= barrierBefore,
    );
    expect(publishesFor(APPROVER_2)).toHaveLength(before + 1);
  });

  it('a 429 from chat.postMessage is retried after Retry-After and the message still arrives', async () => {
    const before = w.stub.callsTo('chat.postMessage').length;
    w.stub.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const id = await requestAccess();
    const posted = await approvalPost(id);
    expect(posted.status).toBe(200);
    // The 429 goes to whichever message is posted next (a retried notice of an earlier test may be first):
    // that same message is sent again after Retry-After and arrives.
    const calls = w.stub.callsTo('chat.postMessage').slice(before);
    const refused = calls.find((c) => c.status === 429);
    expect(refused).toBeDefined();
    const retried = calls.filter((c) => c.status === 200 && textOf(c) === textOf(refused as SlackCall));
    expect(retried.length).toBeGreaterThanOrEqual(1);
    // And the approval message went out once: no retry beside an attempt still in flight.
    const approvals = w.stub
      .callsTo('chat.postMessage')
      .filter(
        (c) => c.status === 200 && textOf(c).includes(id) && c.args.channel === CHANNEL && !c.args.thread_ts,
      );
    expect(approvals).toHaveLength(1);
  });

  it('no password in any chat.postMessage / chat.update payload or log line', async () => {
    const { dm } = await activeRequest();
    const shown = await showCredentials(dm);
    const again = await showCredentials(dm);
    expect(again.password).not.toBe(shown.password);
    const persistent = w.stub.calls
      .filter((c) => c.method.startsWith('chat.'))
      .map(textOf)
      .join('\n');
    const logs = w.logger.lines.join('\n');
    for (const password of [shown.password, again.password]) {
      expect(persistent).not.toContain(password);
      expect(logs).not.toContain(password);
    }
  });
});

describe('runs through Slack', () => {
  const runValues = (sql: string) => ({
    [RUN_INPUT.target.block]: { [RUN_INPUT.target.action]: input.select(`${w.target}|READ`) },
    [RUN_INPUT.sql.block]: { [RUN_INPUT.sql.action]: input.text(sql) },
    [RUN_INPUT.schema.block]: { [RUN_INPUT.schema.action]: input.text(null) },
    [RUN_INPUT.reason.block]: { [RUN_INPUT.reason.action]: input.text('list the orders') },
    [RUN_INPUT.ticket.block]: { [RUN_INPUT.ticket.action]: input.url(null) },
    [RUN_INPUT.expectedRows.block]: {
      [RUN_INPUT.expectedRows.action]: { type: 'number_input', value: null },
    },
    [RUN_INPUT.format.block]: { [RUN_INPUT.format.action]: input.select('csv') },
  });

  it('/bastion run opens the run form; a protected table is refused on the SQL field; an approved SELECT arrives as a CSV file in the DM', async () => {
    await slash(REQUESTER, 'run');
    await w.stub.waitFor(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === VIEW.run,
    );

    const refused = await sendViewSubmission(w.app, {
      userId: REQUESTER,
      callbackId: VIEW.run,
      values: runValues('SELECT * FROM orders o JOIN secret_keys s ON s.id = o.id'),
    });
    expect(refused.body).toMatchObject({
      response_action: 'errors',
      errors: { [RUN_INPUT.sql.block]: expect.stringContaining('`secret_keys` is a protected table') },
    });

    const before = w.stub.calls.length;
    const sent = await sendViewSubmission(w.app, {
      userId: REQUESTER,
      callbackId: VIEW.run,
      values: runValues('SELECT id FROM orders ORDER BY id'),
    });
    expect(sent.status).toBe(200);
    const dm = await w.stub.waitFor(
      'chat.postMessage',
      (c) =>
        w.stub.calls.indexOf(c) >= before && c.args.channel === REQUESTER && textOf(c).includes('Run `r-'),
    );
    const id = /r-[a-z2-9]{10}/.exec(textOf(dm))?.[0] as string;
    const post = await approvalPost(id);
    expect(textOf(post)).toContain('SELECT id FROM orders ORDER BY id');
    expect(textOf(post)).toMatch(/sha256 `[0-9a-f]{64}`/);

    await click(APPROVER_1, post, ACTION.approve);
    const complete = await w.stub.waitFor('files.completeUploadExternal', () => true, 15_000);
    expect(complete.status).toBe(200);
    const upload = w.stub.uploads().find((u) => u.filename === `${id}.csv`);
    expect(upload?.bytes?.toString('utf8')).toBe('id\r\n1\r\n2\r\n3\r\n');
    expect(upload?.shared?.channel).toMatch(/^D/);
    await w.stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === REQUESTER && textOf(c).includes('exported'),
    );
  }, 30_000);
});

describe('slack-manifest.yaml', () => {
  /** The bot scope each Web API method needs (Slack's method docs). */
  const SCOPE_OF: Record<string, string | null> = {
    'auth.test': null,
    'chat.postMessage': 'chat:write',
    'chat.update': 'chat:write',
    'chat.postEphemeral': 'chat:write',
    'users.info': 'users:read',
    'usergroups.list': 'usergroups:read',
    'views.open': null,
    'views.update': null,
    'views.publish': null,
    'files.getUploadURLExternal': 'files:write',
    'files.completeUploadExternal': 'files:write',
  };

  it('grants exactly the scopes of the Web API methods the app called in these tests, and registers the command', async () => {
    const manifest = parseYaml(readFileSync('slack-manifest.yaml', 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
      features: { slash_commands: { command: string }[]; app_home: { home_tab_enabled: boolean } };
      settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
    };
    const granted = new Set(manifest.oauth_config.scopes.bot);
    const methods = [...new Set(w.stub.calls.map((c) => c.method))];
    for (const method of methods) {
      expect(SCOPE_OF, `unknown method ${method}: add its scope to the table`).toHaveProperty([method]);
      const scope = SCOPE_OF[method];
      if (scope) expect(granted.has(scope), `${method} needs ${scope}`).toBe(true);
    }
    // Reading e-mails needs users:read.email besides users:read; the slash command needs `commands`.
    const needed = new Set([
      ...methods.map((m) => SCOPE_OF[m]).filter((s): s is string => Boolean(s)),
      'users:read.email',
      'commands',
    ]);
    expect([...granted].sort()).toEqual([...needed].sort());
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/bastion']);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
