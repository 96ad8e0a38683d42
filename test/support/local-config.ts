/** A local-mode config on real parts for tests: the example config pointed at the test MariaDB and one schema. */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import type { DrawbridgeConfig } from '../../src/config/config-types.js';
import { mysqlTestServer } from './mysql-admin.js';

export function localTestConfig(options: {
  target: string;
  schema: string;
  sourceNetwork: string;
  storePath?: string | undefined;
}): DrawbridgeConfig {
  const parsed = parseConfig(readFileSync('drawbridge.example.yaml', 'utf8'), 'example', {});
  if (!parsed.ok) throw new Error(parsed.error.message);
  const example = parsed.value;
  const target = example.targets[0];
  if (!target) throw new Error('example has no target');
  const { host, port } = mysqlTestServer().tcp;
  const adminOpts = mysqlTestServer().admin;
  const prefixLength = options.sourceNetwork.endsWith('/24') ? 24 : 16;
  return {
    ...example,
    store: options.storePath ? { kind: 'dynalite', path: options.storePath } : { kind: 'dynalite' },
    bastion: { kind: 'local', sourceNetwork: options.sourceNetwork, prefixLength },
    // One signing key per test process, outside the checkout.
    history: {
      signing: { kind: 'key-file', path: join(tmpdir(), `drawbridge-test-${process.pid}`, 'history.pem') },
    },
    targets: [
      {
        ...target,
        name: options.target,
        schemas: [options.schema],
        database: {
          ...target.database,
          host,
          port,
          adminUser: adminOpts.user ?? 'root',
          adminPassword: String(adminOpts.password ?? ''),
          ...(adminOpts.socketPath ? { socketPath: adminOpts.socketPath } : {}),
        },
        policy: { ...target.policy, name: options.target, schemas: [options.schema] },
      },
    ],
  };
}
