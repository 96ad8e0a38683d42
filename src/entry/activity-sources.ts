/**
 * Each target's activity source, from its `activity:` config. The CloudWatch Logs client is loaded on the
 * first collection, so a function that never collects (the Slack one) never loads it.
 */

import { MariadbAuditFile } from '../adapters/activity/mariadb-audit-file.js';
import { awsClientSettings } from '../adapters/aws/client-settings.js';
import type { TargetConfig } from '../config/config-types.js';
import type { ActivityOptions } from '../domain/activity.js';
import type { ActivitySource, ActivitySources } from '../domain/ports.js';
import { lazyPort } from './lazy-port.js';

export interface ActivityWiring {
  /** The AWS region CloudWatch Logs is read in unless a target names its own (aws.region). */
  region?: string | undefined;
  /** The server's offset from UTC in minutes (MariaDB's file holds local times). */
  serverUtcOffset: (target: string) => Promise<number>;
}

export class ConfiguredActivitySources implements ActivitySources {
  private readonly byTarget = new Map<string, { source: ActivitySource; options: ActivityOptions }>();

  constructor(targets: readonly TargetConfig[], wiring: ActivityWiring) {
    for (const target of targets) {
      const source = sourceOf(target, wiring);
      if (source && target.activity.kind !== 'none')
        this.byTarget.set(target.name, { source, options: target.activity.options });
    }
  }

  forTarget(target: string) {
    return this.byTarget.get(target);
  }
}

function sourceOf(target: TargetConfig, wiring: ActivityWiring): ActivitySource | undefined {
  const activity = target.activity;
  switch (activity.kind) {
    case 'none':
      return undefined;
    case 'mariadb-audit':
      return new MariadbAuditFile({
        file: activity.file,
        utcOffsetMinutes: () => wiring.serverUtcOffset(target.name),
      });
    case 'cloudwatch-logs': {
      const description = `cloudwatch-logs ${activity.logGroup}`;
      return lazyPort<ActivitySource>(
        async () => {
          const [{ CloudwatchAuditLogs }, { CloudWatchLogsClient }] = await Promise.all([
            import('../adapters/activity/cloudwatch-audit-logs.js'),
            import('@aws-sdk/client-cloudwatch-logs'),
          ]);
          const client = new CloudWatchLogsClient(
            awsClientSettings(activity.region ?? wiring.region, 'background', {
              endpoint: activity.endpoint,
            }),
          );
          return new CloudwatchAuditLogs(client, activity.logGroup);
        },
        { description },
      );
    }
  }
}
