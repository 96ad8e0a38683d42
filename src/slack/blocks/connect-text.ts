/** How to connect, as the access DM and the credentials modal show it. Never holds a password. */
import {
  connectCommand,
  GUI_TLS_HINT,
  MARIADB_CLIENT_TLS,
  MYSQL_CLIENT_TLS,
} from '../../domain/connection.js';
import type { ConnectInfo } from '../../domain/types.js';
import { codeBlock, link } from './text.js';

/** The AWS console page that opens a Session Manager shell on the bastion, for those without the CLI plugin. */
export function sessionManagerUrl(connect: Extract<ConnectInfo, { kind: 'ssm' }>): string {
  const region = encodeURIComponent(connect.region);
  return `https://${region}.console.aws.amazon.com/systems-manager/session-manager/${encodeURIComponent(connect.instanceId)}?region=${region}`;
}

/**
 * The steps as mrkdwn: locally one `mysql` command; on AWS the port-forwarding session first, then `mysql`
 * against the forwarded port, and the console link.
 */
export function connectSteps(connect: ConnectInfo, user: string): string {
  const command = connectCommand(connect, user);
  if (connect.kind === 'local') return `${codeBlock(command)}`;
  // connectCommand gives both steps on one line, the second as a shell comment: show them as two steps.
  const [tunnel, then] = command.split(' # then: ');
  const steps =
    then === undefined
      ? codeBlock(command)
      : `1. Open the tunnel (keep it running):\n${codeBlock(tunnel ?? command)}\n2. In another terminal:\n${codeBlock(then)}`;
  const tls = `_The login needs TLS: MariaDB's \`mysql\` client takes \`${MARIADB_CLIENT_TLS}\` instead of \`${MYSQL_CLIENT_TLS}\`. ${GUI_TLS_HINT}_`;
  return `${steps}\n${tls}\nOr open a shell on the bastion: ${link(sessionManagerUrl(connect), 'Session Manager console')}`;
}
