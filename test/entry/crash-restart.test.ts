/**
 * kill -9 of a child `drawbridge serve` (on-disk store, real MariaDB, Slack stub), then a restart: an
 * acknowledged click is never lost, and whatever was in flight ends in a true terminal state with nothing
 * left behind and the people told.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { roleNameFor } from '../../src/adapters/mysql/index.js';
import { TIERS } from '../../src/domain/types.js';
import { ACTION } from '../../src/slack/ids.js';
import { buttons, textOf } from '../slack/e2e-world.js';
import { type ChildServe, startChildServe } from '../support/child-serve.js';
import { createAdminPool, mysqlTestServer } from '../support/mysql-admin.js';
import { sendBlockAction, sendSlashCommand } from '../support/slack-signer.js';
import { type SlackStub, startSlackStub } from '../support/slack-stub.js';

const SCHEMA = `dbt_crash_${process.pid}`;
const TARGET = `crash${process.pid}`.slice(0, 20);
const SECRET = 'crash-signing-secret';
const CHANNEL = 'C0APPROVALS';
const dir = mkdtempSync(join(tmpdir(), 'drawbridge-crash-'));
const configFile = join(dir, 'drawbridge.yaml');
const admin = createAdminPool({ multipleStatements: true });
let stub: SlackStub;
let serve: ChildServe | undefined;
let app = { url: '', signingSecret: SECRET };

async function start(): Promise<void> {
  serve = await startChildServe({
    DRAWBRIDGE_CONFIG: configFile,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-crash',
    SLACK_API_URL: stub.url,
  });
  app = { url: serve.url, signingSecret: SECRET };
}

const kill9 = async () => serve?.kill9();
const stop = async () => serve?.stop();

const accountsOf = async (user: string) => {
  const [rows] = await admin.query('SELECT Host AS h FROM mysql.user WHERE User = ?', [user]);
  return (rows as { h: string }[]).map((r) => r.h);
};

let requests = 0;
async function request(): Promise<string> {
  const id = `crash-${++requests}`;
  await sendSlashCommand(app, {
    userId: 'U0REQ',
    text: `request ${TARGET} READ 30m crash test ${requests}`,
    responseUrl: stub.responseUrl(id),
  });
  const found = /r-[a-z2-9]{10}/.exec(JSON.stringify((await stub.waitForResponse(id)).body))?.[0];
  if (!found) throw new Error('no request id');
  return found;
}

async function click(
  requestId: string,
  actionId: string,
  user: string,
  message: { ts: string; channel: string },
) {
  return sendBlockAction(app, {
    userId: user,
    actionId,
    value: requestId,
    channelId: message.channel,
    messageTs: message.ts,
    responseUrl: stub.responseUrl(`${actionId}-${requestId}`),
  });
}

interface Audited {
  state: string;
  account?: { user: string; host: string };
}

/** The request as the server records it, read with `drawbridge audit` (through the running serve). */
async function audited(requestId: string): Promise<Audited | undefined> {
  const out = await new Promise<string>((resolve) =>
    execFile(
      process.execPath,
      ['bin/drawbridge.js', 'audit', '--json', '--request', requestId],
      { env: { ...process.env, DRAWBRIDGE_CONFIG: configFile } },
      (_e, stdout) => resolve(stdout),
    ),
  );
  return (JSON.parse(out || '[]') as { request: Audited }[])[0]?.request;
}

async function stateAfterRestart(requestId: string, wanted: (state: string) => boolean): Promise<string> {
  const deadline = Date.now() + 90_000;
  let state = 'missing';
  while (Date.now() < deadline) {
    state = (await audited(requestId))?.state ?? 'missing';
    if (wanted(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`request ${requestId} never reached the expected state: still ${state}`);
}

const accountExists = async (account: { user: string; host: string } | undefined) =>
  account !== undefined && (await accountsOf(account.user)).includes(account.host);

beforeAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.orders (id INT PRIMARY KEY);`);
  stub = await startSlackStub();
  stub.users.register({ id: 'U0REQ', name: 'Ada', email: 'crash.ada@example.com' });
  stub.users.register({ id: 'U0APPROVER1', name: 'Grace', email: 'grace@example.com' });
  const { tcp, admin: login } = mysqlTestServer();
  writeFileSync(
    configFile,
    stringify({
      store: { kind: 'dynalite', path: join(dir, 'store') },
      bastion: { kind: 'local', sourceNetwork: '127.86.0.0/16' },
      targets: [
        {
          name: TARGET,
          database: { ...tcp, adminUser: login.user ?? 'root', adminPassword: String(login.password ?? '') },
          schemas: [SCHEMA],
          protectedTables: ['secret_*'],
          approvalChannel: CHANNEL,
          defaults: { approvers: ['U0APPROVER1'] },
          tiers: { READ: {} },
        },
      ],
    }),
  );
  await start();
}, 60_000);

afterAll(async () => {
  await stop();
  await stub.close();
  // Access the first scenario may have left active when the server stopped: leave the shared server as found.
  for (const host of await accountsOf('crash_ada')) await admin.query('DROP USER ?@?', ['crash_ada', host]);
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 and restart', () => {
  it('right after an acknowledged Approve: the decision survives, and the request ends in a true state', async () => {
    const id = await request();
    const post = await stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && !c.args.thread_ts && textOf(c).includes(id),
    );
    const ref = { ts: String(post.response?.ts), channel: CHANNEL };
    const acked = await click(id, ACTION.approve, 'U0APPROVER1', ref);
    expect(acked.status).toBe(200);
    await kill9();
    await start();

    // Provisioning started before the kill cannot be resumed with a bastion that died: it fails and is
    // compensated; one that had not started runs now. Never `requested` again, never a dead "ready".
    const state = await stateAfterRestart(id, (s) => s === 'active' || s === 'failed');
    const dms = stub.callsTo('chat.postMessage').filter((c) => String(c.args.channel) === 'U0REQ');
    if (state === 'active') {
      expect(dms.some((c) => buttons(c).get(ACTION.showCredentials)?.value === id)).toBe(true);
    } else {
      expect(dms.some((c) => textOf(c).includes('could not be set up'))).toBe(true);
      expect(await accountExists((await audited(id))?.account)).toBe(false);
    }
  }, 150_000);

  it('right after an acknowledged End now: the restarted server finishes the teardown', async () => {
    const id = await request();
    const post = await stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && !c.args.thread_ts && textOf(c).includes(id),
    );
    await click(id, ACTION.approve, 'U0APPROVER1', { ts: String(post.response?.ts), channel: CHANNEL });
    const dm = await stub.waitFor(
      'chat.postMessage',
      (c) => String(c.args.channel) === 'U0REQ' && buttons(c).get(ACTION.showCredentials)?.value === id,
      15_000,
    );
    const account = (await audited(id))?.account;
    expect(await accountExists(account)).toBe(true);
    const acked = await click(id, ACTION.endNow, 'U0REQ', {
      ts: String(dm.response?.ts),
      channel: String(dm.response?.channel),
    });
    expect(acked.status).toBe(200);
    await kill9();
    await start();

    expect(await stateAfterRestart(id, (s) => s === 'ended')).toBe('ended');
    expect(await accountExists(account)).toBe(false);
    const told = await stub.waitFor(
      'chat.postMessage',
      (c) => String(c.args.channel) === 'U0REQ' && textOf(c).includes('has ended'),
      15_000,
    );
    expect(told.status).toBe(200);
  }, 150_000);
});
