/** What `drawbridge audit` reads besides the store: the keys to verify with, the config's grants, live activity. */

import { collectActivity } from '../../app/record-activity.js';
import type { DrawbridgeConfig } from '../../config/config-types.js';
import type { ActivityEvidence } from '../../domain/activity.js';
import type { SealKey } from '../../domain/seal.js';
import type { AccessRequest } from '../../domain/types.js';
import { ConfiguredActivitySources } from '../activity-sources.js';
import { historySealKeys } from '../history-keys.js';
import { MysqlDatabases } from '../mysql-databases.js';
import type { AuditStory } from './audit-story.js';

/** The trusted keys; none (said on stderr) when the configured key cannot be read: nothing is created. */
export async function auditKeys(config: DrawbridgeConfig, publicKey: string | undefined): Promise<SealKey[]> {
  try {
    const keys = await historySealKeys(config, publicKey);
    if (keys.length === 0)
      process.stderr.write('drawbridge audit: no signing key to verify with (the key file does not exist)\n');
    return keys;
  } catch (e) {
    process.stderr.write(
      `drawbridge audit: cannot read the key to verify with: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return [];
  }
}

export function auditReader(config: DrawbridgeConfig) {
  let databases: MysqlDatabases | undefined;
  let sources: ConfiguredActivitySources | undefined;
  const activity = () => {
    if (!sources) {
      // Only the server's UTC offset is asked of the database (a SELECT): MariaDB's file holds local times.
      databases = config.mode === 'local' ? new MysqlDatabases(config.targets) : undefined;
      sources = new ConfiguredActivitySources(config.targets, {
        region: config.aws?.region,
        serverUtcOffset: async (target) => (databases ? databases.serverUtcOffset(target) : 0),
      });
    }
    return sources;
  };
  return {
    granted(request: AccessRequest): AuditStory['granted'] {
      const target = config.targets.find((t) => t.name === request.target);
      const tier = target?.policy.tiers[request.tier];
      return target && tier
        ? { privileges: tier.privileges, protectedTables: target.protectedTables }
        : undefined;
    },
    async readActivity(request: AccessRequest): Promise<ActivityEvidence | undefined> {
      return collectActivity({ activity: activity(), clock: { now: () => new Date() } }, request);
    },
    async close() {
      await databases?.close();
    },
  };
}
