// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` references in config values are what these tests are about.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type DrawbridgeConfig, loadConfig, parseConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/domain/errors.js';

const EXAMPLE_PATH = new URL('../../drawbridge.example.yaml', import.meta.url);

/** The smallest valid config; tests add the key they are about. */
function minimal(overrides: Record<string, unknown> = {}, target: Record<string, unknown> = {}) {
  return {
    targets: [
      {
        name: 'demo',
        database: { adminUser: 'root' },
        schemas: ['drawbridge_demo'],
        defaults: { approvers: ['U0APPROVER1', 'U0APPROVER2'] },
        tiers: { READ: {} },
        ...target,
      },
    ],
    ...overrides,
  };
}

function parse(value: unknown, env: Record<string, string> = {}) {
  return parseConfig(stringify(value), 'test.yaml', env);
}

function parsed(value: unknown, env: Record<string, string> = {}): DrawbridgeConfig {
  const result = parse(value, env);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.error.message}`);
  return result.value;
}

function problems(value: unknown, env: Record<string, string> = {}): string[] {
  const result = parse(value, env);
  if (result.ok) throw new Error('expected an invalid config');
  expect(result.error.code).toBe('invalid_config');
  return result.error.message.split('\n');
}

describe('the example config', () => {
  it('parses as it is, into what the demo needs', async () => {
    const result = parseConfig(await readFile(EXAMPLE_PATH, 'utf8'), 'drawbridge.example.yaml', {});
    if (!result.ok) throw new Error(result.error.message);
    const config = result.value;
    expect(config.mode).toBe('local');
    expect(config.bastion).toEqual({ kind: 'local', sourceNetwork: '127.77.0.0/16', prefixLength: 16 });
    expect(config.lifecycle).toEqual({
      warnBeforeSeconds: 600,
      provisioningTimeoutSeconds: 300,
      deadManGraceSeconds: 900,
    });
    expect(config.directory.users.map((u) => u.id)).toEqual(['U0REQUESTER', 'U0APPROVER1', 'U0APPROVER2']);
    expect(config.directory.users[0]!.email).toBe('ada.lovelace@example.com');
    expect(config.directory.users.filter((u) => u.groups.includes('S0DBAS')).map((u) => u.id)).toEqual([
      'U0APPROVER1',
      'U0APPROVER2',
    ]);
    const [demo] = config.targets;
    expect(demo!.database).toEqual({
      host: '127.0.0.1',
      port: 3306,
      adminUser: 'root',
      adminPassword: '',
      tls: false,
    });
    expect(demo!.schemas).toEqual(['drawbridge_demo']);
    expect(demo!.protectedTables).toEqual(['secret_*']);
    const tiers = demo!.policy.tiers;
    expect(tiers.READ!.approvalsRequired).toBe(1);
    expect(tiers.DML!.approvalsRequired).toBe(1);
    expect(tiers.DDL!.approvalsRequired).toBe(2);
    expect(tiers.READ!.privileges).toEqual(['SELECT', 'SHOW VIEW']);
    expect(tiers.DDL!.privileges).toContain('CREATE VIEW');
    expect(tiers.READ!.maxDurationSeconds).toBe(4 * 3_600);
  });

  it('takes the admin password from the environment when it is set', async () => {
    const result = parseConfig(await readFile(EXAMPLE_PATH, 'utf8'), 'example', {
      DRAWBRIDGE_DB_PASSWORD: 's3cret',
    });
    expect(result.ok && result.value.targets[0]!.database.adminPassword).toBe('s3cret');
  });

  it('loads from disk with loadConfig', async () => {
    const config = await loadConfig(fileURLToPath(EXAMPLE_PATH), {});
    expect(config.targets.map((t) => t.name)).toEqual(['demo']);
  });
});

describe('defaults and inheritance', () => {
  it('fills every default', () => {
    const config = parsed(minimal());
    expect(config.store).toEqual({ kind: 'dynalite' });
    expect(config.scheduler).toEqual({ kind: 'local' });
    expect(config.queue).toEqual({ kind: 'in-process' });
    expect(config.aws).toBeUndefined();
    expect(config.slack).toEqual({ command: '/bastion' });
    expect(config.directory).toEqual({ users: [] });
    const target = config.targets[0]!;
    expect(target).toMatchObject({ description: '', protectedTables: [], grantMode: 'auto', kill: 'kill' });
    expect(target.database).toEqual({
      host: '127.0.0.1',
      port: 3306,
      adminUser: 'root',
      adminPassword: '',
      tls: false,
    });
    expect(target.policy).toEqual({
      name: 'demo',
      breakGlass: undefined,
      userPrefix: '',
      requesters: { allowGuests: false, allowExternal: false },
      tiers: {
        READ: {
          approvers: ['U0APPROVER1', 'U0APPROVER2'],
          approvalsRequired: 1,
          maxDurationSeconds: 3_600,
          approvalTimeoutSeconds: 1_800,
          requireReason: true,
          requireTicket: false,
          autoApprove: false,
          extension: { maxCount: 2, maxTotalSeconds: 7_200, autoApprove: false },
          privileges: ['SELECT', 'SHOW VIEW'],
          limits: { maxPending: 3, maxLive: 2, maxPerHour: 10 },
          runs: { statementTimeoutSeconds: 60, maxRows: 1_000_000, maxBytes: 200 * 2 ** 20 },
        },
      },
      schemas: ['drawbridge_demo'],
      protectedTables: [],
    });
  });

  it('break-glass names who may use it; caps and requesters are read per target and tier', () => {
    const config = parsed(
      minimal(
        {},
        {
          breakGlass: { allowed: ['U0ONCALL', 'S0SRE'] },
          requesters: { allowGuests: true },
          userPrefix: 'dbx_',
          defaults: { approvers: ['S0DBAS'], limits: { maxLive: 1 } },
          tiers: { READ: { limits: { maxPerHour: 5 } }, DDL: { approvalsRequired: 1 } },
        },
      ),
    );
    const { policy } = config.targets[0]!;
    expect(policy.breakGlass).toEqual({ allowed: ['U0ONCALL', 'S0SRE'], minJustification: 20 });
    expect(policy.requesters).toEqual({ allowGuests: true, allowExternal: false });
    expect(policy.userPrefix).toBe('dbx_');
    expect(policy.tiers.READ?.limits).toEqual({ maxPending: 3, maxLive: 1, maxPerHour: 5 });
    expect(policy.tiers.DDL?.limits).toEqual({ maxPending: 3, maxLive: 1, maxPerHour: 10 });
  });

  it('lets a tier override the target defaults key by key, extension included', () => {
    const config = parsed(
      minimal(
        {},
        {
          defaults: { approvers: ['S0DBAS'], maxDuration: '2h', extension: { maxCount: 1, maxTotal: '1h' } },
          tiers: {
            READ: { autoApprove: true, extension: { autoApprove: true } },
            DDL: {
              approvers: ['U0A1', 'U0A2'],
              approvalsRequired: 2,
              maxDuration: '30m',
              privileges: ['select', 'show  view'],
            },
          },
        },
      ),
    );
    const { READ, DDL, DML } = config.targets[0]!.policy.tiers;
    expect(DML).toBeUndefined();
    expect(READ).toMatchObject({ approvers: ['S0DBAS'], autoApprove: true, maxDurationSeconds: 7_200 });
    expect(READ!.extension).toEqual({ maxCount: 1, maxTotalSeconds: 3_600, autoApprove: true });
    expect(DDL).toMatchObject({
      approvers: ['U0A1', 'U0A2'],
      approvalsRequired: 2,
      maxDurationSeconds: 1_800,
    });
    expect(DDL!.privileges).toEqual(['SELECT', 'SHOW VIEW']);
  });

  it('offers a tier written with nothing after it, with the defaults', () => {
    const config = parseConfig(
      'targets:\n  - name: demo\n    database: { adminUser: root }\n    schemas: [app]\n    defaults: { approvers: [U0A] }\n    tiers:\n      READ:\n',
      'inline.yaml',
    );
    expect(config.ok && config.value.targets[0]!.policy.tiers.READ!.privileges).toEqual([
      'SELECT',
      'SHOW VIEW',
    ]);
  });

  it('reads a dynamodb store and a /24 source network', () => {
    const config = parsed(
      minimal({
        store: { kind: 'dynamodb', table: 'drawbridge', endpoint: 'http://localhost:8000' },
        bastion: { kind: 'local', sourceNetwork: '127.42.7.0/24' },
      }),
    );
    expect(config.store).toEqual({
      kind: 'dynamodb',
      table: 'drawbridge',
      endpoint: 'http://localhost:8000',
    });
    expect(config.bastion).toEqual({ kind: 'local', sourceNetwork: '127.42.7.0/24', prefixLength: 24 });
  });
});

describe('bad configs', () => {
  const target = (extra: Record<string, unknown>) => minimal({}, extra);
  const tier = (DDL: Record<string, unknown>) => target({ tiers: { DDL } });

  it.each<[string, unknown, string]>([
    [
      'a word for a number',
      tier({ approvalsRequired: 'two' }),
      'targets[0].tiers.DDL.approvalsRequired: expected a whole number ≥ 1, got "two"',
    ],
    [
      'zero approvals',
      tier({ approvalsRequired: 0 }),
      'targets[0].tiers.DDL.approvalsRequired: expected a whole number ≥ 1, got 0',
    ],
    [
      'a bare number as duration',
      tier({ maxDuration: 30 }),
      'targets[0].tiers.DDL.maxDuration: invalid duration "30": add a unit',
    ],
    [
      'a spaced duration',
      target({ defaults: { approvers: ['U1A'], approvalTimeout: '1h 30m' } }),
      'targets[0].defaults.approvalTimeout: invalid duration "1h 30m": no spaces',
    ],
    [
      'an unknown privilege',
      tier({ privileges: ['GRANT OPTION'] }),
      'targets[0].tiers.DDL.privileges[0]: expected a table privilege, one of SELECT',
    ],
    ['a misspelt privilege', tier({ privileges: ['SELCT'] }), '(did you mean SELECT?), got "SELCT"'],
    [
      'an e-mail as approver',
      tier({ approvers: ['grace@example.com'] }),
      'targets[0].tiers.DDL.approvers[0]: expected a Slack user id (U… or W…) or user-group id (S…), not an e-mail address',
    ],
    ['a lower-case approver id', tier({ approvers: ['u0abc'] }), '(Slack ids are upper-case), got "u0abc"'],
    [
      'a channel name',
      target({ approvalChannel: '#db-approvals' }),
      'targets[0].approvalChannel: expected a Slack channel id such as C0123ABCD, not a channel name',
    ],
    [
      'a quorum above the approvers',
      tier({ approvers: ['U0A1'], approvalsRequired: 2 }),
      'targets[0].tiers.DDL.approvalsRequired: 2 approvals are required but only 1 approver is listed; list more approvers or lower approvalsRequired',
    ],
    [
      'no approvers',
      target({ defaults: {}, tiers: { READ: {} } }),
      'targets[0].tiers.READ: no approvers: list approvers (Slack user or user-group ids) or set autoApprove: true',
    ],
    ['no tier', target({ tiers: {} }), 'targets[0].tiers: offer at least one tier: READ, DML, DDL'],
    [
      'a misspelt key',
      tier({ aprovers: ['U0A1'] }),
      'targets[0].tiers.DDL.aprovers: unknown key; did you mean "approvers"?',
    ],
    [
      'a lower-case tier',
      target({ tiers: { read: {} } }),
      'targets[0].tiers.read: unknown key; did you mean "READ"?',
    ],
    [
      'an unknown key far from any',
      minimal({ colour: 'blue' }),
      'colour: unknown key; expected one of mode, store, bastion, scheduler, queue, aws, lifecycle, slack, directory, targets',
    ],
    ['an unknown mode', minimal({ mode: 'cloud' }), 'mode: expected one of local, aws, got "cloud"'],
    [
      'an unknown store',
      minimal({ store: { kind: 'sqlite' } }),
      'store.kind: expected one of dynalite, dynamodb, got "sqlite"',
    ],
    [
      'a store without kind',
      minimal({ store: { path: 'x' } }),
      'store.kind: missing; expected one of dynalite, dynamodb',
    ],
    [
      'a dynamodb store without table',
      minimal({ store: { kind: 'dynamodb' } }),
      'store.table: missing; expected a DynamoDB table name',
    ],
    [
      'a non-loopback network',
      minimal({ bastion: { kind: 'local', sourceNetwork: '10.0.0.0/16' } }),
      'bastion.sourceNetwork: expected a loopback /16 or /24 network such as 127.77.0.0/16 (inside 127.0.0.0/8), got "10.0.0.0/16"',
    ],
    [
      'a network holding 127.0.0.1',
      minimal({ bastion: { kind: 'local', sourceNetwork: '127.0.0.0/24' } }),
      'not containing 127.0.0.1',
    ],
    [
      'a host address for a network',
      minimal({ bastion: { kind: 'local', sourceNetwork: '127.77.1.0/16' } }),
      '(the network address, host bits zero)',
    ],
    [
      'a /8 network',
      minimal({ bastion: { kind: 'local', sourceNetwork: '127.0.0.0/8' } }),
      'bastion.sourceNetwork: expected a loopback /16 or /24 network',
    ],
    [
      'a system schema',
      target({ schemas: ['app', 'MySQL'] }),
      'targets[0].schemas[1]: expected an application schema; mysql, sys, information_schema, performance_schema are never granted, got "MySQL"',
    ],
    ['no schema', target({ schemas: [] }), 'targets[0].schemas: expected a list of at least 1 entry'],
    ['a schema as a string', target({ schemas: 'app' }), 'targets[0].schemas: expected a list, got "app"'],
    [
      'a bad target name',
      target({ name: 'Demo DB' }),
      'targets[0].name: expected a name of 1 to 24 characters a-z, 0-9 and -, got "Demo DB"',
    ],
    [
      'a missing admin user',
      target({ database: {} }),
      'targets[0].database.adminUser: missing; expected a MySQL user name such as root',
    ],
    [
      'a port out of range',
      target({ database: { adminUser: 'root', port: 70_000 } }),
      'targets[0].database.port: expected a whole number from 1 to 65535, got 70000',
    ],
    [
      'a yes for a boolean',
      target({ defaults: { requireTicket: 'yes' } }),
      'targets[0].defaults.requireTicket: expected true or false, got "yes"',
    ],
    [
      'break-glass for everybody',
      target({ breakGlass: true }),
      'targets[0].breakGlass: expected the people who may use it, e.g. { allowed: [U0ONCALL, S0SRE], minJustification: 20 }; true alone would let every member self-approve, got true',
    ],
    ['break-glass with nobody on the list', target({ breakGlass: { allowed: [] } }), 'targets[0].breakGlass'],
    [
      'a cap of zero',
      target({ defaults: { limits: { maxLive: 0 } } }),
      'targets[0].defaults.limits.maxLive: expected a whole number from 1 to 20, got 0',
    ],
    [
      'an unknown grant mode',
      target({ grantMode: 'role' }),
      'targets[0].grantMode: expected one of auto, roles, direct (did you mean roles?), got "role"',
    ],
    [
      'an unknown kill method',
      target({ kill: 'terminate' }),
      'targets[0].kill: expected one of kill, rds_kill, got "terminate"',
    ],
    [
      'a bad slash command',
      minimal({ slack: { command: 'bastion' } }),
      'slack.command: expected a slash command such as /bastion',
    ],
    ['no targets', { targets: [] }, 'targets: expected a list of at least 1 entry'],
    ['targets missing', { mode: 'local' }, 'targets: missing; expected a list'],
    [
      'a bad directory user',
      minimal({ directory: { users: [{ id: 'U0A', email: 'nope' }] } }),
      'directory.users[0].email: expected an e-mail address such as ada.lovelace@example.com, got "nope"',
    ],
    [
      'a bad group id',
      minimal({ directory: { users: [{ id: 'U0A', email: 'a@example.com', groups: ['dbas'] }] } }),
      'directory.users[0].groups[0]: expected a Slack user-group id such as S0123ABCD, got "dbas"',
    ],
    [
      'a group too small for the quorum',
      minimal(
        { directory: { users: [{ id: 'U0A', email: 'a@example.com', groups: ['S0DBAS'] }] } },
        { tiers: { DDL: { approvers: ['S0DBAS'], approvalsRequired: 2 } } },
      ),
      'targets[0].tiers.DDL: 2 approvals are required but the approvers (S0DBAS) hold 1 person in the directory',
    ],
    [
      'a negative extension count',
      tier({ extension: { maxCount: -1 } }),
      'targets[0].tiers.DDL.extension.maxCount: expected a whole number ≥ 0, got -1',
    ],
    [
      'a list for a mapping',
      minimal({ lifecycle: ['10m'] }),
      'lifecycle: expected a mapping (key: value pairs), got a list',
    ],
  ])('%s', (_, config, line) => {
    expect(problems(config)).toContainEqual(expect.stringContaining(line));
  });

  it('names duplicated target names and user ids', () => {
    const config = minimal({
      directory: {
        users: [
          { id: 'U0A', email: 'a@example.com' },
          { id: 'U0A', email: 'b@example.com' },
        ],
      },
    });
    config.targets.push({ ...config.targets[0]! });
    expect(problems(config)).toEqual([
      'targets[1].name: duplicate target name "demo" (first at index 0)',
      'directory.users[1].id: duplicate user id "U0A" (first at index 0)',
    ]);
  });

  it('reports every problem at once, one per line', () => {
    const lines = problems({
      modee: 'local',
      targets: [
        {
          name: 'demo',
          database: { adminUser: 'root', port: 'x' },
          schemas: ['sys'],
          tiers: { DDL: { approvalsRequired: 'two', privileges: ['SELCT'] } },
        },
      ],
    });
    expect(lines).toEqual([
      'targets[0].database.port: expected a whole number from 1 to 65535, got "x"',
      'targets[0].schemas[0]: expected an application schema; mysql, sys, information_schema, performance_schema are never granted, got "sys"',
      'targets[0].tiers.DDL.approvalsRequired: expected a whole number ≥ 1, got "two"',
      expect.stringContaining('targets[0].tiers.DDL.privileges[0]: expected a table privilege'),
      'modee: unknown key; did you mean "mode"?',
    ]);
  });

  it('reports YAML syntax errors with file, line and column, without echoing the source', () => {
    const result = parseConfig(
      'targets:\n  - name: demo\n    database: { adminPassword: "hunter2 }\n',
      'bad.yaml',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/^bad\.yaml:\d+:\d+: /);
    expect(result.error.message).not.toContain('hunter2');
  });

  it.each([
    ['an empty file', '', 'empty.yaml: the file is empty'],
    ['a comment only', '# nothing\n', 'empty.yaml: the file is empty'],
    ['a scalar', 'hello', '(top level): expected a mapping (key: value pairs), got "hello"'],
    [
      'a self-containing alias',
      'targets: &a [*a]',
      'targets[0]: a YAML alias refers to a value that contains it',
    ],
    ['an unknown alias', 'targets: *nope', 'empty.yaml: Unresolved alias'],
    ['a duplicate key', 'mode: local\nmode: local\n', 'empty.yaml:2:1: Map keys must be unique'],
    ['a __proto__ key', '__proto__: { polluted: true }\n', '__proto__: unknown key'],
  ])('refuses %s', (_, text, line) => {
    const result = parseConfig(text, 'empty.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(line);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('secrets in messages', () => {
  it('never shows a value under a password key', () => {
    const lines = problems(minimal({}, { database: { adminUser: 'root', adminPassword: 918_273_645 } }));
    expect(lines).toEqual([
      'targets[0].database.adminPassword: expected text (quote values such as "12345"), got a value that is not shown',
    ]);
  });

  it('never shows a value that came from the environment', () => {
    const lines = problems(minimal({}, { database: { adminUser: 'root', port: '${DB_PORT}' } }), {
      DB_PORT: 'pa55word',
    });
    expect(lines).toEqual([
      'targets[0].database.port: expected a whole number from 1 to 65535, got a value that is not shown',
    ]);
  });

  it('never shows a duration that came from the environment, even inside the duration message', () => {
    const lines = problems(minimal({}, { defaults: { approvers: ['U0A'], maxDuration: '${MAX}' } }), {
      MAX: '4711',
    });
    expect(lines).toEqual([
      'targets[0].defaults.maxDuration: expected a duration such as 30m, 1h or 1h30m, got a value that is not shown',
    ]);
  });

  it('never echoes a YAML token or source line, where a password could sit', () => {
    const templates = [
      (p: string) => `targets:\n  - adminPassword: "${p}" extra\n`,
      (p: string) => `targets:\n  - adminPassword: "${p}\n`,
      (p: string) => `targets: [\n  adminPassword: ${p}\n`,
      (p: string) => `adminPassword: ${p}\n ${p}: x\n`,
      (p: string) => `adminPassword: ${p}\n\t${p}\n`,
      (p: string) => `adminPassword: '${p}' '${p}'\n`,
      (p: string) => `adminPassword: {${p}\n`,
      (p: string) => `- ${p}\nadminPassword: ${p}\n`,
    ];
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{11}$/),
        fc.constantFrom(...templates),
        (secret, template) => {
          const result = parseConfig(template(secret), 'bad.yaml');
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.message).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('environment references', () => {
  const withPassword = (adminPassword: string) =>
    minimal({}, { database: { adminUser: 'root', adminPassword } });

  it('replaces ${NAME} from the env map', () => {
    expect(
      parsed(withPassword('${DB_PASSWORD}'), { DB_PASSWORD: 'hunter2' }).targets[0]!.database.adminPassword,
    ).toBe('hunter2');
  });

  it('replaces references inside a longer value', () => {
    const config = parsed(minimal({ store: { kind: 'dynamodb', table: 'drawbridge-${STAGE}' } }), {
      STAGE: 'prod',
    });
    expect(config.store).toEqual({ kind: 'dynamodb', table: 'drawbridge-prod' });
  });

  it('uses the fallback of ${NAME:-fallback} when the variable is unset or empty', () => {
    expect(parsed(withPassword('${DB_PASSWORD:-local}')).targets[0]!.database.adminPassword).toBe('local');
    expect(
      parsed(withPassword('${DB_PASSWORD:-local}'), { DB_PASSWORD: '' }).targets[0]!.database.adminPassword,
    ).toBe('local');
    expect(parsed(withPassword('${DB_PASSWORD:-}')).targets[0]!.database.adminPassword).toBe('');
  });

  it('keeps $${ as a literal ${', () => {
    expect(parsed(withPassword('a$${B}c')).targets[0]!.database.adminPassword).toBe('a${B}c');
  });

  it('reads numbers and booleans from variables', () => {
    const config = parsed(minimal({}, { database: { adminUser: 'root', port: '${PORT}', tls: '${TLS}' } }), {
      PORT: '3307',
      TLS: 'true',
    });
    expect(config.targets[0]!.database).toMatchObject({ port: 3307, tls: true });
  });

  it('names the key and the variable when it is not set', () => {
    expect(problems(withPassword('${DB_PASSWORD}'))).toEqual([
      'targets[0].database.adminPassword: environment variable DB_PASSWORD is not set',
    ]);
  });

  it('refuses a reference that is not a variable name', () => {
    expect(problems(withPassword('${not a name}'))[0]).toContain('is not a variable reference');
  });

  it('never reads process.env inside parseConfig', () => {
    process.env.DRAWBRIDGE_TEST_ONLY = 'from-process';
    try {
      expect(problems(withPassword('${DRAWBRIDGE_TEST_ONLY}'))[0]).toContain(
        'DRAWBRIDGE_TEST_ONLY is not set',
      );
    } finally {
      delete process.env.DRAWBRIDGE_TEST_ONLY;
    }
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drawbridge-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the environment it is given', async () => {
    const path = join(dir, 'env.yaml');
    await writeFile(path, stringify(minimal({}, { database: { adminUser: '${ADMIN}' } })));
    const config = await loadConfig(path, { ADMIN: 'drawbridge_admin' });
    expect(config.targets[0]!.database.adminUser).toBe('drawbridge_admin');
  });

  it('throws a ConfigError naming the file and every problem', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, stringify(minimal({ modee: 'local' }, { kill: 'nuke' })));
    const failure = loadConfig(path, {});
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(`${path} is not a valid Drawbridge config:\n  targets[0].kill`);
    await expect(failure).rejects.toThrow('  modee: unknown key; did you mean "mode"?');
  });

  it('throws a ConfigError that says the file does not exist', async () => {
    await expect(loadConfig(join(dir, 'missing.yaml'), {})).rejects.toThrow(
      /does not exist; set DRAWBRIDGE_CONFIG/,
    );
  });
});

