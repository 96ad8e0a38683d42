import type { ConnectInfo } from './types.js';

/** What requests recorded before bastions had their own document forwarded with. */
const LEGACY_PORT_FORWARDING_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';

/** The command a requester runs to reach the database through their bastion (never contains a password). */
export function connectCommand(connect: ConnectInfo, user: string): string {
  switch (connect.kind) {
    case 'local':
      return `mysql -h ${connect.host} -P ${connect.port} -u ${user} -p`;
    case 'ssm':
      return [
        `aws ssm start-session --region ${connect.region} --target ${connect.instanceId}`,
        `--document-name ${connect.document ?? LEGACY_PORT_FORWARDING_DOCUMENT}`,
        `--parameters '{"host":["${connect.remoteHost}"],"portNumber":["${connect.remotePort}"],"localPortNumber":["${connect.localPort}"]}'`,
        `# then: mysql -h 127.0.0.1 -P ${connect.localPort} -u ${user} -p`,
      ].join(' ');
  }
}
