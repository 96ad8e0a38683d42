/**
 * The `drawbridge` command as a user runs it: child processes of bin/drawbridge.js. `--help` never acts,
 * bad options show the usage, and `audit` / `sweep` beside a running `serve` read through it and ask it,
 * changing nothing themselves.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { roleNameFor } from '../../src/adapters/mysql/index.js';
import { TIERS } from '../../src/domain/types.js';
import { type ChildServe, startChildServe } from '../support/child-serve.js';
import { localTestConfig } from '../support/local-config.js';
import { createAdminPool } from '../support/mysql-admin.js';
import { sendSlashCommand } from '../support/slack-signer.js';
import { type SlackStub, startSlackStub } from '../support/slack-stub.js';

const SCHEMA = `dbt_cli_${process.pid}`;
const TARGET = `cli${process.pid}`.slice(0, 20);
const SECRET = 'cli-signing-secret';
const dir = mkdtempSync(join(tmpdir(), 'drawbridge-cli-'));
const configFile = join(dir, 'drawbridge.yaml');
const admin = createAdminPool({ multipleStatements: true });

function writeConfig(options: { storePath?: string; port?: number }) {
  const config = localTestConfig({
    target: TARGET,
    schema: SCHEMA,
    sourceNetwork: '127.84.0.0/16',
    storePath: options.storePath,
  });
  const target = config.targets[0]!;
  // The YAML a user would write (not the parsed form): the parts these tests need.
  const yaml = {
    store: options.storePath ? { kind: 'dynalite', path: options.storePath } : { kind: 'dynalite' },
    bastion: { kind: 'local', sourceNetwork: '127.84.0.0/16' },
    targets: [
      {
        name: TARGET,
        database: {
          host: target.database.host,
          port: options.port ?? target.database.port,
          adminUser: target.database.adminUser,
          adminPassword: target.database.adminPassword,
        },
        schemas: [SCHEMA],
        protectedTables: ['secret_*'],
        approvalChannel: 'C0APPROVALS',
        defaults: { approvers: ['U0APPROVER1'] },
        tiers: { READ: {} },
      },
    ],
  };
  writeFileSync(configFile, stringify(yaml));
}

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/drawbridge.js', ...args],
      { env: { ...process.env, DRAWBRIDGE_CONFIG: configFile, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.orders (id INT PRIMARY KEY);`);
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('every verb answers --help without acting', () => {
  it.each(['serve', 'demo', 'doctor', 'sweep', 'audit'])('%s --help', async (verb) => {
    // A database nobody listens on: a verb that acted would fail or report it.
    writeConfig({ port: 1 });
    const { code, stdout, stderr } = await cli([verb, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: drawbridge ${verb}`));
    expect(stderr).toBe('');
  });

  it('an unknown option shows the verb usage and exits 2', async () => {
    writeConfig({});
    const { code, stderr } = await cli(['audit', '--jsno']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--jsno'");
    expect(stderr).toContain('usage: drawbridge audit');
  });

  it('audit --request with an unknown id exits 3; a malformed id or filter is a usage error (2) that says why', async () => {
    writeConfig({ storePath: join(dir, 'store-unknown') });
    const { code, stdout } = await cli(['audit', '--request', 'r-nnnnnnnnnn', '--json']);
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toEqual([]);
    const malformed = await cli(['audit', '--request', 'r-nonexisten']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--request: not a Drawbridge request id');
    const filters = await cli(['audit', '--tier', 'ADMIN', '--since', 'yesterday', '--format', 'xml']);
    expect(filters.code).toBe(2);
    expect(filters.stderr).toContain('--tier: "ADMIN" is not a tier; expected one of READ, DML, DDL');
    expect(filters.stderr).toContain('--since: "yesterday" is neither a date');
    expect(filters.stderr).toContain(
      '--format: "xml" is not a format; expected one of table, csv, json, jsonl',
    );
  });
});

describe('serve behaves like a server', () => {
  it('exits non-zero, naming a network error as one, when Slack cannot be reached at start', async () => {
    writeConfig({});
    const { code, stderr } = await cli(['serve'], {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-cli',
      SLACK_API_URL: 'http://127.0.0.1:1/api/',
      PORT: '0',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Slack could not be reached (network error');
    expect(stderr).not.toContain('bot token was refused');
  }, 30_000);
});

describe('beside a running serve (on-disk store)', () => {
  let stub: SlackStub;
  let serve: ChildServe | undefined;

  beforeAll(async () => {
    stub = await startSlackStub();
    stub.users.register({ id: 'U0REQ', name: 'Ada', email: 'ada@example.com' });
    stub.users.register({ id: 'U0APPROVER1', name: 'Grace', email: 'grace@example.com' });
    writeConfig({ storePath: join(dir, 'store-shared') });
    serve = await startChildServe({
      DRAWBRIDGE_CONFIG: configFile,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-cli',
      SLACK_API_URL: stub.url,
    });
  }, 60_000);

  afterAll(async () => {
    await serve?.stop();
    await stub.close();
  });

  it('audit --json reads through it, changes nothing and prints pure JSON; sweep asks it to sweep', async () => {
    const responseUrl = stub.responseUrl('cli-submit');
    await sendSlashCommand(
      { url: serve?.url ?? '', signingSecret: SECRET },
      { userId: 'U0REQ', text: `request ${TARGET} READ 10m check the cli`, responseUrl },
    );
    const reply = JSON.stringify((await stub.waitForResponse('cli-submit')).body);
    const id = /r-[a-z2-9]{10}/.exec(reply)?.[0];
    expect(id).toBeDefined();

    const audit = await cli(['audit', '--json']);
    expect(audit.code).toBe(0);
    const entries = JSON.parse(audit.stdout) as { request: { id: string; state: string; version: number } }[];
    expect(entries.map((e) => [e.request.id, e.request.state])).toEqual([[id, 'requested']]);
    const again = await cli(['audit', '--json', '--request', id as string]);
    expect(JSON.parse(again.stdout)[0].request.version).toBe(entries[0]?.request.version);

    const swept = await cli(['sweep']);
    expect(swept.code).toBe(0);
    expect(JSON.parse(swept.stdout)).toEqual({ askedServe: serve?.process.pid });
    expect(serve?.process.exitCode).toBeNull();
  }, 60_000);
});