describe('robustness', () => {
  it('never throws on arbitrary text and always answers with a Result', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const result = parseConfig(text, 'junk.yaml');
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe('invalid_config');
          expect(result.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws on YAML-ish junk built from config words', () => {
    const word = fc.constantFrom(
      'targets',
      'mode',
      'local',
      'store',
      'kind',
      'tiers',
      'READ',
      'DDL',
      'approvers',
      'approvalsRequired',
      'maxDuration',
      '30m',
      'two',
      '${X}',
      '&a',
      '*a',
      '- ',
      ': ',
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      '\n',
      '  ',
      '#',
      '!!binary',
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 40 }), (words) => {
        const result = parseConfig(words.join(''), 'junk.yaml', { X: '1' });
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws on arbitrary structured values and gives one line per problem, each with a key path', () => {
    const targetLike = fc.record(
      {
        name: fc.oneof(fc.constant('demo'), fc.string()),
        database: fc.oneof(fc.record({ adminUser: fc.string() }), fc.anything()),
        schemas: fc.oneof(fc.array(fc.string()), fc.anything()),
        tiers: fc.oneof(
          fc.dictionary(fc.constantFrom('READ', 'DML', 'DDL', 'read'), fc.anything()),
          fc.anything(),
        ),
        defaults: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.record({ targets: fc.array(targetLike) }, { requiredKeys: [] })),
        (value) => {
          const result = parseConfig(stringify(value), 'junk.yaml');
          if (result.ok) return;
          for (const line of result.error.message.split('\n')) expect(line).toMatch(/^\S.*: \S/);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('the evidence sections', () => {
  it('defaults to no activity source, the local signing key and no digest', () => {
    const config = parsed(minimal());
    expect(config.targets[0]?.activity).toEqual({ kind: 'none' });
    expect(config.history).toEqual({
      signing: { kind: 'key-file', path: '.drawbridge/history-signing-key.pem' },
    });
    expect(config.digest).toBeUndefined();
  });

  it('reads an activity source with its summary options, a digest time and a signing key', () => {
    const config = parsed(
      minimal(
        {
          digest: { channel: 'C0SECURITY', at: '07:30' },
          history: { signing: { kind: 'key-file', path: '/etc/drawbridge/key.pem' } },
        },
        {
          activity: {
            kind: 'mariadb-audit',
            file: '/var/lib/mysql/server_audit.log',
            maskLiterals: true,
            maxListed: 50,
          },
        },
      ),
    );
    expect(config.targets[0]?.activity).toEqual({
      kind: 'mariadb-audit',
      file: '/var/lib/mysql/server_audit.log',
      options: { maskLiterals: true, maxListed: 50, maxStatementLength: 300 },
    });
    expect(config.digest).toEqual({ channel: 'C0SECURITY', atMinuteOfDay: 450 });
    expect(config.history.signing).toEqual({ kind: 'key-file', path: '/etc/drawbridge/key.pem' });
  });

  it('says what is wrong with each, and how to write it', () => {
    expect(
      problems(
        minimal(
          { digest: { channel: '#security', at: '8am' } },
          { activity: { kind: 'mariadb-audt', file: 'x' } },
        ),
      ),
    ).toEqual([
      'targets[0].activity.kind: expected one of none, mariadb-audit, cloudwatch-logs (did you mean mariadb-audit?), got "mariadb-audt"',
      'digest.channel: expected a Slack channel id such as C0123ABCD, not a channel name, got "#security"',
      'digest.at: expected a time of day in UTC such as "08:00", got "8am"',
    ]);
    expect(
      problems(minimal({}, { activity: { kind: 'cloudwatch-logs', logGroup: 'x y', maxListed: 0 } })),
    ).toEqual([
      expect.stringMatching(/^targets\[0\]\.activity\.logGroup: expected the audit log group/),
      expect.stringMatching(/^targets\[0\]\.activity\.maxListed: expected a whole number/),
    ]);
  });
});
